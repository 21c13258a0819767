#!/usr/bin/env bash
# Runs one benchmarked tool over the photos (run.sh wraps this in /usr/bin/time).
# Args: TOOL WORKERS OUTDIR EDGEPIX_BIN PHOTO...
# TOOL is edgepix | edgepix-keepmem (needs $KEEPMEM) | vipsthumbnail | sharp-per-size | sharp-cascade.
# One worker means one thread for every tool: edgepix then runs with
# --parallel-variants never (no helper thread for the large variant), as vips and
# sharp are held to one thread; with 2 workers it keeps its default (when-idle).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tool=$1 w=$2 out=$3 edgepix=$4
shift 4
one_thread=()
[[ $w == 1 ]] && one_thread=(--parallel-variants never)
case $tool in
  edgepix)
    exec "$edgepix" process --out "$out" --workers "$w" "${one_thread[@]}" -- "$@" >"$out.log" ;;
  edgepix-keepmem)
    GLIBC_TUNABLES=$KEEPMEM exec "$edgepix" process --out "$out" --workers "$w" \
      "${one_thread[@]}" -- "$@" >"$out.log" ;;
  vipsthumbnail)
    for v in thumb medium large; do
      for f in "$@"; do printf '%s:%s\0' "$v" "$f"; done
    done | VIPS_CONCURRENCY=1 xargs -0 -n 5 -P "$w" bash "$HERE/vips_one.sh" "$out" 2>"$out.err" ;;
  sharp-per-size | sharp-cascade)
    UV_THREADPOOL_SIZE=$w exec node "$HERE/sharp_bench.js" --mode "${tool#sharp-}" \
      --workers "$w" --out "$out" "$@" >"$out.log" ;;
  *) echo "unknown tool $tool" >&2; exit 2 ;;
esac
