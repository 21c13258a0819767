#!/usr/bin/python3
"""Throughput of one large object through S3 PutObject compared with multipart uploads, in one run.

    python3 bench/s3_multipart.py EDGEPIX_BINARY [--mib N] [--count N]

Starts `edgepix serve` with --s3-listen on loopback, then sends the same N MiB of random bytes
(default 40; a plain object, so no job competes) --count times (default 5) each way, with boto3:
  - put:        one put_object (SigV4, the body's SHA-256 signed)
  - mpu-5MiB:   upload_file, 5 MiB parts (S3's minimum), 4 parts in flight (s3transfer's default is 10)
  - mpu-8MiB:   upload_file, 8 MiB parts (the AWS CLI's and boto3's default part size)
and prints seconds, uploads/s and MiB/s for each. The multipart time includes
CompleteMultipartUpload, which copies the parts into the object. Needs Debian's python3-boto3.
Timing lives here, never in ctest.
"""
import http.client
import os
import signal
import subprocess
import sys
import tempfile
import time


def main():
    args = sys.argv[1:]
    mib, count = 40, 5
    if "--mib" in args:
        mib = int(args[args.index("--mib") + 1])
    if "--count" in args:
        count = int(args[args.index("--count") + 1])
    binary = args[0]
    import boto3
    from boto3.s3.transfer import TransferConfig
    from botocore.config import Config

    M = 1024 * 1024
    with tempfile.TemporaryDirectory() as data, tempfile.NamedTemporaryFile() as src:
        src.write(os.urandom(mib * M))
        src.flush()
        api_port, s3_port = 18980 + os.getpid() % 500, 19980 + os.getpid() % 500
        server = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:%d" % api_port, "--data", data,
                                   "--s3-listen", "127.0.0.1:%d" % s3_port, "--s3-access-key", "AKIDBENCH",
                                   "--s3-secret-key", "bench-secret", "--s3-bucket", "bench", "--workers", "1",
                                   "--max-upload-mb", str(mib + 1), "--quiet"],
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
            results = []
            with open(src.name, "rb") as f:
                body = f.read()
            t = time.monotonic()
            for i in range(count):
                s3.put_object(Bucket="bench", Key="put/%d" % i, Body=body)
            results.append(("put", time.monotonic() - t))
            for name, part in (("mpu-5MiB", 5 * M), ("mpu-8MiB", 8 * M)):
                config = TransferConfig(multipart_threshold=part, multipart_chunksize=part, max_concurrency=4)
                t = time.monotonic()
                for i in range(count):
                    s3.upload_file(src.name, "bench", "%s/%d" % (name, i), Config=config)
                results.append((name, time.monotonic() - t))
                head = s3.head_object(Bucket="bench", Key="%s/0" % name)
                assert head["ContentLength"] == len(body) and "-" in head["ETag"], head
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=120)
    print("%d MiB object, %d uploads each, binary %s" % (mib, count, binary))
    print("| path | seconds | uploads/s | MiB/s |")
    print("|---|---|---|---|")
    for name, seconds in results:
        print("| %s | %.2f | %.2f | %.1f |" % (name, seconds, count / seconds, mib * count / seconds))


if __name__ == "__main__":
    main()
