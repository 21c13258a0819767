#!/usr/bin/env bash
# Idle connections: server CPU with N connections that send nothing (reopened
# whenever the server closes them), and GET /healthz latency meanwhile.
#   EDGEPIX_BIN=path/to/edgepix bash bench/load/idle_connections.sh [CONNECTIONS] [SECONDS]
# Default binary: build-bench/edgepix (Release; built here when missing).
# Results: bench/load/RESULTS.md ("Idle connections").
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
connections="${1:-1000}"
seconds="${2:-30}"
bin="${EDGEPIX_BIN:-}"
if [ -z "$bin" ]; then
  cmake -S "$root" -B "$root/build-bench" -DCMAKE_BUILD_TYPE=Release -DEDGEPIX_TESTS=OFF >&2
  cmake --build "$root/build-bench" -j2 --target edgepix >&2
  bin="$root/build-bench/edgepix"
fi
# Server and client each hold one descriptor per connection.
ulimit -n "$(ulimit -Hn)"
data="$(mktemp -d)"
port="${EDGEPIX_BENCH_PORT:-18081}"
"$bin" serve --listen 127.0.0.1:$port --data "$data" --quiet > "$data.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data" "$data.log"' EXIT
for _ in $(seq 100); do
  curl -fs "127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
uptime
python3 "$root/bench/load/idle_client.py" --port "$port" --pid "$pid" \
  --connections "$connections" --seconds "$seconds"
