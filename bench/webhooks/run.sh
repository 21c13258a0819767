#!/usr/bin/env bash
# Webhook delivery benchmark (bench/webhooks/bench.py): 1,000 jobs completing
# with one loopback endpoint; upload-ack latency with and without webhooks in
# the same run, event -> 2xx latency, and how fast one delivery thread drains
# 1,000 pending deliveries. Builds a Release binary in build-rel unless
# EDGEPIX_BIN is given. Usage: bench/webhooks/run.sh [N]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${EDGEPIX_BIN:-}"
if [[ -z "$bin" ]]; then
  cmake -S "$root" -B "$root/build-rel" -DCMAKE_BUILD_TYPE=Release -DEDGEPIX_TESTS=OFF >/dev/null
  make -C "$root/build-rel" -j2 edgepix >/dev/null
  bin="$root/build-rel/edgepix"
fi
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $bin" >&2
exec python3 "$root/bench/webhooks/bench.py" "$bin" "${1:-1000}"
