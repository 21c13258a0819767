#!/usr/bin/env bash
# Two cores: how much of the second core edgepix gets, against how much the
# machine gives anything (issue 16, "the 2-worker run reaching >= 85 % of the
# floor's 2-core rate: find out how much is the machine and how much is us").
#
#   bash bench/scaling.sh EDGEPIX_BIN [wallpapers|corpus|DIR] [ROUNDS]
#
# Per round, one after the other (wall-clock seconds, so run it on a quiet box
# and read the load average it prints):
#   floor x1   bench/tools/codec_floor --reps 1 over the set's photos (decode at
#              edgepix's plan + three WebP encodes of box-resized buffers)
#   floor x2   two of those at once, the same files: how the machine's second
#              core adds to the first for this kind of work, whatever edgepix does
#   edgepix 1  edgepix process --workers 1 --parallel-variants never
#   edgepix 2  edgepix process --workers 2 (its default --parallel-variants)
# Prints images/s for each and:
#   machine scaling  = floor x2 rate / floor x1 rate (wall clock; 2.0 = two
#              whole cores)
#   edgepix scaling  = edgepix 2 rate / edgepix 1 rate
#   floor's 2-core rate = 1000 / (the floor tool's codec CPU ms per photo, its
#              "mean" line, timed around decode and encodes only) x machine scaling
#   edgepix 2 / floor's 2-core rate = the issue's ratio
# Every figure is the median over ROUNDS (default 3), with its range.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN=${1:?usage: bench/scaling.sh EDGEPIX_BIN [wallpapers|corpus|DIR] [ROUNDS]}
SET=${2:-wallpapers}
ROUNDS=${3:-3}
WORK="$(mktemp -d /tmp/edgepix-scaling.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

TOOL="$(bash "$HERE/tools/build.sh" codec_floor "$WORK")"
bash "$HERE/photo_set.sh" "$WORK/photos" "$SET"
# Every photo of the set (JPEG, WebP, PNG): the floor tool measures each as edgepix decodes it.
mapfile -t PHOTOS < <(find "$WORK/photos" -type l | sort)
N=${#PHOTOS[@]}
((N > 0)) || { echo "no photos in the set" >&2; exit 1; }
cat "${PHOTOS[@]}" >/dev/null # page cache

now() { date +%s.%N; }
# rate N SECONDS -> images/s
rate() { python3 -c "print($1 / ($2))"; }

declare -A R
for r in $(seq 1 "$ROUNDS"); do
  echo "round $r, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  t0=$(now); "$TOOL" --reps 1 "${PHOTOS[@]}" >"$WORK/floor.tsv"; t1=$(now)
  R[floor1]+="$(rate "$N" "$t1 - $t0") "
  R[floorcpu]+="$(awk -F'\t' '$1 == "mean" { print 1000 / $7 }' "$WORK/floor.tsv") "
  t0=$(now)
  "$TOOL" --reps 1 "${PHOTOS[@]}" >/dev/null & p=$!
  "$TOOL" --reps 1 "${PHOTOS[@]}" >/dev/null
  wait $p
  t1=$(now)
  R[floor2]+="$(rate "$((2 * N))" "$t1 - $t0") "
  for w in 1 2; do
    rm -rf "$WORK/out"
    extra=()
    [[ $w == 1 ]] && extra=(--parallel-variants never)
    t0=$(now)
    "$BIN" process --out "$WORK/out" --workers "$w" "${extra[@]}" "${PHOTOS[@]}" >/dev/null 2>"$WORK/err" ||
      { cat "$WORK/err" >&2; exit 1; }
    t1=$(now)
    R[edgepix$w]+="$(rate "$N" "$t1 - $t0") "
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$N" "${R[floor1]}" "${R[floor2]}" "${R[edgepix1]}" "${R[edgepix2]}" "${R[floorcpu]}" <<'EOF'
import statistics, sys
n = int(sys.argv[1])
f1, f2, e1, e2, fc = ([float(x) for x in a.split()] for a in sys.argv[2:7])
f2core = [c * (x2 / x1) for c, x1, x2 in zip(fc, f1, f2)]
def cell(v):
    return f"{statistics.median(v):.2f} [{min(v):.2f}–{max(v):.2f}]"
def ratio(a, b):
    return cell([x / y for x, y in zip(a, b)])
print(f"{n} photos; images/s, median [range] over {len(f1)} rounds\n")
print("| run | images/s |")
print("|---|---|")
print(f"| codec floor, 1 process | {cell(f1)} |")
print(f"| codec floor, 2 processes | {cell(f2)} |")
print(f"| edgepix --workers 1 (one thread) | {cell(e1)} |")
print(f"| edgepix --workers 2 | {cell(e2)} |")
print(f"| floor's codec CPU alone, 1 core (1000 / ms per photo) | {cell(fc)} |")
print(f"| floor's 2-core rate (that x machine scaling) | {cell(f2core)} |")
print()
print(f"- machine scaling (floor x2 / x1): {ratio(f2, f1)}")
print(f"- edgepix scaling (2 workers / 1): {ratio(e2, e1)}")
print(f"- edgepix 2 workers / floor's 2-core rate: {ratio(e2, f2core)}")
print(f"- edgepix 1 worker / floor's codec CPU, 1 core: {ratio(e1, fc)}")
EOF
