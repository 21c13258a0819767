// The seeds' flow end to end through the AWS SDK for JavaScript v3, as an app
// built for S3 runs it: the backend presigns one PUT per photo and one for the
// `_complete` marker, the browser side PUTs the photos (read in place) and
// then the marker through fetch, and the backend's webhook receiver (a node
// http server on 127.0.0.1, here) gets a job.completed per photo listing
// every variant and then one batch.completed, every request carrying a valid
// Standard Webhooks signature (checked with node's crypto). Every variant is
// then read through the SDK under {key}.{variant}.webp and must be a WebP.
//
// Environment: EDGEPIX_S3_URL, EDGEPIX_S3_KEY, EDGEPIX_S3_SECRET,
// EDGEPIX_S3_BUCKET (as for s3_sdk.mjs); EDGEPIX_SEED_PHOTOS (paths joined by
// newlines); EDGEPIX_WEBHOOK_PORT (where to listen: the server was started with
// --webhook http://127.0.0.1:PORT/hooks), EDGEPIX_WEBHOOK_SECRET (whsec_…),
// EDGEPIX_SEED_VARIANTS (the variant names, comma-separated). Exits 77 when
// the npm packages are missing, 1 on the first failure, 0 when all passed.
import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { basename } from "node:path";

let sdk, presigner;
try {
  sdk = await import("@aws-sdk/client-s3");
  presigner = await import("@aws-sdk/s3-request-presigner");
} catch {
  console.error("SKIP: @aws-sdk/client-s3 is not installed (scripts/setup.sh runs npm ci in tests/s3/js)");
  process.exit(77);
}
const { S3Client, PutObjectCommand, GetObjectCommand } = sdk;
const env = process.env;
const Bucket = env.EDGEPIX_S3_BUCKET;
const photos = env.EDGEPIX_SEED_PHOTOS.split("\n").filter(Boolean);
const variantNames = env.EDGEPIX_SEED_VARIANTS.split(",");
const s3 = new S3Client({
  endpoint: env.EDGEPIX_S3_URL, forcePathStyle: true, region: "us-east-1",
  credentials: { accessKeyId: env.EDGEPIX_S3_KEY, secretAccessKey: env.EDGEPIX_S3_SECRET },
});

function check(cond, what) {
  if (!cond) {
    console.error("FAILED: " + what);
    process.exit(1);
  }
  console.log("ok: " + what);
}

// Standard Webhooks: v1 = base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" under
// the secret's base64-decoded bytes; any of the space-separated signatures may match.
const key = Buffer.from(env.EDGEPIX_WEBHOOK_SECRET.replace(/^whsec_/, ""), "base64");
function signatureOk(headers, body) {
  const id = headers["webhook-id"], ts = headers["webhook-timestamp"];
  if (!id || !ts || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const want = createHmac("sha256", key).update(`${id}.${ts}.`).update(body).digest();
  return (headers["webhook-signature"] || "").split(" ").some((s) => {
    const [version, value] = s.split(",", 2);
    const got = Buffer.from(value || "", "base64");
    return version === "v1" && got.length === want.length && timingSafeEqual(got, want);
  });
}

const events = [];
let wake = () => {};
const receiver = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    let event = {};
    try {
      event = JSON.parse(body.toString("utf8"));
    } catch {}
    events.push({ ok: signatureOk(req.headers, body), event });
    res.writeHead(200).end();
    wake();
  });
});
await new Promise((resolve) => receiver.listen(Number(env.EDGEPIX_WEBHOOK_PORT), "127.0.0.1", resolve));

// Waits (bounded) until `done(events)` holds.
async function waitFor(done, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (!done(events) && Date.now() < deadline) {
    await new Promise((resolve) => {
      wake = resolve;
      setTimeout(resolve, 500);
    });
  }
  return done(events);
}

// The backend: one presigned PUT per photo, and one for the marker.
const prefix = "seeds/event-1/";
const keys = photos.map((p) => prefix + basename(p));
const urls = await Promise.all([...keys, prefix + "_complete"].map((Key) =>
  presigner.getSignedUrl(s3, new PutObjectCommand({ Bucket, Key }), { expiresIn: 900 })));

// The browser: each photo to its URL, then the marker.
const jobs = new Map();  // job id -> key
for (const [i, path] of photos.entries()) {
  const r = await fetch(urls[i], { method: "PUT", body: readFileSync(path) });
  check(r.status === 200, `presigned PUT of ${basename(path)} (${r.status})`);
  const job = r.headers.get("x-edgepix-job-id");
  check(job && job.length === 22, `${basename(path)} became job ${job}`);
  jobs.set(job, keys[i]);
}
const marker = await fetch(urls[photos.length], { method: "PUT", body: "" });
check(marker.status === 200, "presigned PUT of the _complete marker");
const batchId = marker.headers.get("x-edgepix-batch-id");
check(batchId, "the marker closed batch " + batchId);

const isBatch = (e) => e.event.type === "batch.completed" && e.event.data?.id === batchId;
check(await waitFor((es) => es.some(isBatch), 300), "batch.completed arrived");
const batch = events.find(isBatch).event.data;
check(batch.status === "COMPLETED" && batch.counts.total === photos.length &&
      batch.counts.completed === photos.length, `the batch: ${JSON.stringify(batch.counts)}`);
check(batch.metadata?.s3?.bucket === Bucket && batch.metadata?.s3?.prefix === prefix,
      "the batch names its bucket and prefix");

// Each job's own event lists every variant; each variant reads back through S3.
check(await waitFor((es) => [...jobs.keys()].every((id) =>
  es.some((e) => e.event.type === "job.completed" && e.event.data?.id === id)), 60),
      "a job.completed for every photo");
check(events.every((e) => e.ok), `every delivery's signature verifies (${events.length})`);
for (const [id, Key] of jobs) {
  const job = events.find((e) => e.event.type === "job.completed" && e.event.data?.id === id).event.data;
  check(job.batch === batchId, `job ${id} is in the batch`);
  const names = job.variants.map((v) => v.name).sort();
  check(JSON.stringify(names) === JSON.stringify([...variantNames].sort()),
        `job ${id} has every variant (${names})`);
  for (const v of job.variants) {
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: `${Key}.${v.name}.webp` }));
    const bytes = Buffer.from(await got.Body.transformToByteArray());
    check(bytes.length === v.bytes && bytes.toString("latin1", 0, 4) === "RIFF" &&
          bytes.toString("latin1", 8, 12) === "WEBP", `${Key}.${v.name}.webp is the variant, a WebP`);
  }
}
receiver.close();
console.log("all checks passed");
