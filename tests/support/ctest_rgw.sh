#!/usr/bin/env bash
# The ctest fixture around ceph_rgw.sh: one Ceph RGW for every test of a ctest
# run that needs S3 (tests/CMakeLists.txt registers both commands; the tests
# find the gateway through DIR/env, see tests/integration/ceph_rgw.h).
#
#   ctest_rgw.sh start DIR   stops what a killed earlier run may have left in
#                            DIR, then starts the gateway there (twice at most:
#                            the script picks ports before its daemons bind
#                            them). Its watchdog's owner is ctest (our parent):
#                            if ctest dies before the stop test runs, the
#                            gateway goes with it. Exit codes as ceph_rgw.sh's
#                            (77: Ceph is not installed, the fixture is
#                            skipped and each test decides for itself).
#   ctest_rgw.sh stop DIR    stops it and removes DIR.
set -uo pipefail
script="$(dirname "${BASH_SOURCE[0]}")/ceph_rgw.sh"
[[ $# -eq 2 ]] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
case "$1" in
  start)
    owner="$PPID"
    for attempt in 1 2; do
      bash "$script" stop "$2" >/dev/null 2>&1
      bash "$script" start "$2" --owner "$owner"
      code=$?
      [[ $code -eq 0 || $code -eq 77 ]] && exit "$code"
      echo "ctest_rgw: start failed (exit $code, try $attempt of 2)" >&2
    done
    bash "$script" stop "$2" >/dev/null 2>&1
    exit 1
    ;;
  stop) exec bash "$script" stop "$2" ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
