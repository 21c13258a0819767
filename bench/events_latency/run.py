#!/usr/bin/env python3
"""COMPLETED -> event received on GET /api/events, over N uploads (issue 13).

Starts BINARY (`edgepix serve`, loopback, a token, one small variant), opens
the event stream, uploads N small PNGs one after another, and for each
`completed` event takes the time it arrived (this machine's clock) minus the
job's `updated_at` (the server's clock: the same machine), i.e. how long after
the COMPLETED commit a client on the stream had it. Prints p50, p99 and max in
milliseconds. This is the server half of the wall's latency (the wall's
drawing comes on top). Python stdlib only.

    python3 bench/events_latency/run.py BINARY [N]
"""
import datetime, http.client, json, os, random, signal, socket, struct, subprocess, sys, tempfile
import threading, time, zlib

binary, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100
token = "bench-events-latency-token-0123456789"
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
data = tempfile.mkdtemp()
server = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}", "--data", data,
                           "--token", token, "--quiet", "--variant", "thumb:150x150:cover"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
auth = {"Authorization": f"Bearer {token}"}


def png(seed):
    rng = random.Random(seed)
    w, h = 64, 48
    rows = b"".join(b"\0" + bytes(rng.getrandbits(8) for _ in range(w * 3)) for _ in range(h))
    def chunk(k, d):
        return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


for _ in range(100):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=1); c.request("GET", "/healthz")
        if c.getresponse().status == 200: break
    except OSError:
        time.sleep(0.1)

latencies, done = [], threading.Event()
opened = threading.Event()


def listen():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    c.request("GET", "/api/events", headers=auth)
    r = c.getresponse()
    opened.set()
    kind = None
    while len(latencies) < n:
        line = r.fp.readline().decode()
        now = datetime.datetime.now(datetime.timezone.utc)
        if line.startswith("event: "): kind = line[7:].strip()
        if line.startswith("data: ") and kind == "completed":
            job = json.loads(line[6:])["job"]
            at = datetime.datetime.fromisoformat(job["updated_at"].replace("Z", "+00:00"))
            latencies.append((now - at).total_seconds() * 1000)
    done.set()


threading.Thread(target=listen, daemon=True).start()
opened.wait(10)
for i in range(n):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("POST", f"/api/uploads?filename=p{i}.png", body=png(i), headers=auth)
    assert c.getresponse().status == 202
    time.sleep(0.05)
done.wait(300)
server.send_signal(signal.SIGTERM); server.wait(60)
lat = sorted(latencies)
pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
print(f"{len(lat)} completed events: p50 {pick(0.50):.1f} ms, p99 {pick(0.99):.1f} ms, max {lat[-1]:.1f} ms"
      " (COMPLETED commit -> event read by the client)")
