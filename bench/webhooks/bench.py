#!/usr/bin/env python3
"""Webhook delivery benchmark: 1,000 jobs completing with one loopback endpoint.

In one run, against one binary:
  A. 1,000 uploads (small distinct PNGs, 4 client threads) with no webhook: upload-ack latency.
  B. the same with --webhook pointing at a receiver in this process that answers 204 at once:
     upload-ack latency again, and per event the time from the event (the body's timestamp,
     the job's or batch's committed updated_at) to its arrival at the receiver.
  C. the 1,000 job events of B put back to pending in the outbox (sqlite3), server restarted:
     how fast one delivery thread drains them (deliveries/s).
Prints a JSON summary. Usage: bench.py EDGEPIX_BIN [N]
"""
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zlib
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CLIENTS = 4


def png(seed, w=64, h=48):
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(
            ">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    rows = b"".join(
        b"\x00" + b"".join(bytes(((x * 4 + seed) % 256, (y * 5 + seed // 256) % 256, 90))
                           for x in range(w)) for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))] if v else None


class Receiver:
    def __init__(self):
        self.arrivals = {}  # webhook-id -> (arrival, event)
        self.lock = threading.Lock()
        outer = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                now = time.time()
                with outer.lock:
                    outer.arrivals.setdefault(self.headers["webhook-id"], (now, json.loads(body)))
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d/hook" % self.server.server_address[1]

    def count(self):
        with self.lock:
            return len(self.arrivals)


class Server:
    def __init__(self, binary, data, extra):
        self.port = free_port()
        self.log = open(os.path.join(data, "..", "server-%d.log" % self.port), "w")
        self.proc = subprocess.Popen(
            [binary, "serve", "--listen", "127.0.0.1:%d" % self.port, "--data", data, "--quiet",
             "--max-queue", "100000", "--workers", "2"] + extra,
            stdout=self.log, stderr=self.log)
        for _ in range(300):
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def get(self, path):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(60)
        self.log.close()
        if rc != 0:
            raise RuntimeError("server exited %d" % rc)


def upload_all(server, images):
    """Uploads every image (one per request, CLIENTS threads); returns ack seconds and job ids."""
    acks, ids, lock = [], [], threading.Lock()
    todo = list(enumerate(images))

    def client():
        c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        while True:
            with lock:
                if not todo:
                    return
                i, data = todo.pop()
            boundary = uuid.uuid4().hex
            body = (("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p%d.png\"\r\n"
                     "Content-Type: image/png\r\n\r\n") % (boundary, i)).encode() + data + (
                "\r\n--%s--\r\n" % boundary).encode()
            t0 = time.perf_counter()
            c.request("POST", "/api/uploads", body,
                      {"Content-Type": "multipart/form-data; boundary=" + boundary})
            r = c.getresponse()
            payload = r.read()
            dt = time.perf_counter() - t0
            if r.status != 202:
                raise RuntimeError("upload answered %d %r" % (r.status, payload[:200]))
            with lock:
                acks.append(dt)
                ids.append(json.loads(payload)["jobs"][0]["id"])

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return acks, ids


def wait_terminal(server, ids):
    for i in ids:
        while True:
            _, body = server.get("/api/jobs/%s?wait=30" % i)
            if json.loads(body)["status"] in ("COMPLETED", "FAILED"):
                break


def iso_seconds(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def main():
    binary = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    work = tempfile.mkdtemp(prefix="edgepix-webhook-bench-")
    out = {"jobs": n, "clients": CLIENTS, "workers": 2}
    try:
        images_a = [png(i) for i in range(n)]
        images_b = [png(n + i) for i in range(n)]

        # A: no webhook.
        data_a = os.path.join(work, "a")
        os.makedirs(data_a)
        s = Server(binary, data_a, [])
        t0 = time.time()
        acks_a, ids_a = upload_all(s, images_a)
        wait_terminal(s, ids_a)
        out["without_webhooks"] = {"upload_ack_p50_ms": pct(acks_a, 50) * 1e3,
                                   "upload_ack_p99_ms": pct(acks_a, 99) * 1e3,
                                   "all_done_s": time.time() - t0}
        s.stop()

        # B: one loopback endpoint.
        rx = Receiver()
        data_b = os.path.join(work, "b")
        os.makedirs(data_b)
        s = Server(binary, data_b, ["--webhook", rx.url])
        t0 = time.time()
        acks_b, ids_b = upload_all(s, images_b)
        wait_terminal(s, ids_b)
        while rx.count() < n and time.time() - t0 < 600:
            time.sleep(0.05)
        lat = []
        arrivals = []
        with rx.lock:
            for when, event in rx.arrivals.values():
                lat.append(when - iso_seconds(event["timestamp"]))
                arrivals.append(when)
        out["with_webhooks"] = {"upload_ack_p50_ms": pct(acks_b, 50) * 1e3,
                                "upload_ack_p99_ms": pct(acks_b, 99) * 1e3,
                                "all_done_s": time.time() - t0,
                                "events_received": len(lat),
                                "event_to_2xx_p50_ms": pct(lat, 50) * 1e3,
                                "event_to_2xx_p99_ms": pct(lat, 99) * 1e3,
                                "event_to_2xx_max_ms": max(lat) * 1e3}
        _, metrics = s.get("/metrics")
        out["with_webhooks"]["server_metrics"] = [
            line for line in metrics.decode().splitlines()
            if line.startswith("edgepix_webhook_deliveries_total") or
            line.startswith("edgepix_webhook_delivery_latency_seconds_count") or
            line.startswith("edgepix_webhook_delivery_latency_seconds_sum")]
        s.stop()

        # C: drain 1,000 pending deliveries at once.
        db = sqlite3.connect(os.path.join(data_b, "jobs.db"))
        db.execute("UPDATE webhook_outbox SET status = 'pending', next_attempt_at = 0, attempts = 0")
        db.commit()
        pending = db.execute("SELECT COUNT(*) FROM webhook_outbox").fetchone()[0]
        db.close()
        with rx.lock:
            rx.arrivals.clear()
        t0 = time.time()
        s = Server(binary, data_b, ["--webhook", rx.url])
        while rx.count() < pending and time.time() - t0 < 600:
            time.sleep(0.01)
        with rx.lock:
            times = sorted(w for w, _ in rx.arrivals.values())
        span = times[-1] - times[0] if len(times) > 1 else 0
        out["drain"] = {"deliveries": len(times),
                        "first_to_last_s": span,
                        "deliveries_per_s": (len(times) - 1) / span if span > 0 else None}
        s.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
