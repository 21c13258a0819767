#!/usr/bin/env bash
# The crash test, longer: N SIGKILL/restart cycles (default 200) instead of CI's 20.
#   bash bench/load/crash_soak.sh [CYCLES] [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cycles="${1:-200}"
build="${2:-$root/build-test}"
cmake --build "$build" -j2 --target edgepix test_integration
EDGEPIX_BIN="$build/edgepix" EDGEPIX_CRASH_CYCLES="$cycles" \
  "$build/tests/test_integration" "crash: SIGKILL at random moments loses no acknowledged upload"
