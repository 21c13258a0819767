#!/usr/bin/env bash
# Builds edgepix and runs every test, in one build instrumented with
# AddressSanitizer and UndefinedBehaviorSanitizer (optimised, so the suite stays
# quick): unit tests, integration tests against the real binary (crash, limits,
# security, metrics, OpenAPI), the corpus conformance test (over
# ../shared/corpus, which must exist) and the browser end-to-end test in
# headless Chromium.
# Then the libFuzzer targets of the decode path run briefly (scripts/fuzz.sh)
# after replaying their regression inputs; their clang build runs beside ctest.
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

# The libFuzzer targets' clang build runs beside the suite at the lowest
# priority: ctest leaves part of the cores idle (tests waiting on servers,
# kills and timeouts) and the build takes what it leaves. The fuzzing itself
# runs after the suite, on its own, since its budget is wall-clock seconds.
fuzz_build_log="$root/build-test/fuzz-build.log"
# Its own process group (setsid), so that a failed suite stops the whole build.
FUZZ_BUILD_ONLY=1 setsid nice -n 19 "$root/scripts/fuzz.sh" >"$fuzz_build_log" 2>&1 &
fuzz_build=$!
trap 'kill -- -"$fuzz_build" 2>/dev/null || true' EXIT

echo "== The whole suite (ctest), the fuzz targets' build beside it"
(
  cd "$root/build-test"
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=0" UBSAN_OPTIONS="print_stacktrace=1" \
    ctest --output-on-failure -j"$jobs" --timeout 900
)

echo "== libFuzzer: replay tests/fuzz/regressions, then fuzz each decoder briefly"
if ! wait "$fuzz_build"; then
  cat "$fuzz_build_log"
  echo "fuzz: the clang build failed"
  exit 1
fi
trap - EXIT
cat "$fuzz_build_log"
# ~15 s per target from fresh seeds (8 targets, two at a time): about a minute.
FUZZ_SECONDS="${FUZZ_SECONDS:-15}" FUZZ_FRESH=1 "$root/scripts/fuzz.sh"
