#!/usr/bin/env bash
# A real S3 implementation for tests: Ceph's RADOS Gateway (Debian's ceph-mon,
# ceph-osd, radosgw, ceph-common) as a single-node cluster on loopback, every
# file in one directory, no ceph-mgr.
#
# Usage (the interface is stable; C++ tests use tests/integration/ceph_rgw.h):
#   tests/support/ceph_rgw.sh start DIR [--owner PID]
#       DIR must not exist or be empty; it is created and holds everything
#       (config, keyring, mon store, logs, pids). Starts mon + one memstore
#       OSD + radosgw (beast on 127.0.0.1), creates the S3 user and waits (up
#       to CEPH_RGW_DEADLINE seconds, default 60) until a signed ListBuckets
#       answers 200. Then prints, and writes to DIR/env, shell-sourceable lines:
#         RGW_ENDPOINT=http://127.0.0.1:PORT
#         RGW_ACCESS_KEY=...
#         RGW_SECRET_KEY=...
#         RGW_REGION=us-east-1
#       Exit 0 when ready; 77 when the packages are missing (a test SKIPs);
#       1 on failure, with the failing step and the tail of each log on
#       stderr (the daemons that did start are stopped again, DIR is kept).
#       --owner PID: a watchdog stops the cluster and removes DIR when PID
#       exits, so a test process that dies leaves no daemons behind.
#   tests/support/ceph_rgw.sh stop DIR
#       SIGKILL to radosgw, the OSD and the mon (nothing in them is worth a
#       graceful stop), waits until they are gone, then removes DIR.
#       Idempotent; refuses a DIR this script did not make.
#   tests/support/ceph_rgw.sh logs DIR
#       The tail of every daemon log (for a failed test's output).
#
# Environment: CEPH_RGW_ACCESS_KEY / CEPH_RGW_SECRET_KEY choose the S3 user's
# keys (fixed defaults below), CEPH_RGW_DEADLINE the start deadline.
#
# Why these settings (measured with Debian's ceph 16.2.15 on 2 cores): RGW
# creates its ~7 pools one at a time and each waits for a paxos round, so the
# 1 s default propose interval made the first PUT take 18 s; 0.01 s makes it
# ~3 s. One OSD needs size-1 pools, OSD-level CRUSH placement and few PGs.
# msgr2 only on 127.0.0.1 keeps everything on loopback. The mon refuses to run
# on a disk over 95 % full, so `mon data avail crit` is lowered. Daemons run
# in the foreground (-f) in the background of this script, so their PIDs are
# known and stop never has to search for processes by name. As root they stay
# root (no --setuser): every path is in DIR, which root owns.
# beast gets tcp_nodelay=1: without it, on a reused (keep-alive) connection a
# small answer waited for the client's delayed ACK, ~40 ms per GET of a
# variant (bench/blobs_local_vs_s3.py).
set -euo pipefail

readonly MARKER=".edgepix-ceph-rgw"
readonly DEFAULT_ACCESS_KEY="EDGEPIXRGWTESTKEY001"
readonly DEFAULT_SECRET_KEY="edgepixRgwTestSecretKey00000000000000000"

usage() {
  echo "usage: $0 start DIR [--owner PID] | stop DIR | logs DIR" >&2
  exit 2
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

logs_tail() {
  local dir="$1" f
  for f in "$dir"/log/*; do
    [[ -s "$f" ]] || continue
    echo "--- ${f#"$dir"/} (last 25 lines)"
    tail -n 25 "$f"
  done
}

# True while `pid` runs (a zombie waiting for its reaper counts as gone).
running() {
  local state
  state="$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null || true)"
  [[ -n "$state" && "$state" != "Z" && "$state" != "X" ]]
}

# SIGKILLs every pid in DIR/pids and waits until they are gone. Not SIGTERM:
# each daemon spends ~2 s in its graceful shutdown, and there is nothing to
# save (memstore, and DIR is removed next).
stop_daemons() {
  local dir="$1" pid pids=() i alive
  [[ -f "$dir/pids" ]] || return 0
  mapfile -t pids <"$dir/pids"
  for pid in "${pids[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
  done
  for ((i = 0; i < 100; i++)); do
    alive=0
    for pid in "${pids[@]}"; do
      if running "$pid"; then alive=1; fi
    done
    ((alive)) || break
    sleep 0.05
  done
  if ((alive)); then
    echo "ceph_rgw: a daemon of $dir survived SIGKILL for 5 s" >&2
    return 1
  fi
  rm -f "$dir/pids"
}

cmd_stop() {
  local dir="$1"
  [[ -d "$dir" ]] || return 0
  if [[ ! -f "$dir/$MARKER" ]]; then
    echo "ceph_rgw: $dir was not made by this script; not touching it" >&2
    exit 1
  fi
  if [[ -f "$dir/watchdog.pid" ]]; then
    local w
    w="$(cat "$dir/watchdog.pid")"
    # The watchdog itself calls stop; do not kill the caller.
    [[ "$w" != "${CEPH_RGW_WATCHDOG_SELF:-}" ]] && kill -TERM "$w" 2>/dev/null || true
  fi
  stop_daemons "$dir" || exit 1
  rm -rf "$dir"
}

# Runs a daemon in the foreground of a background job; records its pid.
spawn() {
  local dir="$1" name="$2"
  shift 2
  "$@" >"$dir/log/$name.out" 2>&1 </dev/null &
  echo $! >>"$dir/pids"
}

cmd_start() {
  local dir="$1" owner="${2:-}"
  local bin
  for bin in ceph-mon ceph-osd radosgw radosgw-admin ceph ceph-authtool monmaptool curl python3; do
    if ! command -v "$bin" >/dev/null 2>&1; then
      echo "ceph_rgw: $bin is missing (scripts/setup.sh installs ceph-mon ceph-osd radosgw ceph-common)" >&2
      exit 77
    fi
  done
  if [[ -e "$dir" ]] && [[ -n "$(ls -A "$dir")" ]]; then
    echo "ceph_rgw: $dir exists and is not empty" >&2
    exit 1
  fi
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  touch "$dir/$MARKER"
  mkdir -p "$dir/log" "$dir/run" "$dir/mon" "$dir/osd/ceph-0" "$dir/rgw" "$dir/crash"

  local access_key="${CEPH_RGW_ACCESS_KEY:-$DEFAULT_ACCESS_KEY}"
  local secret_key="${CEPH_RGW_SECRET_KEY:-$DEFAULT_SECRET_KEY}"
  local deadline_s="${CEPH_RGW_DEADLINE:-60}"
  local mon_port rgw_port fsid osd_uuid conf="$dir/ceph.conf"
  mon_port="$(free_port)"
  rgw_port="$(free_port)"
  fsid="$(python3 -c 'import uuid; print(uuid.uuid4())')"
  osd_uuid="$(python3 -c 'import uuid; print(uuid.uuid4())')"

  cat >"$conf" <<EOF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$mon_port
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
ms bind msgr2 = true
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $dir/keyring
run dir = $dir/run
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
crash dir = $dir/crash
exec dir = $dir/run
mon data = $dir/mon/\$cluster-\$id
osd data = $dir/osd/\$cluster-\$id
rgw data = $dir/rgw
osd objectstore = memstore
memstore device bytes = 1073741824
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
osd crush initial weight = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
paxos propose interval = 0.01
paxos min wait = 0.01
mon data avail crit = 1
mon data avail warn = 2
osd max object name len = 460
osd max object namespace len = 64

[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port tcp_nodelay=1
EOF

  fail() {
    echo "ceph_rgw: $1" >&2
    logs_tail "$dir" >&2 || true
    if [[ -f "$dir/watchdog.pid" ]]; then kill -TERM "$(cat "$dir/watchdog.pid")" 2>/dev/null || true; fi
    stop_daemons "$dir" || true
    exit 1
  }

  local kr="$dir/keyring"
  {
    ceph-authtool --create-keyring "$kr" --gen-key -n mon. --cap mon 'allow *' &&
      ceph-authtool "$kr" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
        --cap mds 'allow *' --cap mgr 'allow *' &&
      ceph-authtool "$kr" --gen-key -n osd.0 --cap mon 'allow profile osd' --cap osd 'allow *' \
        --cap mgr 'allow profile osd' &&
      ceph-authtool "$kr" --gen-key -n client.rgw --cap mon 'allow rw' --cap osd 'allow rwx' \
        --cap mgr 'allow rw' &&
      monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap" &&
      ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$kr"
  } >"$dir/log/mkfs.out" 2>&1 || fail "making the mon store failed"

  spawn "$dir" mon.a ceph-mon -c "$conf" -i a -f

  if [[ -n "$owner" ]]; then
    # Stops everything when the owner exits without calling stop.
    (
      trap '' HUP INT
      while kill -0 "$owner" 2>/dev/null && [[ -d "$dir" ]]; do sleep 1; done
      [[ -d "$dir" ]] && CEPH_RGW_WATCHDOG_SELF="$BASHPID" "$0" stop "$dir" >/dev/null 2>&1
    ) </dev/null >/dev/null 2>&1 &
    echo $! >"$dir/watchdog.pid"
  fi

  # Registers osd.0 (its key came in with the mon's keyring) and makes its store.
  timeout 30 ceph -c "$conf" osd new "$osd_uuid" 0 >"$dir/log/osd-new.out" 2>&1 ||
    fail "the mon did not answer 'ceph osd new' within 30 s"
  ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid" >"$dir/log/osd-mkfs.out" 2>&1 ||
    fail "ceph-osd --mkfs failed"
  spawn "$dir" osd.0 ceph-osd -c "$conf" -i 0 -f
  spawn "$dir" client.rgw radosgw -c "$conf" -n client.rgw -f

  timeout 60 radosgw-admin -c "$conf" user create --uid edgepix-test --display-name "edgepix test" \
    --access-key "$access_key" --secret-key "$secret_key" >"$dir/log/user-create.out" 2>&1 ||
    fail "radosgw-admin user create failed"

  local endpoint="http://127.0.0.1:$rgw_port"
  local end=$((SECONDS + deadline_s)) code=""
  while true; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
      --aws-sigv4 "aws:amz:us-east-1:s3" --user "$access_key:$secret_key" \
      -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$endpoint/" || true)"
    [[ "$code" == "200" ]] && break
    local pid
    while read -r pid; do
      kill -0 "$pid" 2>/dev/null || fail "a daemon (pid $pid) exited during start"
    done <"$dir/pids"
    ((SECONDS < end)) || fail "no signed ListBuckets answered 200 within ${deadline_s} s (last status: ${code:-none})"
    sleep 0.1
  done

  {
    echo "RGW_ENDPOINT=$endpoint"
    echo "RGW_ACCESS_KEY=$access_key"
    echo "RGW_SECRET_KEY=$secret_key"
    echo "RGW_REGION=us-east-1"
  } >"$dir/env"
  cat "$dir/env"
}

[[ $# -ge 2 ]] || usage
case "$1" in
  start)
    owner=""
    if [[ $# -ge 4 && "$3" == "--owner" ]]; then owner="$4"; fi
    cmd_start "$2" "$owner"
    ;;
  stop) cmd_stop "$2" ;;
  logs) logs_tail "$2" ;;
  *) usage ;;
esac
