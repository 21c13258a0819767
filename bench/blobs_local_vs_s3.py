#!/usr/bin/python3
"""One node on local disk vs one node on S3 (--blobs-url, Ceph RGW), in one run.

    python3 bench/blobs_local_vs_s3.py EDGEPIX_BINARY [PHOTO] [--count N]

Starts Ceph's RGW with tests/support/ceph_rgw.sh (Debian's ceph-mon, ceph-osd,
radosgw), makes a bucket (python3-boto3), then two `edgepix serve --workers 1`
nodes: one with its blobs under --data, one with --blobs-url on the bucket. To
each, sequentially on one keep-alive connection: N uploads of PHOTO (default a
2560x1600 JPEG from ../shared/corpus, made distinct by a JPEG comment so none
is deduplicated), each waited for until COMPLETED; then N
GETs of the original, N GETs of a 256 KiB Range of it and N GETs of the thumb
variant. Prints p50/p99 in ms of each step per node and the bucket's object
count at the end. Timing lives here, never in ctest.
"""
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))] * 1000


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_healthy(port, proc):
    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit("edgepix exited early")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("edgepix never became healthy")


def run_node(binary, data, extra, env, photo, count):
    port = free_port()
    log = open(os.path.join(data, "server.log"), "ab")
    proc = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:%d" % port, "--data", data,
                             "--workers", "1", "--quiet"] + extra, stdout=log, stderr=log, env=env)
    try:
        wait_healthy(port, proc)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        ack, done, ids = [], [], []
        for i in range(count):
            t0 = time.monotonic()
            # A JPEG comment (COM) after SOI makes each upload distinct: no dedup.
            tag = b"edgepix bench %d" % i
            body = photo[:2] + b"\xff\xfe" + (len(tag) + 2).to_bytes(2, "big") + tag + photo[2:]
            c.request("POST", "/api/uploads?filename=p%d.jpg" % i, body=body,
                      headers={"Content-Type": "image/jpeg"})
            r = c.getresponse()
            body = json.loads(r.read())
            if r.status != 202:
                raise SystemExit("upload answered %d: %s" % (r.status, body))
            t1 = time.monotonic()
            job = body["jobs"][0]
            while job["status"] not in ("COMPLETED", "FAILED"):
                c.request("GET", "/api/jobs/%s?wait=30" % job["id"])
                job = json.loads(c.getresponse().read())
            if job["status"] != "COMPLETED":
                raise SystemExit("job failed: %s" % job)
            ack.append(t1 - t0)
            done.append(time.monotonic() - t0)
            ids.append(job["id"])
        steps = {"upload ack": ack, "upload to COMPLETED": done}
        for name, path, headers in (("GET original", "/o/%s", {}),
                                    ("GET original 256 KiB Range", "/o/%s",
                                     {"Range": "bytes=1000-263143"}),
                                    ("GET thumb", "/v/%s/thumb.webp", {})):
            times = []
            for i in ids:
                t0 = time.monotonic()
                c.request("GET", path % i, headers=headers)
                r = c.getresponse()
                r.read()
                if r.status not in (200, 206):
                    raise SystemExit("%s answered %d" % (path % i, r.status))
                times.append(time.monotonic() - t0)
            steps[name] = times
        return steps
    finally:
        proc.terminate()
        proc.wait(60)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = 50
    if "--count" in sys.argv:
        count = int(sys.argv[sys.argv.index("--count") + 1])
        args = [a for a in args if a != str(count)]
    binary = os.path.abspath(args[0])
    here = os.path.dirname(os.path.abspath(__file__))
    photo_path = args[1] if len(args) > 1 else os.path.join(
        here, "..", "..", "shared", "corpus", "photos", "plasma_BytheWater_2560x1600.jpg")
    with open(photo_path, "rb") as f:
        photo = f.read()
    import boto3
    from botocore.config import Config

    script = os.path.join(here, "..", "tests", "support", "ceph_rgw.sh")
    work = tempfile.mkdtemp(prefix="edgepix-bench-blobs-")
    rgw_dir = os.path.join(work, "rgw")
    out = subprocess.run(["bash", script, "start", rgw_dir, "--owner", str(os.getpid())],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("ceph_rgw.sh start failed (%d):\n%s%s" % (out.returncode, out.stdout, out.stderr))
    rgw = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    try:
        s3 = boto3.client("s3", endpoint_url=rgw["RGW_ENDPOINT"], region_name=rgw["RGW_REGION"],
                          aws_access_key_id=rgw["RGW_ACCESS_KEY"],
                          aws_secret_access_key=rgw["RGW_SECRET_KEY"],
                          config=Config(s3={"addressing_style": "path"}))
        s3.create_bucket(Bucket="bench")
        env = dict(os.environ, EDGEPIX_S3_ACCESS_KEY=rgw["RGW_ACCESS_KEY"],
                   EDGEPIX_S3_SECRET_KEY=rgw["RGW_SECRET_KEY"])
        results = {}
        for name, extra in (("local disk", []),
                            ("S3 (RGW)", ["--blobs-url", "s3://bench/node?endpoint=%s&region=%s" % (
                                rgw["RGW_ENDPOINT"], rgw["RGW_REGION"])])):
            data = os.path.join(work, name.split()[0])
            os.makedirs(data)
            results[name] = run_node(binary, data, extra, env, photo, count)
        objects = s3.list_objects_v2(Bucket="bench").get("KeyCount", 0)
        print("%d uploads of %s (%d bytes), sequential, --workers 1\n" % (
            count, os.path.basename(photo_path), len(photo)))
        print("| step | local p50 ms | local p99 ms | S3 p50 ms | S3 p99 ms |")
        print("|---|---|---|---|---|")
        for step in results["local disk"]:
            a, b = results["local disk"][step], results["S3 (RGW)"][step]
            print("| %s | %.1f | %.1f | %.1f | %.1f |" % (step, pct(a, 50), pct(a, 99), pct(b, 50),
                                                     pct(b, 99)))
        print("\nobjects in the bucket: %d (an original and 3 variants per upload)" % objects)
    finally:
        subprocess.run(["bash", script, "stop", rgw_dir], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
