#!/usr/bin/env bash
# HEIC against JPEG of the same size, through the real server (issue 14's
# closing note): for each image a fresh `edgepix serve` (one worker, loopback,
# its own data dir), one raw-body upload, the long-poll until COMPLETED; prints
# the upload -> COMPLETED wall time and the server's peak RSS (VmHWM after the
# job), then the ratios to the JPEG of the same size. One run each, one core.
#   bash bench/heif/run.sh BINARY [edgepix serve flags...]
# e.g. bash bench/heif/run.sh build-rel/edgepix --memory-budget-mb 512
# Images (made into $EDGEPIX_HEIF_DIR, default /tmp/edgepix-heif-bench, never
# committed): the corpus's iPhone XR HEIC (4032x3024, 8x6 grid of 512x512
# tiles); a JPEG of the same picture made from it by heif-convert (q 92); a
# single-image (no grid) 12 MP HEIC made from that JPEG by heif-enc (q 50).
set -euo pipefail
bin=$(realpath "$1")
shift
here=$(cd "$(dirname "$0")" && pwd)
corpus=${EDGEPIX_CORPUS:-$here/../../../shared/corpus}
dir=${EDGEPIX_HEIF_DIR:-/tmp/edgepix-heif-bench}
port=${EDGEPIX_BENCH_PORT:-18714}
mkdir -p "$dir"
phone="$corpus/formats/heic/exiv2_IMG_3578.heic"
[[ -f $dir/phone_4032x3024.jpg ]] || heif-convert -q 92 "$phone" "$dir/phone_4032x3024.jpg" >/dev/null
[[ -f $dir/heifenc_4032x3024.heic ]] ||
  heif-enc -q 50 -o "$dir/heifenc_4032x3024.heic" "$dir/phone_4032x3024.jpg" >/dev/null

run_one() {  # file -> "seconds peak_mb status"
  local f=$1 data pid t0 t1 id status hwm
  shift
  data=$(mktemp -d)
  "$bin" serve --listen "127.0.0.1:$port" --data "$data" --workers 1 --quiet "$@" >"$data.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  t0=$(date +%s.%N)
  id=$(curl -sf --data-binary @"$f" "http://127.0.0.1:$port/api/uploads?filename=$(basename "$f")" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["jobs"][0]["id"])')
  status=$(curl -sf "http://127.0.0.1:$port/api/jobs/$id?wait=60" |
    python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["status"], (j.get("error") or {}).get("code",""))')
  t1=$(date +%s.%N)
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"
  wait "$pid" || true
  rm -rf "$data" "$data.log"
  echo "$(echo "$t1 - $t0" | bc) $((hwm * 1024 / 1000000)) $status"
}

declare -A secs mb
echo "| image | bytes | outcome | upload -> COMPLETED (s) | peak RSS (MB) | time / JPEG | RSS / JPEG |"
echo "|---|---:|---|---:|---:|---:|---:|"
files=("$dir/phone_4032x3024.jpg" "$phone" "$dir/heifenc_4032x3024.heic")
for f in "${files[@]}"; do
  read -r s m st code < <(run_one "$f" "$@")
  secs[$f]=$s
  mb[$f]=$m
  j=${files[0]}
  printf '| %s | %s | %s | %.2f | %s | %.2f | %.2f |\n' "$(basename "$f")" "$(stat -c %s "$f")" \
    "$st${code:+ $code}" "$s" "$m" "$(echo "$s / ${secs[$j]}" | bc -l)" "$(echo "$m / ${mb[$j]}" | bc -l)"
done
