#!/usr/bin/env python3
"""Idle-connection load for bench/load/idle_connections.sh.

Holds N TCP connections to the server open without sending anything,
reopening each one the server closes (as phones and browsers with keep-alive
connections do), and meanwhile probes GET /healthz on a fresh connection every
PERIOD ms. Prints the server's CPU use over the run (from /proc/PID/stat) and
the /healthz latency percentiles.
"""
import argparse
import os
import selectors
import socket
import time


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def open_idle(port, sel):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex(("127.0.0.1", port))
    sel.register(s, selectors.EVENT_READ)
    return s


def healthz(port):
    t0 = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    ok = data.startswith(b"HTTP/1.1 200")
    return time.monotonic() - t0, ok


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    i = min(len(sorted_values) - 1, int(round(p / 100.0 * (len(sorted_values) - 1))))
    return sorted_values[i]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--connections", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--warmup", type=float, default=3)
    ap.add_argument("--period-ms", type=float, default=50)
    args = ap.parse_args()

    sel = selectors.DefaultSelector()
    for _ in range(args.connections):
        open_idle(args.port, sel)
    time.sleep(args.warmup)

    reopened = 0
    latencies = []
    failures = 0
    cpu0, t0 = cpu_seconds(args.pid), time.monotonic()
    next_probe = t0
    while time.monotonic() - t0 < args.seconds:
        timeout = max(0.0, next_probe - time.monotonic())
        for key, _ in sel.select(timeout):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if not data:  # closed by the server: reconnect, stay idle
                sel.unregister(s)
                s.close()
                open_idle(args.port, sel)
                reopened += 1
        if time.monotonic() >= next_probe:
            try:
                took, ok = healthz(args.port)
                latencies.append(took)
                failures += 0 if ok else 1
            except OSError:
                failures += 1
            next_probe += args.period_ms / 1000.0
    cpu1, t1 = cpu_seconds(args.pid), time.monotonic()
    latencies.sort()
    print(f"idle connections held: {args.connections}, reopened after a server close: {reopened}")
    print(f"server CPU: {100.0 * (cpu1 - cpu0) / (t1 - t0):.1f} % of one core over {t1 - t0:.0f} s")
    print(
        "GET /healthz: n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms failures=%d"
        % (
            len(latencies),
            1000 * percentile(latencies, 50),
            1000 * percentile(latencies, 99),
            1000 * (latencies[-1] if latencies else float("nan")),
            failures,
        )
    )


if __name__ == "__main__":
    main()
