#!/usr/bin/python3
"""How long `edgepix migrate` takes to move an embedded install to PostgreSQL + S3.

    python3 bench/migrate.py EDGEPIX_BINARY [PHOTO] [--count N]

Makes an embedded install with the real binary (`serve --workers 2`): N uploads
of PHOTO (default a 2560x1600 JPEG from ../shared/corpus, made distinct by a
JPEG comment), each COMPLETED with 3 variants. Starts Ceph's RGW with
tests/support/ceph_rgw.sh and a private PostgreSQL 15 (Debian's binaries,
run as the `postgres` user when root), then times three runs of
`edgepix migrate --from-data --to-jobs --to-blobs`: the first (copies and
verifies everything), a rerun (everything already there: verification only),
and `--to-jobs` alone into a second database (rows only, originals hashed in
place). Prints seconds, jobs/s and MB/s of originals+variants. Timing lives
here, never in ctest.
"""
import glob
import http.client
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from blobs_local_vs_s3 import free_port, wait_healthy  # noqa: E402

PG_BIN = "/usr/lib/postgresql/15/bin"


def make_install(binary, data, photo, count):
    port = free_port()
    os.makedirs(data)
    log = open(os.path.join(data, "..", "serve.log"), "ab")
    proc = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:%d" % port, "--data", data,
                             "--workers", "2", "--quiet"], stdout=log, stderr=log)
    try:
        wait_healthy(port, proc)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        ids = []
        for i in range(count):
            tag = b"edgepix migrate bench %d" % i
            body = photo[:2] + b"\xff\xfe" + (len(tag) + 2).to_bytes(2, "big") + tag + photo[2:]
            c.request("POST", "/api/uploads?filename=p%d.jpg" % i, body=body,
                      headers={"Content-Type": "image/jpeg"})
            r = c.getresponse()
            answer = json.loads(r.read())
            if r.status != 202:
                raise SystemExit("upload answered %d: %s" % (r.status, answer))
            ids.append(answer["jobs"][0]["id"])
        for i in ids:
            job = {"status": "PENDING"}
            while job["status"] not in ("COMPLETED", "FAILED"):
                c.request("GET", "/api/jobs/%s?wait=30" % i)
                job = json.loads(c.getresponse().read())
    finally:
        proc.terminate()
        proc.wait(60)


def start_pg(work):
    pgdir = os.path.join(work, "pg")
    os.makedirs(pgdir)
    as_user = []
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(work, pw.pw_uid, pw.pw_gid)
        os.chown(pgdir, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    subprocess.run(as_user + [PG_BIN + "/initdb", "-D", pgdir + "/data", "-A", "trust", "-U",
                              "postgres"], check=True, capture_output=True)
    proc = subprocess.Popen(as_user + [PG_BIN + "/postgres", "-D", pgdir + "/data", "-k", pgdir,
                                       "-c", "listen_addresses=", "-p", "5439"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if subprocess.run(as_user + [PG_BIN + "/pg_isready", "-h", pgdir, "-p", "5439"],
                          capture_output=True).returncode == 0:
            break
        time.sleep(0.1)
    for db in ("bench1", "bench2"):
        subprocess.run(as_user + [PG_BIN + "/psql", "-h", pgdir, "-p", "5439", "-U", "postgres",
                                  "-c", "CREATE DATABASE " + db], check=True, capture_output=True)
    url = "postgresql:///%s?host=" + pgdir + "&port=5439&user=postgres"
    return proc, url


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = 40
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
    work = tempfile.mkdtemp(prefix="edgepix-bench-migrate-")
    data = os.path.join(work, "data")
    make_install(binary, data, photo, count)
    blob_bytes = sum(os.path.getsize(p) for p in glob.glob(data + "/originals/*/*") +
                     glob.glob(data + "/variants/*/*"))
    rgw_dir = os.path.join(work, "rgw")
    out = subprocess.run(["bash", script, "start", rgw_dir, "--owner", str(os.getpid())],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("ceph_rgw.sh start failed (%d):\n%s%s" % (out.returncode, out.stdout,
                                                                  out.stderr))
    rgw = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    pg, url = start_pg(work)
    try:
        s3 = boto3.client("s3", endpoint_url=rgw["RGW_ENDPOINT"], region_name=rgw["RGW_REGION"],
                          aws_access_key_id=rgw["RGW_ACCESS_KEY"],
                          aws_secret_access_key=rgw["RGW_SECRET_KEY"],
                          config=Config(s3={"addressing_style": "path"}))
        s3.create_bucket(Bucket="bench")
        env = dict(os.environ, EDGEPIX_S3_ACCESS_KEY=rgw["RGW_ACCESS_KEY"],
                   EDGEPIX_S3_SECRET_KEY=rgw["RGW_SECRET_KEY"])
        blobs = "s3://bench/moved?endpoint=%s&region=%s" % (rgw["RGW_ENDPOINT"], rgw["RGW_REGION"])
        print("%d jobs of %s (%d bytes), %.1f MB of originals+variants\n" % (
            count, os.path.basename(photo_path), len(photo), blob_bytes / 1e6))
        print("| run | seconds | jobs/s | MB/s |")
        print("|---|---|---|---|")
        for name, extra in (("to PostgreSQL + S3, first run", ["--to-jobs", url % "bench1",
                                                               "--to-blobs", blobs]),
                            ("rerun (all there: verify only)", ["--to-jobs", url % "bench1",
                                                                "--to-blobs", blobs]),
                            ("--to-jobs alone", ["--to-jobs", url % "bench2"])):
            t0 = time.monotonic()
            r = subprocess.run([binary, "migrate", "--from-data", data] + extra, env=env,
                               capture_output=True, text=True)
            dt = time.monotonic() - t0
            if r.returncode != 0:
                raise SystemExit("%s: exit %d\n%s%s" % (name, r.returncode, r.stdout, r.stderr))
            print("| %s | %.2f | %.1f | %.1f |" % (name, dt, count / dt, blob_bytes / 1e6 / dt))
    finally:
        pg.terminate()
        pg.wait(30)
        subprocess.run(["bash", script, "stop", rgw_dir], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
