#!/usr/bin/env bash
# Line and branch coverage of src/ by the test suite: builds everything with gcov
# instrumentation (-O0 --coverage, no sanitizers) in build-coverage/, runs ctest
# there (the integration tests' servers write their counts when they exit 0 on
# SIGTERM; SIGKILLed runs add nothing), then prints gcovr's summary for src/.
# Reports (never committed; build-*/ is ignored):
#   build-coverage/coverage/summary.txt   per-file table, lines and branches
#   build-coverage/coverage/index.html    annotated sources
#
#   scripts/coverage.sh                          the whole suite
#   COVERAGE_CTEST_ARGS="-E ^e2e" scripts/coverage.sh   extra ctest arguments
#
# gcovr comes from Debian; this script installs it when missing (it is not
# part of scripts/test.sh, so setup.sh does not). Takes a while on 2 cores:
# a full build plus the whole suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-coverage"
jobs="$(nproc)"
((jobs > 2)) && jobs=2

if ! command -v gcovr >/dev/null 2>&1; then
  echo "coverage: installing gcovr"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends gcovr >/dev/null
fi
"$root/scripts/setup.sh"

echo "== coverage: instrumented build in $build"
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  # A ccache base_dir makes the paths in the gcov notes relative, which gcovr
  # then cannot always resolve: keep them absolute here.
  export CCACHE_BASEDIR=""
fi
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DEDGEPIX_TESTS=ON \
  -DCMAKE_C_FLAGS_DEBUG="-O0 -g --coverage" -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g --coverage" \
  -DCMAKE_EXE_LINKER_FLAGS="--coverage" "${launcher[@]}" >/dev/null
cmake --build "$build" -j"$jobs"

echo "== coverage: the suite"
# Counts of an earlier run would inflate this one.
find "$build" -name '*.gcda' -delete
rc=0
(cd "$build" && ctest -j"$jobs" --timeout 1800 ${COVERAGE_CTEST_ARGS:-}) || rc=$?
if ((rc != 0)); then
  echo "coverage: some tests failed (ctest exit $rc); the figures below still count what ran"
fi

echo "== coverage: src/"
out="$build/coverage"
rm -rf "$out"
mkdir -p "$out"
gcovr --root "$root" --filter "$root/src/" --object-directory "$build" -j "$jobs" \
  --exclude-unreachable-branches --exclude-throw-branches \
  --txt "$out/summary.txt" --html-details "$out/index.html" --print-summary \
  "$build" | tee "$out/totals.txt"
echo "coverage: per-file table in $out/summary.txt, annotated sources in $out/index.html"
exit "$rc"
