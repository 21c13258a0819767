#!/usr/bin/env bash
# Builds edgepix and runs every test: unit, integration against the real binary,
# the corpus conformance test (when ../shared/corpus exists), the browser
# end-to-end test in headless Chromium, and the unit tests again under
# AddressSanitizer/UndefinedBehaviorSanitizer, and last the libFuzzer targets of
# the decode path for a short time (scripts/fuzz.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="$(nproc)"
"$root/scripts/setup.sh"

echo "== Release build and the full suite"
cmake -S "$root" -B "$root/build-test" -DCMAKE_BUILD_TYPE=Release -DEDGEPIX_TESTS=ON >/dev/null
cmake --build "$root/build-test" -j"$jobs"
(cd "$root/build-test" && ctest --output-on-failure -j"$jobs" --timeout 600)

echo "== ASan/UBSan build: unit and integration tests"
cmake -S "$root" -B "$root/build-asan" -DCMAKE_BUILD_TYPE=Debug -DEDGEPIX_SANITIZE=ON \
  -DEDGEPIX_TESTS=ON >/dev/null
cmake --build "$root/build-asan" -j"$jobs"
(cd "$root/build-asan" && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$jobs" \
  --timeout 900 -E "^e2e-|conformance")

echo "== libFuzzer: replay tests/fuzz/regressions, then fuzz each decoder briefly"
# ~15 s per target from fresh seeds (7 targets) plus the clang build: about 3 minutes.
FUZZ_SECONDS="${FUZZ_SECONDS:-15}" FUZZ_FRESH=1 "$root/scripts/fuzz.sh"
