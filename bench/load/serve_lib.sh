# Sourced by the bench/load scripts. start_edgepix BIN PORT: `BIN serve` on
# 127.0.0.1:PORT with a fresh data directory (globals `pid` and `data`), waits
# until /healthz answers, and stops the server and removes the directory when
# the calling script exits. Raises the descriptor limit first: server and
# client each hold one descriptor per connection.
start_edgepix() {
  local bin="$1" port="$2"
  ulimit -n "$(ulimit -Hn)"
  data="$(mktemp -d)"
  "$bin" serve --listen "127.0.0.1:$port" --data "$data" --quiet >"$data.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data" "$data.log"' EXIT
  for _ in $(seq 100); do
    curl -fs "127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
}
