#!/usr/bin/env bash
# Load benchmark: 500 open long-polls + a stream of ~15 MP photos saturating the
# workers, measuring upload acknowledgement and GET /api/jobs/{id} latency.
#   bash bench/load/run.sh [SECONDS] [UPLOADS_PER_SECOND]
#   EDGEPIX_BIN=path/to/edgepix bash bench/load/run.sh ...   (another build)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
seconds="${1:-40}"
rate="${2:-2}"
if [ ! -d /usr/share/wallpapers/Volna ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq plasma-workspace-wallpapers >/dev/null
fi
# The binary under test: EDGEPIX_BIN, or the release build (scripts/static-build.sh,
# the one-file binary for deployment) made here.
bin="${EDGEPIX_BIN:-}"
if [ -z "$bin" ]; then
  bash "$root/scripts/static-build.sh" >&2
  bin="$root/build-static/edgepix"
fi
client="$(bash "$root/bench/load/build.sh")"
photos=$(ls /usr/share/wallpapers/*/contents/images/5120x2880.jpg 2>/dev/null | head -5 | paste -sd,)
if [ -z "$photos" ]; then
  echo "needs 5120x2880 JPEGs from Debian's plasma-workspace-wallpapers" >&2
  exit 2
fi
data="$(mktemp -d)"
port=18080
"$bin" serve --listen 127.0.0.1:$port --data "$data" --quiet > "$data.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data" "$data.log"' EXIT
sleep 1
uptime
rc=0
"$client" --port $port --photos "$photos" --longpolls 500 --seconds "$seconds" \
  --upload-rate "$rate" --pid $pid || rc=$?
echo "still PENDING at the end (workers saturated if > 0):" \
  "$(curl -s "127.0.0.1:$port/api/jobs?status=PENDING&limit=200" | grep -o '"id"' | wc -l)"
exit $rc
