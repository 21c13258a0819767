#!/usr/bin/env bash
# More concurrent long-polls than HTTP threads (default flags: 1024 threads,
# backlog 256): how each connection ends, answered or not.
#   EDGEPIX_BIN=path/to/edgepix bash bench/load/backlog.sh [CONNECTIONS] [WAIT_SECONDS]
# Results: bench/load/RESULTS.md ("Idle connections").
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
connections="${1:-1400}"
wait_s="${2:-20}"
bin="${EDGEPIX_BIN:?set EDGEPIX_BIN to the edgepix binary to measure}"
image="${EDGEPIX_BENCH_IMAGE:-$root/../shared/corpus/formats/png/basn2c08.png}"
ulimit -n "$(ulimit -Hn)"
data="$(mktemp -d)"
port="${EDGEPIX_BENCH_PORT:-18082}"
"$bin" serve --listen 127.0.0.1:$port --data "$data" --quiet > "$data.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data" "$data.log"' EXIT
for _ in $(seq 100); do
  curl -fs "127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
python3 "$root/bench/load/backlog_client.py" --port "$port" --image "$image" \
  --connections "$connections" --wait "$wait_s"
