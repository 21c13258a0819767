#!/usr/bin/python3
"""Upload throughput through S3 PutObject compared with POST /api/uploads, in one run.

    python3 bench/s3_put_vs_upload.py EDGEPIX_BINARY [PHOTO] [--count N] [--notify]

Starts `edgepix serve` with --s3-listen on loopback (one worker, so processing competes
little), then sends the same photo N times (default 100) sequentially on one keep-alive
connection each way, the three ways interleaved in rounds of 10 (rotating which goes first):
  - api:       POST /api/uploads?filename=… with the raw body (what the upload page does)
  - s3-sigv4:  boto3 put_object (SigV4, x-amz-content-sha256 = the body's SHA-256, as the SDK sends it)
  - s3-presig: PUT to a presigned SigV4 URL (UNSIGNED-PAYLOAD; only the server's cost)
and prints requests/s and MiB/s for each. Every request must answer 2xx. With --notify the
server also gets --s3-notify pointing at a receiver in this script (answers 200 to every POST),
so every PutObject writes an outbox row and the delivery thread sends it during the run. Needs Debian's
python3-boto3. Timing lives here, never in ctest.
"""
import http.client
import http.server
import threading
import os
import signal
import subprocess
import sys
import tempfile
import time


ROUND = 10


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = 100
    if "--count" in sys.argv:
        count = int(sys.argv[sys.argv.index("--count") + 1])
        args = [a for a in args if a != str(count)]
    binary = args[0]
    here = os.path.dirname(os.path.abspath(__file__))
    photo = args[1] if len(args) > 1 else os.path.join(here, "..", "..", "shared", "corpus", "photos",
                                                      "plasma_Grey_2560x1600.jpg")
    with open(photo, "rb") as f:
        body = f.read()
    import boto3
    from botocore.config import Config

    received = []
    extra = []
    if "--notify" in sys.argv:
        class Receiver(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                received.append(1)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=receiver.serve_forever, daemon=True).start()
        extra = ["--s3-notify", "http://127.0.0.1:%d/s3" % receiver.server_address[1]]
    with tempfile.TemporaryDirectory() as data:
        api_port, s3_port = 18480 + os.getpid() % 500, 19480 + os.getpid() % 500
        server = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:%d" % api_port, "--data", data,
                                   "--s3-listen", "127.0.0.1:%d" % s3_port, "--s3-access-key", "AKIDBENCH",
                                   "--s3-secret-key", "bench-secret", "--s3-bucket", "bench", "--workers", "1",
                                   "--max-queue", "100000", "--quiet"] + extra,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    c = http.client.HTTPConnection("127.0.0.1", api_port, timeout=5)
                    c.request("GET", "/healthz")
                    if c.getresponse().status == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            s3 = boto3.client("s3", endpoint_url="http://127.0.0.1:%d" % s3_port, region_name="us-east-1",
                              aws_access_key_id="AKIDBENCH", aws_secret_access_key="bench-secret",
                              config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"))
            urls = [s3.generate_presigned_url("put_object", Params={"Bucket": "bench", "Key": "pre/p%d.jpg" % i})
                    for i in range(count)]
            api = http.client.HTTPConnection("127.0.0.1", api_port, timeout=60)
            pre = http.client.HTTPConnection("127.0.0.1", s3_port, timeout=60)

            def send_api(i):
                api.request("POST", "/api/uploads?filename=p%d.jpg" % i, body=body,
                            headers={"Content-Type": "image/jpeg"})
                r = api.getresponse()
                r.read()
                assert 200 <= r.status < 300, r.status

            def send_sigv4(i):
                s3.put_object(Bucket="bench", Key="sdk/p%d.jpg" % i, Body=body)

            def send_presigned(i):
                url = urls[i]
                pre.request("PUT", url[url.index("/bench/"):], body=body)
                r = pre.getresponse()
                r.read()
                assert r.status == 200, r.status

            # Interleaved in rounds of ROUND, the order rotating, so each path meets the
            # same backlog of images for the worker (which competes for the CPU) and the
            # same moments of a shared machine's load.
            paths = [("api", send_api), ("s3-sigv4", send_sigv4), ("s3-presig", send_presigned)]
            seconds = {name: 0.0 for name, _ in paths}
            for r, first in enumerate(range(0, count, ROUND)):
                for name, send in paths[r % 3:] + paths[:r % 3]:
                    t = time.monotonic()
                    for i in range(first, min(first + ROUND, count)):
                        send(i)
                    seconds[name] += time.monotonic() - t
            results = [(name, seconds[name]) for name, _ in paths]
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=120)
    mib = len(body) * count / 1048576.0
    print("photo %s (%d bytes), %d uploads each, binary %s%s" % (
        os.path.basename(photo), len(body), count, binary,
        ", --s3-notify: %d events received by the end" % len(received) if extra else ""))
    print("| path | seconds | uploads/s | MiB/s |")
    print("|---|---|---|---|")
    for name, seconds in results:
        print("| %s | %.2f | %.1f | %.1f |" % (name, seconds, count / seconds, mib / seconds))


if __name__ == "__main__":
    main()
