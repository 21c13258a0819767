#!/usr/bin/env bash
# Builds edgepix and runs every test, in one build instrumented with
# AddressSanitizer and UndefinedBehaviorSanitizer (optimised, so the suite stays
# quick): unit tests, integration tests against the real binary (crash, limits,
# security, metrics, OpenAPI), the corpus conformance test (over
# ../shared/corpus, which must exist) and the browser end-to-end test in
# headless Chromium.
# Before that, the libFuzzer targets of the decode path run briefly
# (scripts/fuzz.sh) after replaying their regression inputs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="$(nproc)"
"$root/scripts/setup.sh"

echo "== Build with ASan/UBSan"
# -g1 (line tables: sanitizer reports still name function, file and line)
# instead of -g: a third less compile time for this, the longest stage.
# Ninja (scripts/setup.sh installs it) for a new build directory: it schedules
# the whole build as one graph where make works target by target. A directory
# made with another generator keeps it.
generator=()
[[ -f "$root/build-test/CMakeCache.txt" ]] || generator=(-G Ninja)
cmake -S "$root" -B "$root/build-test" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEDGEPIX_SANITIZE=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DEDGEPIX_TESTS=ON >/dev/null
cmake --build "$root/build-test" -j"$jobs"

echo "== libFuzzer: replay tests/fuzz/regressions, then fuzz each decoder briefly"
# ~15 s per target from fresh seeds (8 targets, two at a time) plus the clang build: about 2 minutes.
FUZZ_SECONDS="${FUZZ_SECONDS:-15}" FUZZ_FRESH=1 "$root/scripts/fuzz.sh"

echo "== The whole suite (ctest)"
cd "$root/build-test"
ASAN_OPTIONS="detect_leaks=1:abort_on_error=0" UBSAN_OPTIONS="print_stacktrace=1" \
  ctest --output-on-failure -j"$jobs" --timeout 900
