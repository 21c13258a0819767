#!/usr/bin/python3
"""S3 PutObject latency on PostgreSQL + a Ceph RGW bucket against SQLite + local disk.

    python3 bench/s3_on_pg.py EDGEPIX_BINARY [--count N] [--size BYTES] [--rounds R]

Starts a private PostgreSQL 15 (fsync on, pg_stat_statements loaded) and Ceph's RGW
(tests/support/ceph_rgw.sh) as bench/multi_node.py does, then for each round and each setup
  - sqlite-disk: one node, --s3-listen, the S3 indexes in --data/jobs.db, bytes in --data
  - pg-bucket:   one node, --jobs-url (fresh database), --blobs-url (fresh bucket): the S3
                 indexes in PostgreSQL, plain objects under PREFIX/s3-objects/ in the bucket
sends N (default 200) PutObject of a plain object (not an image: no job, so the time is the
listener's own path: body, blob, index row) of SIZE bytes (default 64 KiB, distinct bytes each)
sequentially through boto3 (SigV4, one keep-alive connection), and prints p50/p99/mean in ms.
For pg-bucket it also counts the statements PostgreSQL ran during the puts (pg_stat_statements,
utility statements included: BEGIN/COMMIT count), minus those of an idle period of the same
length on the same node (heartbeat, listener, outbox), divided by N. `uptime` before and after.
Timing lives here, never in ctest.
"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from multi_node import Node, Postgres, Rgw, pct, uptime  # noqa: E402

KEY, SECRET = "AKIDBENCH", "bench/secret"


def client(port):
    import boto3
    from botocore.config import Config
    return boto3.client("s3", endpoint_url="http://127.0.0.1:%d" % port, region_name="us-east-1",
                        aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


def statements(pg, db):
    return int(pg.sql("SELECT COALESCE(SUM(calls), 0) FROM pg_stat_statements WHERE dbid = "
                      "(SELECT oid FROM pg_database WHERE datname = current_database())", db) or 0)


def run(binary, setup, count, size, pg, rgw):
    from multi_node import free_port
    data = tempfile.mkdtemp(prefix="edgepix-bench-s3pg-")
    s3_port = free_port()
    extra = ["--s3-listen", "127.0.0.1:%d" % s3_port, "--s3-access-key", KEY, "--s3-secret-key", SECRET,
             "--s3-bucket", "photos", "--workers", "1"]
    db = None
    if setup == "pg-bucket":
        db = pg.new_db()
        extra += ["--jobs-url", pg.url(db), "--node-id", "bench"] + rgw.new_bucket_args()
    node = Node(binary, data, extra)
    s3 = client(s3_port)
    try:
        s3.put_object(Bucket="photos", Key="warmup", Body=b"x")
        bodies = [os.urandom(size) for _ in range(count)]
        idle = None
        if db:
            # The node's own background statements over a period as long as the run will be
            # (estimated from 20 puts), to subtract.
            t0 = time.monotonic()
            for i in range(20):
                s3.put_object(Bucket="photos", Key="est/%d" % i, Body=bodies[i])
            estimate = (time.monotonic() - t0) / 20 * count
            before = statements(pg, db)
            time.sleep(estimate)
            idle = statements(pg, db) - before
            before = statements(pg, db)
        lat = []
        t_start = time.monotonic()
        for i in range(count):
            t0 = time.monotonic()
            s3.put_object(Bucket="photos", Key="bench/%05d.bin" % i, Body=bodies[i])
            lat.append((time.monotonic() - t0) * 1000)
        wall = time.monotonic() - t_start
        out = {"p50": pct(lat, 50), "p99": pct(lat, 99), "mean": sum(lat) / len(lat), "wall": wall}
        if db:
            ran = statements(pg, db) - before
            idle_scaled = idle * wall / estimate if estimate > 0 else idle
            out["stmts_per_put"] = (ran - idle_scaled) / count
            out["top"] = pg.sql(
                "SELECT calls || ' ' || regexp_replace(left(query, 70), '\\s+', ' ', 'g') FROM "
                "pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE "
                "datname = current_database()) ORDER BY calls DESC LIMIT 8", db)
        return out
    finally:
        node.stop()


def main():
    args = [a for a in sys.argv[1:]]
    def opt(name, default):
        if name in args:
            i = args.index(name)
            v = args[i + 1]
            del args[i:i + 2]
            return int(v)
        return default
    count = opt("--count", 200)
    size = opt("--size", 64 * 1024)
    rounds = opt("--rounds", 3)
    binary = os.path.abspath(args[0])
    here = os.path.dirname(os.path.abspath(__file__))
    print("uptime before:", uptime())
    pg = Postgres()
    rgw = Rgw(here)
    Node.env = rgw.env()
    results = {"sqlite-disk": [], "pg-bucket": []}
    try:
        for r in range(rounds):
            order = ["sqlite-disk", "pg-bucket"] if r % 2 == 0 else ["pg-bucket", "sqlite-disk"]
            for setup in order:
                res = run(binary, setup, count, size, pg, rgw)
                results[setup].append(res)
                print("round %d %-11s p50 %.2f ms  p99 %.2f ms  mean %.2f ms%s" % (
                    r + 1, setup, res["p50"], res["p99"], res["mean"],
                    ("  statements/put %.2f" % res["stmts_per_put"]) if "stmts_per_put" in res else ""),
                    flush=True)
            rgw.drop_buckets()
        last = results["pg-bucket"][-1]
        print("top statements of the last pg-bucket run (calls, query):")
        print(last["top"])
    finally:
        rgw.stop()
        pg.stop()
    print("uptime after:", uptime())


if __name__ == "__main__":
    main()
