#!/usr/bin/env bash
# Where edgepix spends its CPU: `perf record` of `edgepix process --workers 1`
# over the benchmark photos, then the hottest symbols (self time) and the time
# per shared object.
#
#   bash bench/profile.sh [wallpapers|corpus|DIR] [OUT.txt]
#
# Needs the Release binary in build-bench/ (bench/run.sh builds it) and perf
# (Debian linux-perf). Without frame pointers, the report is flat (self time).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
SET=${1:-wallpapers}
OUT=${2:-/dev/stdout}
BIN="$ROOT/build-bench/edgepix"
[[ -x "$BIN" ]] || { echo "build first: bash bench/run.sh (or cmake --build build-bench --target edgepix)" >&2; exit 1; }
command -v perf >/dev/null || { echo "perf is missing (apt-get install linux-perf)" >&2; exit 1; }
WORK="$(mktemp -d /tmp/edgepix-profile.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
bash "$HERE/photo_set.sh" "$WORK/photos" "$SET"
perf record -q -F 1999 -o "$WORK/perf.data" -- \
  "$BIN" process "$WORK"/photos/* --out "$WORK/out" --workers 1 >/dev/null 2>"$WORK/perf.err"
{
  echo "# perf: edgepix process --workers 1 over $(ls "$WORK/photos" | wc -l) photos ($SET)"
  echo "## by shared object"
  perf report -q -i "$WORK/perf.data" --no-children --sort dso --stdio 2>/dev/null | sed -n 1,15p
  echo "## hottest symbols (self)"
  perf report -q -i "$WORK/perf.data" --no-children --sort dso,symbol --stdio 2>/dev/null |
    grep -v "^$" | sed -n 1,40p
} >"$OUT"
