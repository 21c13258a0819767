#!/usr/bin/env python3
"""An application backend using edgepix, with nothing but Python's standard library.

It plays the part of a cloud app's backend: it keeps the edgepix token, opens a
batch whose callback_url points at itself, hands a "browser" one upload grant
per file, lets it upload through them without the token, closes the batch,
then receives edgepix's signed webhooks, checks each signature with its own
code, and prints the batch's result when batch.completed arrives.

    python3 backend.py --edgepix http://127.0.0.1:8080 --token TOKEN \\
        --secret "$(edgepix webhook-secret --data ./edgepix-data)" \\
        --listen 127.0.0.1:3000 [photo.jpg ...]

edgepix must allow the callback: `edgepix serve --webhook-allow http://127.0.0.1:3000/`.
Without files it uploads a few small generated PNGs. Exits 0 when the batch
ended and every webhook received was correctly signed, 1 otherwise.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import queue
import struct
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CALLBACK_PATH = "/hooks/edgepix"
TOLERANCE_SECONDS = 300


# --- The signature check (Standard Webhooks), independent of edgepix's code.
def verify_webhook(secret, headers, body):
    key = base64.b64decode(secret.removeprefix("whsec_"))
    msg_id = headers.get("webhook-id", "")
    ts = headers.get("webhook-timestamp", "")
    if not msg_id or not ts.isdigit() or abs(time.time() - int(ts)) > TOLERANCE_SECONDS:
        return False
    signed = f"{msg_id}.{ts}.".encode() + body
    want = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(sig.partition(",")[2], want)
        for sig in headers.get("webhook-signature", "").split(" ")
        if sig.startswith("v1,")
    )


# --- Talking to edgepix as the backend (with the token).
class Edgepix:
    def __init__(self, base, token):
        self.base = base.rstrip("/")
        self.token = token

    def call(self, method, path, body=None):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"null")


# --- The browser's side: one multipart upload per grant URL, no token.
def browser_upload(base, grant_url, filename, data):
    boundary = uuid.uuid4().hex
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
        f"Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(
        base.rstrip("/") + grant_url, data=body, method="POST",
        headers={"Content-Type": "multipart/form-data; boundary=" + boundary})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, json.loads(r.read())


def sample_png(width, height, seed):
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(
            ">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    rows = b"".join(
        b"\x00" + b"".join(bytes(((x * 255) // width, (y * 255) // height, (seed * 60) % 256))
                           for x in range(width))
        for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edgepix", default=os.environ.get("EDGEPIX_URL", "http://127.0.0.1:8080"))
    ap.add_argument("--token", default=os.environ.get("EDGEPIX_TOKEN", ""))
    ap.add_argument("--secret", default=os.environ.get("EDGEPIX_WEBHOOK_SECRET", ""),
                    help="whsec_... (edgepix webhook-secret --data DIR prints it)")
    ap.add_argument("--listen", default="127.0.0.1:3000", help="where this backend receives webhooks")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    if not args.secret.startswith("whsec_"):
        print("backend: --secret whsec_... is required", file=sys.stderr)
        return 2

    events = queue.Queue()
    bad_signatures = []
    seen_ids = set()

    class Hooks(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            if self.path != CALLBACK_PATH or not verify_webhook(args.secret, headers, body):
                bad_signatures.append(headers.get("webhook-id", "?"))
                self.send_response(401)
                self.end_headers()
                return
            self.send_response(204)
            self.end_headers()
            if headers["webhook-id"] not in seen_ids:  # at-least-once: de-duplicate
                seen_ids.add(headers["webhook-id"])
                events.put(json.loads(body))

        def log_message(self, *a):
            pass

    host, port = args.listen.rsplit(":", 1)
    hooks = ThreadingHTTPServer((host, int(port)), Hooks)
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    callback = f"http://{host}:{hooks.server_address[1]}{CALLBACK_PATH}"

    edgepix = Edgepix(args.edgepix, args.token)
    files = [(os.path.basename(p), open(p, "rb").read()) for p in args.files]
    if not files:
        files = [(f"sample-{i}.png", sample_png(64 + 16 * i, 48, i)) for i in range(3)]

    # 1. A batch that calls us back.
    batch = edgepix.call("POST", "/api/batches",
                         {"metadata": {"user": "u-17"}, "callback_url": callback})["batch"]
    print(f"backend: batch {batch['id']} calls back {callback}")
    # 2. One upload grant per file, handed to the browser.
    grants = edgepix.call("POST", "/api/upload-grants",
                          {"count": len(files), "batch": batch["id"], "expires_in": 600})["grants"]
    # 3. The browser uploads through them, without the token.
    for (name, data), grant in zip(files, grants):
        status, answer = browser_upload(args.edgepix, grant["url"], name, data)
        print(f"browser: {name} -> {status} job {answer['jobs'][0]['id']}")
    # 4. Close the batch; edgepix tells us when it is done.
    edgepix.call("POST", f"/api/batches/{batch['id']}/complete", {})

    deadline = time.time() + args.timeout
    jobs = {}
    result = None
    while time.time() < deadline and result is None:
        try:
            event = events.get(timeout=max(0.1, deadline - time.time()))
        except queue.Empty:
            break
        if event["type"] in ("job.completed", "job.failed"):
            jobs[event["data"]["id"]] = event["data"]["status"]
            print(f"webhook: {event['type']} {event['data']['id']}")
        elif event["type"] == "batch.completed" and event["data"]["id"] == batch["id"]:
            result = event["data"]
    hooks.shutdown()
    if result is None:
        print("backend: no batch.completed webhook in time", file=sys.stderr)
        return 1
    print(json.dumps({"batch": result["id"], "status": result["status"], "counts": result["counts"],
                      "job_events": len(jobs), "bad_signatures": len(bad_signatures)}))
    return 0 if not bad_signatures else 1


if __name__ == "__main__":
    sys.exit(main())
