#!/usr/bin/python3
"""The webhook outbox on PostgreSQL: how fast 1 node and 2 nodes drain it, duplicates counted.

    python3 bench/webhooks/pg_drain.py EDGEPIX_BINARY [--count N] [--delay-ms D]

Starts a private PostgreSQL 15 (bench/multi_node.py's: Debian's binaries, initdb into a temp dir,
Unix socket only, fsync on, pg_stat_statements loaded) and a receiver in this process (answers
204 after D ms, 0 by default; counts every request per webhook-id). For each of 1 node and
2 nodes (`--workers 0`: they only serve and send webhooks, on one --data dir, same
--webhook-secret), on a fresh database:

  - the nodes start and go idle; N pending deliveries to the receiver are inserted in one
    transaction with the NOTIFY the outbox sends (as N job events committed at once would be);
  - timed from that commit until the receiver has every webhook-id and the outbox has no
    pending row: deliveries per second;
  - duplicates: requests beyond the first per webhook-id (must be 0 with no crash);
  - statements (round trips) the nodes sent to PostgreSQL per delivery (pg_stat_statements
    calls over the drain, BEGIN/COMMIT included; idle wake-ups of the other node included).

Then, trickled: the same nodes, T deliveries (--trickle T, 200 by default) inserted one per
transaction (each with its NOTIFY, as single job events commit), 20 ms apart: statements per
delivery again, which now counts what every NOTIFY costs the nodes that find nothing to claim.

Prints a Markdown table. Timing lives here, never in ctest.
"""
import json
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from multi_node import Node, Postgres, statements  # noqa: E402

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


class Receiver:
    def __init__(self, delay_ms):
        self.seen = {}  # webhook-id -> requests
        self.lock = threading.Lock()
        outer = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if delay_ms:
                    time.sleep(delay_ms / 1000.0)
                with outer.lock:
                    key = self.headers.get("webhook-id", "")
                    outer.seen[key] = outer.seen.get(key, 0) + 1
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d/hook" % self.server.server_address[1]

    def reset(self):
        with self.lock:
            self.seen = {}

    def counts(self):
        with self.lock:
            return len(self.seen), sum(self.seen.values())


def insert_sql(receiver_url, body, first, last):
    return ("INSERT /*bench*/ INTO webhook_outbox (id, type, subject_id, endpoint, body, created_at, "
            "next_attempt_at) SELECT 'msg_bench' || g, 'job.completed', 'job' || g, '%s', '%s', "
            "(extract(epoch FROM now()) * 1000)::bigint, (extract(epoch FROM now()) * 1000)::bigint "
            "FROM generate_series(%d, %d) g; SELECT /*bench*/ pg_notify('edgepix_jobs', 'webhooks')"
            % (receiver_url, body, first, last))


def wait_drained(pg, db, receiver, count, deadline):
    while time.monotonic() < deadline:
        distinct, _ = receiver.counts()
        if distinct >= count:
            break
        time.sleep(0.01)
    while time.monotonic() < deadline:
        if pg.sql("/*bench*/ SELECT count(*) FROM webhook_outbox WHERE status = 'pending'", db) == "0":
            break
        time.sleep(0.02)


def drain(binary, pg, receiver, nodes, count, trickle):
    db = pg.new_db()
    url = pg.url(db)
    receiver.reset()
    with tempfile.TemporaryDirectory() as data:
        started = []
        try:
            for i in range(nodes):
                started.append(Node(binary, data, [
                    "--jobs-url", url, "--workers", "0", "--node-id", "node-%d" % i,
                    "--webhook", receiver.url, "--webhook-secret", SECRET,
                    "--jobs-recheck-seconds", "5"]))
            time.sleep(1.0)  # idle: schema made, dispatchers asleep
            body = json.dumps({"type": "job.completed", "timestamp": "2026-12-05T00:00:00Z",
                               "data": {"id": "x", "status": "COMPLETED"}}).replace("'", "''")
            pg.sql("SELECT pg_stat_statements_reset()", db)
            before = statements(pg, db)
            t0 = time.monotonic()
            pg.sql("BEGIN /*bench*/; " + insert_sql(receiver.url, body, 1, count) + "; COMMIT /*bench*/", db)
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                distinct, _ = receiver.counts()
                if distinct >= count:
                    break
                time.sleep(0.01)
            t_received = time.monotonic() - t0
            while time.monotonic() < deadline:
                left = pg.sql("/*bench*/ SELECT count(*) FROM webhook_outbox WHERE status = 'pending'", db)
                if left == "0":
                    break
                time.sleep(0.02)
            t_recorded = time.monotonic() - t0
            calls = statements(pg, db) - before
            time.sleep(2.0)  # a duplicate would arrive now
            distinct, total = receiver.counts()
            delivered = pg.sql("/*bench*/ SELECT count(*) FROM webhook_outbox WHERE status = 'delivered' "
                               "AND attempts = 1", db)
            # Trickled: one event per transaction, each woken node tries to claim it.
            before = statements(pg, db)
            for k in range(trickle):
                pg.sql("BEGIN /*bench*/; " + insert_sql(receiver.url, body, count + 1 + k, count + 1 + k)
                       + "; COMMIT /*bench*/", db)
                time.sleep(0.02)
            wait_drained(pg, db, receiver, count + trickle, time.monotonic() + 600)
            trickle_calls = statements(pg, db) - before
            distinct, total = receiver.counts()
        finally:
            for n in started:
                n.stop()
    return {"nodes": nodes, "count": count, "received_s": t_received, "recorded_s": t_recorded,
            "per_s": count / t_recorded, "distinct": distinct, "duplicates": total - distinct,
            "delivered_once": int(delivered), "statements_per_delivery": calls / count,
            "trickle_statements_per_delivery": trickle_calls / max(1, trickle)}


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    binary = args[0]
    count = int(args[args.index("--count") + 1]) if "--count" in args else 2000
    delay_ms = int(args[args.index("--delay-ms") + 1]) if "--delay-ms" in args else 0
    trickle = int(args[args.index("--trickle") + 1]) if "--trickle" in args else 200
    pg = Postgres()
    receiver = Receiver(delay_ms)
    rows = []
    try:
        for nodes in (1, 2):
            r = drain(binary, pg, receiver, nodes, count, trickle)
            print(json.dumps(r), file=sys.stderr)
            rows.append(r)
    finally:
        pg.stop()
    print("| nodes | deliveries | receiver delay ms | all received s | all recorded s | deliveries/s "
          "| duplicates | delivered at 1st attempt | statements per delivery (backlog) "
          "| statements per delivery (trickled, %d) |" % trickle)
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print("| %d | %d | %d | %.2f | %.2f | %.0f | %d | %d | %.2f | %.2f |" % (
            r["nodes"], r["count"], delay_ms, r["received_s"], r["recorded_s"], r["per_s"],
            r["duplicates"], r["delivered_once"], r["statements_per_delivery"],
            r["trickle_statements_per_delivery"]))
    print()
    print("2 nodes / 1 node: %.2fx" % (rows[1]["per_s"] / rows[0]["per_s"]))


if __name__ == "__main__":
    main()
