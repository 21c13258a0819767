#!/usr/bin/env bash
# Upload acknowledgement with both workers busy, two builds alternated in one run
# (bench/results/2026-12-06-group-commit.md):
#   bash bench/load/group_commit.sh OLD_BIN NEW_BIN [SECONDS] [RATE] [ROUNDS] [UPLOADERS]
# Each round runs OLD then NEW (NEW then OLD on even rounds) with load_client's
# fixed schedule (500 long-polls, RATE uploads/s of the 5120x2880 wallpapers), then
# one more run of each under `strace -f -c --seccomp-bpf` counting fsync/fdatasync per
# upload (whole server: the upload's and its processing's), with 10 long-polls instead
# of 500 (strace slows every thread it follows).
set -euo pipefail
[ -n "${TRACE:-}" ] && set -x
root="$(cd "$(dirname "$0")/../.." && pwd)"
old="$1" new="$2" seconds="${3:-30}" rate="${4:-2}" rounds="${5:-3}" uploaders="${6:-2}"
client="$(bash "$root/bench/load/build.sh")"
photos=$(ls /usr/share/wallpapers/*/contents/images/5120x2880.jpg 2>/dev/null | head -5 | paste -sd,)
[ -n "$photos" ] || { echo "needs plasma-workspace-wallpapers (see bench/load/run.sh)" >&2; exit 2; }
port=18081
if curl -fs "127.0.0.1:$port/healthz" >/dev/null 2>&1; then
  echo "port $port is taken" >&2
  exit 2
fi
ulimit -n "$(ulimit -Hn)"

one() {  # NAME BIN [strace]
  local name="$1" bin="$2" mode="${3:-}" data pid longpolls=500
  data="$(mktemp -d)"
  if [ "$mode" = strace ]; then
    longpolls=10
    # The shell records the server's pid, then becomes the server.
    strace -f --seccomp-bpf -o "$data.strace" -e trace=fsync,fdatasync,sync_file_range \
      bash -c 'echo $$ >"$0"; exec "$@"' "$data.pid" \
      "$bin" serve --listen 127.0.0.1:$port --data "$data" --quiet >"$data.log" 2>&1 &
  else
    "$bin" serve --listen 127.0.0.1:$port --data "$data" --quiet >"$data.log" 2>&1 &
  fi
  pid=$!
  for _ in $(seq 200); do curl -fs "127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  echo "== $name ($bin)${mode:+ under strace}, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$client" --port $port --photos "$photos" --longpolls $longpolls --seconds "$seconds" \
    --upload-rate "$rate" --uploaders "$uploaders" | grep -v '^open long-polls' || true
  local jobs
  jobs=$(curl -s "127.0.0.1:$port/api/jobs?limit=200" | grep -o '"filename"' | wc -l)
  echo "jobs: $jobs, still PENDING: $(curl -s "127.0.0.1:$port/api/jobs?status=PENDING&limit=200" | grep -o '"id"' | wc -l)," \
    "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$mode" = strace ]; then
    # Let every job finish, so the workers' calls are whole jobs too.
    for _ in $(seq 600); do
      busy=$(curl -s "127.0.0.1:$port/api/jobs?limit=200" | grep -oE '"status":"(PENDING|PROCESSING)"' | wc -l || true)
      [ "$busy" -eq 0 ] && break
      sleep 0.5
    done
  fi
  local srv=$pid
  if [ "$mode" = strace ]; then srv=$(cat "$data.pid"); fi
  kill -INT "$srv" 2>/dev/null
  for _ in $(seq 60); do kill -0 "$srv" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$srv" 2>/dev/null || true
  wait $pid 2>/dev/null || true
  if [ "$mode" = strace ]; then
    # Upload threads are those that started writeback (sync_file_range: every
    # wallpaper is over 512 KiB); the other fsyncs are the workers' (and start-up).
    awk -v jobs="$jobs" '
      { tid = $1; call = $2; sub(/\(.*/, "", call) }
      call == "sync_file_range" { up[tid] = 1 }
      call == "fsync" || call == "fdatasync" { n[tid, call]++; tids[tid] = 1 }
      END {
        split("fsync fdatasync", k, " ")
        for (t in tids) for (i in k) { if (t in up) u[k[i]] += n[t, k[i]]; else w[k[i]] += n[t, k[i]] }
        printf "per upload (%d): upload threads fsync %.2f fdatasync %.2f; other threads fsync %.2f fdatasync %.2f\n",
          jobs, u["fsync"] / jobs, u["fdatasync"] / jobs, w["fsync"] / jobs, w["fdatasync"] / jobs
      }' "$data.strace"
  fi
  rm -rf "$data" "$data.log" "$data.strace" "$data.pid"
}

if [ "${STRACE_ONLY:-0}" = 1 ]; then rounds=0; fi
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then one old "$old"; one new "$new"; else one new "$new"; one old "$old"; fi
done
one old "$old" strace
one new "$new" strace
