#!/usr/bin/env python3
"""A webhook receiver for the integration tests, independent of edgepix's code.

Verifies every request's Standard Webhooks signature with Python's own hmac and
base64, answers `--fail N` requests of each webhook-id with `--fail-status`
(503 by default) before answering 200, holds the first request of each
webhook-id `--delay-first S` seconds before answering it, and appends one JSON
line per request to `--log` as it arrives: {"id", "timestamp", "signature_ok",
"type", "subject", "answered", "delayed", "path", "received", "body"}. Writes the port it listens on to `--port-file` once it accepts
connections (`--port 0` = any free port). Runs until killed.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(key, headers, body):
    msg_id = headers.get("webhook-id", "")
    ts = headers.get("webhook-timestamp", "")
    signed = f"{msg_id}.{ts}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for sig in headers.get("webhook-signature", "").split(" "):
        version, _, value = sig.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return True
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--secret", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--fail", type=int, default=0)
    ap.add_argument("--fail-status", type=int, default=503)
    ap.add_argument("--delay-first", type=int, default=0)
    args = ap.parse_args()
    key = base64.b64decode(args.secret.removeprefix("whsec_"))
    seen = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            msg_id = self.headers.get("webhook-id", "")
            with lock:
                seen[msg_id] = seen.get(msg_id, 0) + 1
                answer = args.fail_status if seen[msg_id] <= args.fail else 200
                delayed = args.delay_first > 0 and seen[msg_id] == 1
                try:
                    event = json.loads(body)
                except ValueError:
                    event = {}
                line = {
                    "id": msg_id,
                    "timestamp": self.headers.get("webhook-timestamp", ""),
                    "signature_ok": verify(key, self.headers, body),
                    "type": event.get("type"),
                    "subject": (event.get("data") or {}).get("id"),
                    "answered": answer,
                    "delayed": delayed,
                    "path": self.path,
                    "received": time.time(),
                    "body": event,
                }
                with open(args.log, "a") as f:
                    f.write(json.dumps(line) + "\n")
                    f.flush()
            if delayed:
                time.sleep(args.delay_first)
            self.send_response(answer)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
