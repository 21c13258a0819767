#!/usr/bin/env bash
# RSS growth of the server while it streams GET /api/download.zip (issue 13):
# N small images (default 1000, distinct noise PNGs made by make_pngs.py) are
# uploaded and processed, then the archive is downloaded (with a rate limit, so
# it streams for a while) while /proc/PID/status's VmRSS is sampled every 20 ms.
# Prints the RSS before, the peak during, the growth and the archive's size.
#   bash bench/download_zip/run.sh BINARY [N] [variant]
# e.g. bash bench/download_zip/run.sh build-rel/edgepix 1000
set -euo pipefail
bin=$(realpath "$1")
n=${2:-1000}
variant=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
token=bench-download-zip-token-0123456789
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --listen "127.0.0.1:$port" --data "$work/data" --token "$token" --quiet \
  --variant thumb:150x150:cover --variant large:640x640:inside >"$work/server.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

python3 "$here/make_pngs.py" "$work/in" "$n"
auth=(-H "Authorization: Bearer $token")
files=("$work"/in/*.png)
for ((i = 0; i < ${#files[@]}; i += 100)); do
  args=()
  for f in "${files[@]:i:100}"; do args+=(-F "file=@$f"); done
  curl -fs "${auth[@]}" "${args[@]}" "http://127.0.0.1:$port/api/uploads" >/dev/null
done
# Wait until nothing is pending or processing.
while :; do
  left=0
  for s in PENDING PROCESSING; do
    c=$(curl -fs "${auth[@]}" "http://127.0.0.1:$port/api/jobs?status=$s&limit=1" | grep -c '"id"' || true)
    left=$((left + c))
  done
  ((left == 0)) && break
  sleep 0.5
done

rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
before=$(rss)
peak=$before
url="http://127.0.0.1:$port/api/download.zip${variant:+?variant=$variant}"
curl -fs "${auth[@]}" --limit-rate 20M -o "$work/all.zip" "$url" &
curl_pid=$!
while kill -0 $curl_pid 2>/dev/null; do
  now=$(rss)
  ((now > peak)) && peak=$now
  sleep 0.02
done
wait $curl_pid
entries=$(python3 -c 'import sys, zipfile; print(len(zipfile.ZipFile(sys.argv[1]).infolist()))' "$work/all.zip")
bytes=$(stat -c %s "$work/all.zip")
echo "images: $n, entries: $entries, archive: $((bytes / 1000000)) MB"
echo "RSS before: $((before / 1024)) MiB, peak while streaming: $((peak / 1024)) MiB, growth: $(((peak - before) / 1024)) MiB ($((peak - before)) KiB)"
