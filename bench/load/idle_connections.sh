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
port="${EDGEPIX_BENCH_PORT:-18081}"
. "$root/bench/load/serve_lib.sh"
start_edgepix "$bin" "$port"
uptime
python3 "$root/bench/load/idle_client.py" --port "$port" --pid "$pid" \
  --connections "$connections" --seconds "$seconds"
