#!/usr/bin/env python3
"""More concurrent long-polls than HTTP threads, for bench/load/backlog.sh.

Creates a batch and leaves it open (a long-poll on a batch without `since`
returns when the batch is terminal, so on an open one it waits the whole time;
one on a finished job would answer at once), then opens N connections at once,
each sending `GET /api/batches/ID?wait=WAIT`, and reports how each ended: its
status line (200 after the wait, 503 busy, ...) or closed without an answer.
"""
import argparse
import collections
import json
import selectors
import socket
import time
import urllib.request


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--connections", type=int, default=1400)
    ap.add_argument("--wait", type=int, default=20)
    args = ap.parse_args()
    base = f"http://127.0.0.1:{args.port}"

    req = urllib.request.Request(f"{base}/api/batches", data=b"{}", method="POST",
                                 headers={"Content-Type": "application/json"})
    batch = json.load(urllib.request.urlopen(req))["batch"]
    target = f"/api/batches/{batch['id']}?wait={args.wait}"

    sel = selectors.DefaultSelector()
    answers = {}
    t0 = time.monotonic()
    for _ in range(args.connections):
        s = socket.create_connection(("127.0.0.1", args.port))
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, data=bytearray())
    open_count = args.connections
    outcomes = collections.Counter()
    when = collections.defaultdict(list)
    while open_count and time.monotonic() - t0 < args.wait + 30:
        for key, _ in sel.select(1.0):
            s, buf = key.fileobj, key.data
            try:
                chunk = s.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if chunk:
                buf += chunk
                continue
            line = bytes(buf).split(b"\r\n", 1)[0].decode(errors="replace")
            outcome = line if line else "closed without an answer"
            outcomes[outcome] += 1
            when[outcome].append(time.monotonic() - t0)
            sel.unregister(s)
            s.close()
            open_count -= 1
    outcomes["still open at the end"] = open_count
    print(f"{args.connections} concurrent long-polls (wait={args.wait}):")
    for outcome, n in sorted(outcomes.items()):
        if n:
            t = sorted(when[outcome])
            span = f", ended {t[0]:.1f}-{t[-1]:.1f} s after the start" if t else ""
            print(f"  {n:5d}  {outcome}{span}")


if __name__ == "__main__":
    main()
