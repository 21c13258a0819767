#!/usr/bin/python3
"""The OpenAPI document against the real server, checked by a validator we did not write.

Run by ctest with Debian's /usr/bin/python3 and python3-jsonschema (scripts/setup.sh
installs it). Starts the real edgepix binary ($EDGEPIX_BIN) on a loopback port, lints
/api/openapi.json, then drives a realistic flow -- uploads (JPEG, PNG, GIF), job reads
before and after processing, long-polls, SSE, listing, deletion, media, batches and upload grants, and the errors
400/401/403/404/405/409/413/415/422/503 -- and validates every answer against the document:
its status must be documented for that operation, its media type listed, and a JSON
body (each SSE event's data too) must validate against the schema with
jsonschema's Draft 2020-12 validator (OpenAPI 3.1 schemas are JSON Schema 2020-12).

Exit 0: every answer conforms. 1: a list of every mismatch. 77: skipped (no
python3-jsonschema, or no binary).
"""

import http.client
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib

SKIP = 77
try:
    import jsonschema
    from jsonschema import Draft202012Validator, RefResolver
except ImportError:
    print("SKIPPED: python3-jsonschema is not installed (scripts/setup.sh installs it)")
    sys.exit(SKIP)

TOKEN = "openapi-answers-token-0123456789"
problems = []
validated = []  # (method, template, status)


def problem(text):
    problems.append(text)
    print("MISMATCH: " + text, file=sys.stderr)


# ---------------------------------------------------------------- images


def png(width, height, declared=None):
    """An RGB PNG of width x height (grey), or only its header declaring `declared`."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    w, h = declared or (width, height)
    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    if declared:
        return b"\x89PNG\r\n\x1a\n" + ihdr
    raw = b"".join(b"\x00" + bytes([(x * 7 + y * 3) % 256 for x in range(width) for _ in range(3)])
                   for y in range(height))
    return b"\x89PNG\r\n\x1a\n" + ihdr + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


# A 1x1 GIF89a (one black pixel).
GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


def corpus_jpeg():
    root = os.environ.get("EDGEPIX_CORPUS", "")
    if not os.path.isdir(root):
        return None
    best = None
    for dirpath, _, names in os.walk(root):
        for n in names:
            if n.lower().endswith((".jpg", ".jpeg")):
                p = os.path.join(dirpath, n)
                size = os.path.getsize(p)
                if 20_000 < size < 900_000 and (best is None or size < best[0]):
                    best = (size, p)
    if best is None:
        return None
    with open(best[1], "rb") as f:
        return f.read()


# ---------------------------------------------------------------- server


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, binary, args):
        self.tmp = tempfile.TemporaryDirectory(prefix="edgepix-openapi-")
        self.port = free_port()
        self.log = open(os.path.join(self.tmp.name, "server.log"), "w+b")
        cmd = [binary, "serve", "--listen", "127.0.0.1:%d" % self.port,
               "--data", os.path.join(self.tmp.name, "data"), "--quiet"] + args
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("edgepix exited at start: " + self.log_text())
            try:
                if self.request("GET", "/healthz", check=False)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise SystemExit("edgepix did not become ready")

    def log_text(self):
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def request(self, method, target, body=None, headers=None, check=True, template=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=90)
        conn.request(method, target, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        status, ctype = r.status, r.getheader("Content-Type", "")
        conn.close()
        if check:
            check_answer(method, template or template_of(target), status, ctype, data)
        return status, data

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = "hung"
        if rc != 0:
            problem("server exited with %s after SIGTERM; log:\n%s" % (rc, self.log_text()))
        self.tmp.cleanup()


# ---------------------------------------------------------------- document checks

DOC = None
RESOLVER = None


def deref(node):
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            problem("external $ref %s" % ref)
            return {}
        node = DOC
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                problem("$ref %s does not resolve" % ref)
                return {}
            node = node[part]
        seen += 1
        if seen > 20:
            problem("$ref loop at %s" % ref)
            return {}
    return node


def lint(doc):
    """The document itself: OpenAPI 3.1 structure, refs, ids, parameters, schemas."""
    if not str(doc.get("openapi", "")).startswith("3.1."):
        problem("openapi is %r, not 3.1.x (schemas are checked as JSON Schema 2020-12)" % doc.get("openapi"))
    for key in ("title", "version"):
        if not isinstance(doc.get("info", {}).get(key), str):
            problem("info.%s missing" % key)
    schemes = doc.get("components", {}).get("securitySchemes", {})
    for name, scheme in schemes.items():
        if scheme.get("type") not in ("apiKey", "http", "mutualTLS", "oauth2", "openIdConnect"):
            problem("securityScheme %s has type %r" % (name, scheme.get("type")))

    def walk_refs(node, where):
        if isinstance(node, dict):
            if "$ref" in node:
                deref(node)
            for k, v in node.items():
                walk_refs(v, where + "/" + k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk_refs(v, "%s/%d" % (where, i))

    walk_refs(doc, "#")

    def check_schema(schema, where):
        try:
            Draft202012Validator.check_schema(schema)
        except jsonschema.exceptions.SchemaError as e:
            problem("%s is not a valid JSON Schema 2020-12: %s" % (where, e.message))

    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        check_schema(schema, "components/schemas/" + name)
    ids = {}
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    for path, item in doc.get("paths", {}).items():
        if not path.startswith("/"):
            problem("path %s does not start with /" % path)
        templated = set(re.findall(r"\{([^}]+)\}", path))
        for method, op in item.items():
            where = "%s %s" % (method.upper(), path)
            if method not in methods:
                problem("%s: unknown method key" % where)
                continue
            op_id = op.get("operationId")
            if not isinstance(op_id, str) or not op_id:
                problem("%s has no operationId" % where)
            elif op_id in ids:
                problem("operationId %s is used by %s and %s" % (op_id, ids[op_id], where))
            else:
                ids[op_id] = where
            for req in op.get("security", []):
                for name in req:
                    if name not in schemes:
                        problem("%s: security scheme %s is not defined" % (where, name))
            declared = set()
            for p in op.get("parameters", []):
                p = deref(p)
                if p.get("in") not in ("query", "header", "path", "cookie") or not p.get("name"):
                    problem("%s: parameter without name/in: %r" % (where, p))
                    continue
                if p["in"] == "path":
                    declared.add(p["name"])
                    if p.get("required") is not True:
                        problem("%s: path parameter %s must be required" % (where, p["name"]))
                if "schema" in p:
                    check_schema(p["schema"], "%s parameter %s" % (where, p["name"]))
            if declared != templated:
                problem("%s: path parameters %s, template has %s" % (where, sorted(declared), sorted(templated)))
            responses = op.get("responses", {})
            if not responses:
                problem("%s has no responses" % where)
            for status, resp in responses.items():
                if not re.fullmatch(r"[1-5][0-9][0-9]|[1-5]XX|default", status):
                    problem("%s: response key %s" % (where, status))
                resp = deref(resp)
                if not isinstance(resp.get("description"), str):
                    problem("%s %s: response without description" % (where, status))
                for media, content in resp.get("content", {}).items():
                    if "schema" in content:
                        check_schema(content["schema"], "%s %s %s" % (where, status, media))


def template_of(target):
    """The documented path template a request target falls under."""
    path = target.split("?", 1)[0]
    for template in DOC["paths"]:
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if template != "/{asset}" and re.match(pattern, path):
            return template
    if re.fullmatch(r"/[^/]+", path) and path != "/":
        return "/{asset}"
    return None


def validate_json(value, schema, where):
    validator = Draft202012Validator(schema, resolver=RESOLVER)
    for e in sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(p) for p in e.absolute_path)
        problem("%s: /%s: %s" % (where, path, e.message))


def check_answer(method, template, status, ctype, data):
    where = "%s %s -> %d" % (method, template, status)
    media = ctype.split(";", 1)[0].strip()
    item = DOC["paths"].get(template) if template else None
    op = item.get(method.lower()) if item else None
    if op is None:
        # A method the path does not have (or an unknown path): an error answer.
        if status not in (404, 405):
            problem("%s: undocumented operation answered %d" % (where, status))
        if status == 405:
            resp = deref(DOC["components"]["responses"].get("MethodNotAllowed", {}))
        else:
            resp = deref(DOC["components"]["responses"]["NotFound"])
    else:
        resp = op["responses"].get(str(status)) or op["responses"].get(str(status)[0] + "XX")
        if resp is None:
            problem("%s: status %d is not documented for this operation" % (where, status))
            return
        resp = deref(resp)
    content = resp.get("content")
    if not content:
        if data:
            problem("%s: documented without a body, got %d bytes" % (where, len(data)))
        validated.append((method, template, status))
        return
    if media not in content:
        problem("%s: Content-Type %s not among %s" % (where, media, sorted(content)))
        return
    schema = content[media].get("schema")
    if media == "application/json" and schema is not None:
        try:
            body = json.loads(data)
        except ValueError:
            problem("%s: body is not JSON: %r" % (where, data[:200]))
            return
        validate_json(body, schema, where)
    validated.append((method, template, status))


# ---------------------------------------------------------------- the flow


def multipart(files):
    boundary = "edgepixopenapiboundary7MA4YWxkTrZu0gW"
    out = b""
    for name, data in files:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n" % (boundary, name)).encode() + data + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return out, {"Content-Type": "multipart/form-data; boundary=" + boundary}


def main():
    global DOC, RESOLVER
    binary = os.environ.get("EDGEPIX_BIN", "")
    if not binary or not os.access(binary, os.X_OK):
        print("SKIPPED: EDGEPIX_BIN is not an executable (run through ctest)")
        return SKIP
    auth = {"Authorization": "Bearer " + TOKEN}
    # Webhooks to a closed port: deliveries stay pending (retried), to be listed.
    server = Server(binary, ["--token", TOKEN, "--max-upload-mb", "1", "--workers", "1",
                             "--webhook", "http://127.0.0.1:9/hook",
                             "--webhook-allow", "http://127.0.0.1:9/"])
    try:
        status, data = server.request("GET", "/api/openapi.json", check=False)
        if status != 200:
            problem("GET /api/openapi.json answered %d" % status)
            return 1
        DOC = json.loads(data)
        RESOLVER = RefResolver.from_schema(DOC)
        lint(DOC)
        check_answer("GET", "/api/openapi.json", status, "application/json", data)

        # Uploads: a photo when the corpus is there, PNG and GIF always. The 202
        # answer shows each job as intake left it, before any worker ran.
        files = [("grey.png", png(64, 48)), ("dot.gif", GIF)]
        jpeg = corpus_jpeg()
        if jpeg:
            files.insert(0, ("photo.jpg", jpeg))
        else:
            print("note: no corpus JPEG ($EDGEPIX_CORPUS); uploading PNG and GIF only")
        body, headers = multipart(files)
        status, data = server.request("POST", "/api/uploads", body, {**headers, **auth})
        if status != 202:
            problem("upload answered %d: %r" % (status, data[:300]))
            return 1
        jobs = json.loads(data)["jobs"]
        ids = [j["id"] for j in jobs]
        for i in ids:
            server.request("GET", "/api/jobs/" + i, headers=auth)
        # A raw-body upload with ?filename=, then long-polls until each job ends.
        status, data = server.request("POST", "/api/uploads?filename=raw.png", png(20, 20),
                                      {"Content-Type": "application/octet-stream", **auth})
        if status == 202:
            ids.append(json.loads(data)["jobs"][0]["id"])
        final = {}
        for i in ids:
            for _ in range(10):
                status, data = server.request("GET", "/api/jobs/%s?wait=30" % i, headers=auth)
                job = json.loads(data) if status == 200 else {}
                if job.get("status") in ("COMPLETED", "FAILED"):
                    final[i] = job
                    break
        done = [j for j in final.values() if j["status"] == "COMPLETED"]
        if not done:
            problem("no upload reached COMPLETED: %r" % final)
            return 1
        first = done[0]
        server.request("GET", "/api/jobs/%s?wait=1&since=%d" % (first["id"], first["version"]), headers=auth)
        # SSE: every 'status' event's data is a Job.
        status, data = server.request("GET", "/api/jobs/%s/events" % first["id"], headers=auth)
        events = 0
        for line in data.decode("utf-8", "replace").splitlines():
            if line.startswith("data:"):
                events += 1
                try:
                    validate_json(json.loads(line[5:]), {"$ref": "#/components/schemas/Job"},
                                  "SSE status event")
                except ValueError:
                    problem("SSE data is not JSON: %r" % line[:200])
        if events == 0:
            problem("the event stream of a completed job carried no data")
        server.request("GET", "/api/jobs", headers=auth)
        server.request("GET", "/api/jobs?limit=1&status=COMPLETED", headers=auth)
        server.request("GET", "/v/%s/%s.webp" % (first["id"], first["variants"][0]["name"]))
        server.request("GET", "/o/" + first["id"])
        server.request("GET", "/healthz")
        server.request("GET", "/readyz")
        server.request("GET", "/metrics", headers=auth)
        server.request("GET", "/")
        server.request("GET", "/app.js")
        server.request("GET", "/wall")
        status, data = server.request("GET", "/api/wall", headers=auth)
        wall_key = json.loads(data)["key"] if status == 200 else ""
        server.request("GET", "/api/join.svg?k=" + wall_key)
        server.request("GET", "/api/wall")                                            # 401
        server.request("GET", "/api/join.svg?k=not-the-wall-key")                    # 401

        # Errors.
        unknown = "AAAAAAAAAAAAAAAAAAAAAA"
        server.request("GET", "/api/jobs?limit=0", headers=auth)                      # 400
        server.request("GET", "/api/jobs/%s?wait=x" % first["id"], headers=auth)      # 400
        body, headers = multipart([("empty.png", b"")])
        server.request("POST", "/api/uploads", body, {**headers, **auth})             # 400
        server.request("GET", "/api/jobs")                                            # 401
        server.request("GET", "/api/jobs/" + first["id"], headers={"Authorization": "Bearer wrong-token-0123456789"})
        server.request("GET", "/metrics")                                             # 401
        server.request("GET", "/api/jobs/" + unknown, headers=auth)                   # 404
        server.request("GET", "/v/%s/thumb.webp" % unknown)                           # 404
        server.request("GET", "/nosuch.js")                                           # 404
        server.request("GET", "/no/such/route", template=None)                        # 404
        server.request("PUT", "/api/uploads", b"x", {"Content-Type": "text/plain", **auth})  # 405
        server.request("DELETE", "/api/jobs", headers=auth)                          # 405
        big, headers = multipart([("big.png", png(8, 8) + b"\0" * (2 << 20))])
        server.request("POST", "/api/uploads", big, {**headers, **auth})              # 413
        body, headers = multipart([("text.png", b"just some text, not an image")])
        server.request("POST", "/api/uploads", body, {**headers, **auth})             # 415
        body, headers = multipart([("huge.png", png(0, 0, declared=(60000, 60000)))])
        server.request("POST", "/api/uploads", body, {**headers, **auth})             # 422
        server.request("GET", "/api/jobs?moderation=pending", headers=auth)
        server.request("GET", "/api/event")
        server.request("POST", "/api/images/%s/hide" % first["id"], b"", auth)           # 200
        server.request("POST", "/api/images/%s/approve" % first["id"], b"", auth)        # 200
        server.request("POST", "/api/images/%s/approve" % unknown, b"", auth)            # 404
        server.request("DELETE", "/api/images/" + first["id"], headers=auth)          # 204
        server.request("DELETE", "/api/images/" + first["id"], headers=auth)          # 404

        # Batches and upload grants.
        jauth = {"Content-Type": "application/json", **auth}
        status, data = server.request("POST", "/api/batches", b'{"metadata":{"user":"u1"}}', jauth)
        batch = json.loads(data)["batch"]["id"] if status == 201 else unknown
        status, data = server.request("POST", "/api/upload-grants",
                                      json.dumps({"count": 2, "batch": batch, "max_bytes": 100000}).encode(),
                                      jauth)
        grants = [g["url"] for g in json.loads(data)["grants"]] if status == 201 else []
        if len(grants) == 2:
            raw = {"Content-Type": "application/octet-stream"}
            server.request("POST", grants[0] + "&filename=g.png", png(20, 20), raw)      # 202, no token
            server.request("POST", grants[0] + "&filename=g.png", png(20, 20), raw)      # 403 used
            server.request("POST", grants[1] + "x&filename=g.png", png(20, 20), raw)     # 403 tampered
        else:
            problem("POST /api/upload-grants made no grants: %r" % data[:300])
        body, headers = multipart([("b.png", png(30, 20))])
        server.request("POST", "/api/uploads?batch=" + batch, body, {**headers, **auth})    # 202
        server.request("POST", "/api/uploads?batch=" + unknown, body, {**headers, **auth})  # 404
        server.request("GET", "/api/batches/%s?wait=1&since=1" % batch, headers=auth)
        server.request("POST", "/api/batches/%s/complete" % batch, b"", jauth)
        server.request("POST", "/api/uploads?batch=" + batch, body, {**headers, **auth})    # 409
        server.request("GET", "/api/batches/%s?wait=30" % batch, headers=auth)
        status, data = server.request("GET", "/api/batches/%s/events" % batch, headers=auth)
        for line in data.decode("utf-8", "replace").splitlines():
            if line.startswith("data:"):
                validate_json(json.loads(line[5:]), {"$ref": "#/components/schemas/Batch"},
                              "SSE batch status event")
        server.request("GET", "/api/batches?limit=1", headers=auth)
        server.request("GET", "/api/jobs?batch=" + batch, headers=auth)
        server.request("POST", "/api/batches", b'{"metadata":[1]}', jauth)                 # 400
        server.request("GET", "/api/batches/" + unknown, headers=auth)                      # 404
        server.request("DELETE", "/api/batches/" + batch, headers=auth)                     # 204

        # Webhook deliveries (the jobs above have ended: their events are in the outbox).
        server.request("POST", "/api/batches", b'{"callback_url":"http://127.0.0.1:9/cb"}', jauth)  # 201
        server.request("POST", "/api/batches", b'{"callback_url":"http://elsewhere/"}', jauth)    # 422
        status, data = server.request("GET", "/api/webhooks/deliveries", headers=auth)
        ids = [d["id"] for d in json.loads(data)["deliveries"]] if status == 200 else []
        if ids:
            server.request("POST", "/api/webhooks/deliveries/%s/retry" % ids[0], b"", jauth)  # 202
        else:
            problem("GET /api/webhooks/deliveries listed nothing: %r" % data[:300])
        server.request("GET", "/api/webhooks/deliveries?status=pending&limit=2", headers=auth)
        server.request("GET", "/api/webhooks/deliveries?status=bogus", headers=auth)         # 400
        server.request("POST", "/api/webhooks/deliveries/msg_00/retry", b"", jauth)          # 404
        server.request("GET", "/api/webhooks/deliveries")                                     # 401
    finally:
        server.stop()

    # 503: readiness on a server that cannot keep the free space it is asked to.
    low = Server(binary, ["--min-free-mb", "1000000000"])
    try:
        low.request("GET", "/readyz")
    finally:
        low.stop()

    statuses = sorted({s for _, _, s in validated})
    operations = sorted({(m, t) for m, t, _ in validated if t in DOC["paths"] and m.lower() in DOC["paths"][t]})
    print("validated %d answers, statuses %s, %d operations" % (len(validated), statuses, len(operations)))
    for wanted in (200, 201, 202, 204, 400, 401, 403, 404, 409, 413, 415, 422, 503):
        if wanted not in statuses:
            problem("the flow produced no %d answer to validate" % wanted)
    if problems:
        print("%d mismatch(es) between the document and the answers" % len(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
