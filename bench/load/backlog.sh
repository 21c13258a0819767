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
port="${EDGEPIX_BENCH_PORT:-18082}"
. "$root/bench/load/serve_lib.sh"
start_edgepix "$bin" "$port"
python3 "$root/bench/load/backlog_client.py" --port "$port" \
  --connections "$connections" --wait "$wait_s"
