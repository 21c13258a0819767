#!/usr/bin/python3
"""edgepix past one box: N nodes on PostgreSQL and an S3 bucket against one node on SQLite and disk.

    python3 bench/multi_node.py EDGEPIX_BINARY [PHOTO] [--count N] [--rounds R]

Starts a private PostgreSQL 15 (Debian's binaries in /usr/lib/postgresql/15/bin, initdb into a
temp dir, Unix socket only, run as the `postgres` user when this runs as root, with
pg_stat_statements loaded) and Ceph's RGW (tests/support/ceph_rgw.sh: mon, one memstore OSD,
radosgw on 127.0.0.1), then, R rounds (default 3) of:

  1. sqlite-disk-1x2: 1 node x 2 workers on the embedded SQLite, blobs on the local disk
  2. pg-s3-1x2:       1 node x 2 workers on PostgreSQL, blobs in a fresh RGW bucket
  3. pg-s3-2x1:       2 nodes x 1 worker on PostgreSQL + a bucket (uploads alternate)
     For each: N uploads of PHOTO (made distinct by trailing bytes, so none is served from an
     earlier one), one request at a time; upload-ack latency p50/p99 (POST until the 202),
     throughput (images per second from the first upload to the last COMPLETED), then a GET of
     every variant of every job (alternating nodes) and its p50/p99.
  4. round trips: statements the nodes send to PostgreSQL (pg_stat_statements calls, BEGIN and
     COMMIT included) per upload (a --workers 0 node takes N uploads) and per job (then a
     2-worker node processes them), the background (heartbeat, listener) included; blobs in a bucket.
  5. lease reclaim: 2 nodes x 1 worker, --lease-seconds 5, on PostgreSQL + a bucket; node B is
     killed with SIGKILL while it holds a lease; time until the job is no longer B's (its lease,
     renewed every 5/3 s, expires; the next heartbeat of node A requeues it).

`uptime` is printed before and after (the machine is shared: the load shows what the figures
carry). Prints a Markdown table. Timing lives here, never in ctest.
"""
import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

PG_BIN = os.environ.get("EDGEPIX_PG_BIN", "/usr/lib/postgresql/15/bin")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def as_postgres():
    """preexec_fn: drop to the postgres user when root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return None
    pw = pwd.getpwnam("postgres")

    def drop():
        os.setgroups([])
        os.setgid(pw.pw_gid)
        os.setuid(pw.pw_uid)
    return drop


class Postgres:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="edgepix-bench-pg-")
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        subprocess.run([PG_BIN + "/initdb", "-D", self.dir + "/data", "-U", "postgres", "-A", "trust",
                        "-E", "UTF8", "--no-locale", "--no-sync"], check=True,
                       stdout=subprocess.DEVNULL, preexec_fn=as_postgres())
        self.log = open(self.dir + "/postgres.log", "ab")
        # Durable like a real deployment (fsync on): the comparison with SQLite is fair.
        self.proc = subprocess.Popen(
            [PG_BIN + "/postgres", "-D", self.dir + "/data", "-k", self.dir, "-c", "listen_addresses=",
             "-c", "max_connections=300", "-c", "shared_preload_libraries=pg_stat_statements",
             "-c", "pg_stat_statements.track_utility=on"],
            stdout=self.log, stderr=self.log, preexec_fn=as_postgres())
        for _ in range(600):
            if self.sql("SELECT 1", "postgres", check=False) == "1":
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("postgres did not start")
        self.n = 0

    def url(self, db):
        return "postgresql:///%s?host=%s&user=postgres" % (db, self.dir)

    def sql(self, query, db, check=True):
        r = subprocess.run([PG_BIN + "/psql",
                            "-h", self.dir, "-U", "postgres", "-d", db, "-At", "-c", query],
                           capture_output=True, text=True)
        if check and r.returncode != 0:
            raise RuntimeError(query + ": " + r.stderr)
        return r.stdout.strip()

    def new_db(self):
        self.n += 1
        name = "bench%d" % self.n
        self.sql("CREATE DATABASE " + name, "postgres")
        self.sql("CREATE EXTENSION pg_stat_statements", name)
        return name

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(60)
        shutil.rmtree(self.dir, ignore_errors=True)


class Node:
    env = None  # the S3 keys (EDGEPIX_S3_ACCESS_KEY/SECRET_KEY) once RGW runs

    def __init__(self, binary, data, extra):
        self.port = free_port()
        self.log = open(os.path.join(data, "node-%d.log" % self.port), "ab")
        self.proc = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:%d" % self.port,
                                      "--data", data, "--quiet"] + extra,
                                     stdout=self.log, stderr=self.log, env=Node.env)
        for _ in range(600):
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("node did not start")

    def request(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        self.proc.wait(120)


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def upload(node, body, i):
    t0 = time.monotonic()
    status, data = node.request("POST", "/api/uploads?filename=p%d.jpg" % i, body + b"bench-%d" % i,
                                {"Content-Type": "image/jpeg"})
    ack = time.monotonic() - t0
    if status != 202:
        raise RuntimeError("upload answered %d: %s" % (status, data[:200]))
    return json.loads(data)["jobs"][0]["id"], ack


def wait_all(node, ids):
    for job_id in ids:
        while True:
            status, data = node.request("GET", "/api/jobs/%s?wait=30&since=0" % job_id)
            job = json.loads(data)
            if job["status"] in ("COMPLETED", "FAILED"):
                if job["status"] != "COMPLETED":
                    raise RuntimeError("job failed: %s" % data[:300])
                break
            status, data = node.request("GET", "/api/jobs/%s?wait=30&since=%d" % (job_id, job["version"]))


def variant_gets(nodes, ids):
    """GET of every variant of every job, alternating nodes; latencies in seconds."""
    out = []
    for i, job_id in enumerate(ids):
        node = nodes[i % len(nodes)]
        status, data = node.request("GET", "/api/jobs/%s" % job_id)
        for v in json.loads(data)["variants"]:
            t0 = time.monotonic()
            status, _ = node.request("GET", v["url"])
            out.append(time.monotonic() - t0)
            if status != 200:
                raise RuntimeError("GET %s answered %d" % (v["url"], status))
    return out


def throughput_run(binary, body, count, nodes_spec):
    with tempfile.TemporaryDirectory() as data:
        nodes = [Node(binary, data, extra) for extra in nodes_spec]
        try:
            acks, ids = [], []
            t0 = time.monotonic()
            for i in range(count):
                job_id, ack = upload(nodes[i % len(nodes)], body, i)
                acks.append(ack)
                ids.append(job_id)
            wait_all(nodes[0], ids)
            elapsed = time.monotonic() - t0
            gets = variant_gets(nodes, ids)
        finally:
            for n in nodes:
                n.stop()
    return {"ack_p50": pct(acks, 50) * 1000, "ack_p99": pct(acks, 99) * 1000,
            "get_p50": pct(gets, 50) * 1000, "get_p99": pct(gets, 99) * 1000,
            "per_s": count / elapsed, "elapsed": elapsed}


def statements(pg, db):
    return int(pg.sql("SELECT COALESCE(SUM(calls), 0) FROM pg_stat_statements s JOIN pg_database d "
                      "ON d.oid = s.dbid WHERE d.datname = '%s' AND query NOT LIKE '%%pg_stat_statements%%' "
                      "AND query NOT LIKE '%%/*bench*/%%'" % db, db))


def round_trips(binary, body, count, pg, blobs):
    db = pg.new_db()
    url = pg.url(db)
    bucket = blobs()  # one bucket for both nodes
    with tempfile.TemporaryDirectory() as data:
        api = Node(binary, data, ["--jobs-url", url, "--workers", "0", "--node-id", "api"] + bucket)
        try:
            pg.sql("SELECT pg_stat_statements_reset()", db)
            before = statements(pg, db)
            t0 = time.monotonic()
            for i in range(count):
                upload(api, body, i)
            upload_window = time.monotonic() - t0
            per_upload = (statements(pg, db) - before) / count
            mid = statements(pg, db)
            t1 = time.monotonic()
            worker = Node(binary, data, ["--jobs-url", url, "--workers", "2", "--node-id", "w"] + bucket)
            while pg.sql("SELECT /*bench*/ count(*) FROM jobs WHERE status = 'COMPLETED'", db) != str(count):
                time.sleep(0.2)
            job_window = time.monotonic() - t1
            per_job = (statements(pg, db) - mid) / count
            worker.stop()
        finally:
            api.stop()
    return per_upload, per_job, upload_window, job_window


def lease_reclaim(binary, body, pg, blobs):
    db = pg.new_db()
    url = pg.url(db)
    with tempfile.TemporaryDirectory() as data:
        common = ["--jobs-url", url, "--workers", "1", "--lease-seconds", "5"] + blobs()
        a = Node(binary, data, common + ["--node-id", "a"])
        b = Node(binary, data, common + ["--node-id", "b"])
        try:
            for i in range(6):
                upload(a, body, 1000 + i)
            while True:
                job = pg.sql("SELECT /*bench*/ id FROM jobs WHERE status = 'PROCESSING' AND leased_by = 'b'", db)
                if job:
                    break
                time.sleep(0.01)
            t0 = time.monotonic()
            b.stop(signal.SIGKILL)
            # Reclaimed: back to PENDING (or already claimed by a), no longer b's.
            while pg.sql("SELECT /*bench*/ leased_by FROM jobs WHERE id = '%s'" % job, db) == "b":
                time.sleep(0.02)
            return time.monotonic() - t0
        finally:
            a.stop()


class Rgw:
    """Ceph's RGW through tests/support/ceph_rgw.sh; a fresh bucket per run."""

    def __init__(self, here):
        import boto3
        from botocore.config import Config
        self.script = os.path.join(here, "..", "tests", "support", "ceph_rgw.sh")
        self.dir = tempfile.mkdtemp(prefix="edgepix-bench-rgw-")
        os.rmdir(self.dir)
        out = subprocess.run(["bash", self.script, "start", self.dir, "--owner", str(os.getpid())],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit("ceph_rgw.sh start failed (%d):\n%s%s" % (out.returncode, out.stdout, out.stderr))
        self.conf = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
        self.s3 = boto3.client("s3", endpoint_url=self.conf["RGW_ENDPOINT"], region_name=self.conf["RGW_REGION"],
                               aws_access_key_id=self.conf["RGW_ACCESS_KEY"],
                               aws_secret_access_key=self.conf["RGW_SECRET_KEY"],
                               config=Config(s3={"addressing_style": "path"}))
        self.n = 0
        self.buckets = []

    def drop_buckets(self):
        """Empties and removes every bucket made so far: the single OSD is a memstore (1 GiB by
        default), and a full OSD blocks every PUT (a run of 5 rounds of 30 photos filled it)."""
        for name in self.buckets:
            while True:
                listed = self.s3.list_objects_v2(Bucket=name).get("Contents", [])
                if not listed:
                    break
                self.s3.delete_objects(Bucket=name, Delete={"Objects": [{"Key": o["Key"]} for o in listed]})
            self.s3.delete_bucket(Bucket=name)
        self.buckets = []

    def env(self):
        return dict(os.environ, EDGEPIX_S3_ACCESS_KEY=self.conf["RGW_ACCESS_KEY"],
                    EDGEPIX_S3_SECRET_KEY=self.conf["RGW_SECRET_KEY"])

    def new_bucket_args(self):
        self.n += 1
        name = "bench%d" % self.n
        self.s3.create_bucket(Bucket=name)
        self.buckets.append(name)
        return ["--blobs-url", "s3://%s/n?endpoint=%s&region=%s" % (name, self.conf["RGW_ENDPOINT"],
                                                                     self.conf["RGW_REGION"])]

    def stop(self):
        subprocess.run(["bash", self.script, "stop", self.dir], capture_output=True)


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def spread(values, fmt="%.2f"):
    """median (min..max) of one figure over the rounds."""
    v = sorted(values)
    return (fmt + " (" + fmt + ".." + fmt + ")") % (v[len(v) // 2], v[0], v[-1])


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count, rounds = 40, 3
    if "--count" in sys.argv:
        count = int(sys.argv[sys.argv.index("--count") + 1])
        args = [a for a in args if a != str(count)]
    if "--rounds" in sys.argv:
        rounds = int(sys.argv[sys.argv.index("--rounds") + 1])
        args = [a for a in args if a != str(rounds)]
    binary = os.path.abspath(args[0])
    here = os.path.dirname(os.path.abspath(__file__))
    photo = args[1] if len(args) > 1 else os.path.join(here, "..", "..", "shared", "corpus", "photos",
                                                      "HMD_Nokia_8.3_5G.jpg")
    with open(photo, "rb") as f:
        body = f.read()
    up_before = uptime()
    names = ["sqlite-disk-1x2", "pg-s3-1x2", "pg-s3-2x1"]
    runs = {n: [] for n in names}
    trips, reclaims = [], []
    pg = Postgres()
    rgw = Rgw(here)
    Node.env = rgw.env()
    try:
        for r in range(rounds):
            runs["sqlite-disk-1x2"].append(throughput_run(binary, body, count, [["--workers", "2"]]))
            db, blobs = pg.new_db(), rgw.new_bucket_args()
            runs["pg-s3-1x2"].append(throughput_run(binary, body, count,
                                                    [["--jobs-url", pg.url(db), "--workers", "2"] + blobs]))
            db, blobs = pg.new_db(), rgw.new_bucket_args()
            runs["pg-s3-2x1"].append(throughput_run(
                binary, body, count,
                [["--jobs-url", pg.url(db), "--workers", "1", "--node-id", "n1"] + blobs,
                 ["--jobs-url", pg.url(db), "--workers", "1", "--node-id", "n2"] + blobs]))
            trips.append(round_trips(binary, body, count, pg, rgw.new_bucket_args))
            reclaims.append(lease_reclaim(binary, body, pg, rgw.new_bucket_args))
            rgw.drop_buckets()
            print("round %d done: %s" % (r + 1, uptime()), file=sys.stderr)
    finally:
        rgw.stop()
        pg.stop()
    up_after = uptime()
    print("photo: %s (%d bytes), %d uploads per run, %d rounds, %d cores" % (
        os.path.basename(photo), len(body), count, rounds, os.cpu_count()))
    print()
    print("uptime before: `%s`  " % up_before)
    print("uptime after:  `%s`" % up_after)
    print()
    print("Median over the rounds, (min..max) beside it.")
    print()
    print("| run | upload-ack p50 ms | upload-ack p99 ms | variant GET p50 ms | variant GET p99 ms | images/s | vs sqlite-disk-1x2 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    base = sorted(x["per_s"] for x in runs[names[0]])[rounds // 2]
    for name in names:
        rs = runs[name]
        print("| %s | %s | %s | %s | %s | %s | %.2fx |" % (
            name, spread([x["ack_p50"] for x in rs], "%.1f"), spread([x["ack_p99"] for x in rs], "%.1f"),
            spread([x["get_p50"] for x in rs], "%.1f"), spread([x["get_p99"] for x in rs], "%.1f"),
            spread([x["per_s"] for x in rs]), sorted(x["per_s"] for x in rs)[rounds // 2] / base))
    print()
    ratios = [runs["pg-s3-2x1"][i]["per_s"] / runs["pg-s3-1x2"][i]["per_s"] for i in range(rounds)]
    print("- pg-s3-2x1 / pg-s3-1x2 throughput, per round: %s; %s (target >= 0.9x)" % (
        ", ".join("%.2fx" % x for x in ratios), spread(ratios)))
    print("- PostgreSQL statements (round trips) per upload: %s, per job: %s" % (
        spread([t[0] for t in trips], "%.1f"), spread([t[1] for t in trips], "%.1f")))
    print("- lease reclaim after SIGKILL (--lease-seconds 5): %s s (per round: %s)" % (
        spread(reclaims), ", ".join("%.2f" % x for x in reclaims)))


if __name__ == "__main__":
    main()
