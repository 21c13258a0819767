#!/usr/bin/env bash
# Load benchmark: 500 open long-polls + a stream of ~15 MP photos saturating the
# workers, measuring upload acknowledgement and GET /api/jobs/{id} latency from
# each request's intended send time (load_client.cpp: no coordinated omission).
#   bash bench/load/run.sh [SECONDS] [UPLOADS_PER_SECOND] [ROUNDS]
# Runs both builds a user gets, interleaved ROUNDS times (default 1):
#   default  what `bash scripts/run.sh` builds (cmake Release, Debian's shared
#            libraries) -> build-bench/edgepix
#   release  the one-file binary of scripts/static-build.sh -> build-static/edgepix
# EDGEPIX_BIN=path/to/edgepix runs only that binary instead.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
seconds="${1:-40}"
rate="${2:-2}"
rounds="${3:-1}"
if [ ! -d /usr/share/wallpapers/Volna ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq plasma-workspace-wallpapers >/dev/null
fi
names=() bins=()
if [ -n "${EDGEPIX_BIN:-}" ]; then
  names=(given) bins=("$EDGEPIX_BIN")
else
  # The same cmake line as scripts/run.sh, in a directory of its own.
  cmake -S "$root" -B "$root/build-bench" -DCMAKE_BUILD_TYPE=Release -DEDGEPIX_TESTS=OFF >/dev/null
  cmake --build "$root/build-bench" -j2 --target edgepix >&2
  bash "$root/scripts/static-build.sh" >&2
  names=(default release) bins=("$root/build-bench/edgepix" "$root/build-static/edgepix")
fi
client="$(bash "$root/bench/load/build.sh")"
photos=$(ls /usr/share/wallpapers/*/contents/images/5120x2880.jpg 2>/dev/null | head -5 | paste -sd,)
if [ -z "$photos" ]; then
  echo "needs 5120x2880 JPEGs from Debian's plasma-workspace-wallpapers" >&2
  exit 2
fi
port=18080
rc=0
for r in $(seq 1 "$rounds"); do
  for i in "${!bins[@]}"; do
    # alternate which build goes first each round
    j=$(( (i + r - 1) % ${#bins[@]} ))
    bin="${bins[$j]}"
    data="$(mktemp -d)"
    "$bin" serve --listen 127.0.0.1:$port --data "$data" --quiet > "$data.log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do curl -fs "127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
    echo "== round $r, ${names[$j]} build ($bin), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    "$client" --port $port --photos "$photos" --longpolls 500 --seconds "$seconds" \
      --upload-rate "$rate" --pid $pid || rc=$?
    echo "still PENDING at the end (workers saturated if > 0):" \
      "$(curl -s "127.0.0.1:$port/api/jobs?status=PENDING&limit=200" | grep -o '"id"' | wc -l)"
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
    rm -rf "$data" "$data.log"
  done
done
exit $rc
