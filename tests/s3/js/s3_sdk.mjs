// The AWS SDK for JavaScript v3 against edgepix's S3 endpoint: presigned PUT
// through fetch, PutObject with a Buffer and with a stream (the SDK's default
// CRC32 checksums), GetObject, HeadObject of a missing key (NotFound),
// DeleteObject, ListObjectsV2 with prefix, delimiter and pagination, a
// multipart upload (parts with the SDK's CRC32 checksums, the part list it
// writes), CopyObject.
// Environment as for ../s3_clients.py (EDGEPIX_S3_TARGET=rgw: the reference run,
// the bucket is created when missing; "OBS" lines: what the SDK read). Exits 77 when the npm packages are not
// installed (scripts/setup.sh), 1 on the first failure.
import { Readable } from "node:stream";

let sdk, presigner;
try {
  sdk = await import("@aws-sdk/client-s3");
  presigner = await import("@aws-sdk/s3-request-presigner");
} catch {
  console.error("SKIP: @aws-sdk/client-s3 is not installed (scripts/setup.sh runs npm ci in tests/s3/js)");
  process.exit(77);
}
const { S3Client, PutObjectCommand, GetObjectCommand, HeadObjectCommand, DeleteObjectCommand,
        ListObjectsV2Command, paginateListObjectsV2, CreateMultipartUploadCommand, UploadPartCommand,
        CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, HeadBucketCommand } = sdk;
const env = process.env;
const Bucket = env.EDGEPIX_S3_BUCKET;
// RGW 16 (the reference) predates S3's flexible checksums and answers a streamed
// aws-chunked body with a trailer 411 MissingContentLength: against it the SDK is
// configured as for any such S3 (checksums only where an operation requires them).
// edgepix takes the SDK's defaults.
const reference = env.EDGEPIX_S3_TARGET === "rgw";
const s3 = new S3Client({
  endpoint: env.EDGEPIX_S3_URL, forcePathStyle: true, region: "us-east-1",
  credentials: { accessKeyId: env.EDGEPIX_S3_KEY, secretAccessKey: env.EDGEPIX_S3_SECRET },
  ...(reference ? { requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" } : {}),
});

function check(cond, what) {
  if (!cond) {
    console.error("FAILED: " + what);
    process.exit(1);
  }
  console.log("ok: " + what);
}

// What the SDK read from each response, as ../s3_clients.py's observe_call records it:
// named by command and path (bucket as {bucket}) and the how-manieth such call it is.
const SDK_HEADERS = ["etag", "content-length", "content-type", "content-range", "accept-ranges",
                     "last-modified", "x-amz-request-id"];
const VALUE_HEADERS = ["etag", "content-length", "content-type", "content-range", "accept-ranges"];
const calls = new Map();
function observeCall(name, status, headers, code) {
  name = name.split(Bucket).join("{bucket}");
  calls.set(name, (calls.get(name) || 0) + 1);
  const h = Object.fromEntries(Object.entries(headers || {}).map(([k, v]) => [k.toLowerCase(), v]));
  let present = SDK_HEADERS.filter((k) => k in h).sort();
  const seen = { status, headers: present };
  if (status >= 300) {
    seen.code = code || "";
    seen.headers = present.filter((k) => k === "x-amz-request-id");
  } else {
    seen.values = Object.fromEntries(VALUE_HEADERS.filter((k) => k in h).sort().map((k) => [k, h[k]]));
  }
  const sorted = Object.fromEntries(Object.keys(seen).sort().map((k) => [k, seen[k]]));
  console.log(`OBS\t${name} #${calls.get(name)}\t${JSON.stringify(sorted)}`);
}
s3.middlewareStack.add((next, context) => async (args) => {
  const name = `js ${context.commandName} ${args.request.path}`;
  try {
    const out = await next(args);
    observeCall(name, out.response.statusCode, out.response.headers, "");
    return out;
  } catch (e) {
    observeCall(name, e.$metadata?.httpStatusCode ?? 0, e.$response?.headers, e.Code || e.name);
    throw e;
  }
}, { step: "deserialize", name: "edgepixObserve", priority: "high" });

if (reference) {
  try {
    await s3.send(new HeadBucketCommand({ Bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket }));
  }
}

const seen = [];
s3.middlewareStack.add((next) => async (args) => {
  seen.push(args.request.headers["x-amz-content-sha256"]);
  return next(args);
}, { step: "finalizeRequest", priority: "low" });

const buf = Buffer.from("a buffer ".repeat(5000));
const put = await s3.send(new PutObjectCommand({ Bucket, Key: "js/buffer.txt", Body: buf }));
check(put.ETag && put.ETag.startsWith('"'), "PutObject with a Buffer");
const got = await s3.send(new GetObjectCommand({ Bucket, Key: "js/buffer.txt" }));
check(Buffer.from(await got.Body.transformToByteArray()).equals(buf), "GetObject returns the Buffer");

const streamed = Buffer.alloc(200000, 7);
await s3.send(new PutObjectCommand({
  Bucket, Key: "js/stream.bin", Body: Readable.from([streamed.subarray(0, 70000), streamed.subarray(70000)]),
  ContentLength: streamed.length,
}));
const back = await s3.send(new GetObjectCommand({ Bucket, Key: "js/stream.bin" }));
check(Buffer.from(await back.Body.transformToByteArray()).equals(streamed), "PutObject with a stream");
console.log("payload modes used: " + [...new Set(seen)].join(", "));

const url = await presigner.getSignedUrl(s3, new PutObjectCommand({ Bucket, Key: "js/presigned.txt" }),
                                         { expiresIn: 300 });
const r = await fetch(url, { method: "PUT", body: "through fetch" });
check(r.status === 200, "presigned PUT through fetch (" + r.status + ")");
const pre = await s3.send(new GetObjectCommand({ Bucket, Key: "js/presigned.txt" }));
check((await pre.Body.transformToString()) === "through fetch", "presigned PUT stored the body");

try {
  await s3.send(new HeadObjectCommand({ Bucket, Key: "js/missing" }));
  check(false, "HeadObject of a missing key fails");
} catch (e) {
  check(e.name === "NotFound" && e.$metadata.httpStatusCode === 404, "HeadObject missing: NotFound");
}

for (let i = 0; i < 5; i++) {
  await s3.send(new PutObjectCommand({ Bucket, Key: `js/list/k${i}`, Body: "x" }));
}
await s3.send(new PutObjectCommand({ Bucket, Key: "js/list/sub/deep", Body: "x" }));
const page = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: "js/list/", Delimiter: "/" }));
check(JSON.stringify(page.Contents.map((o) => o.Key)) ===
      JSON.stringify([0, 1, 2, 3, 4].map((i) => `js/list/k${i}`)), "ListObjectsV2 prefix + delimiter");
check(page.CommonPrefixes.map((p) => p.Prefix).join() === "js/list/sub/", "common prefixes");
const keys = [];
for await (const p of paginateListObjectsV2({ client: s3, pageSize: 2 }, { Bucket, Prefix: "js/list/" })) {
  keys.push(...(p.Contents || []).map((o) => o.Key));
}
check(keys.length === 6 && keys[5] === "js/list/sub/deep", "pagination by 2");

await s3.send(new DeleteObjectCommand({ Bucket, Key: "js/buffer.txt" }));
try {
  await s3.send(new GetObjectCommand({ Bucket, Key: "js/buffer.txt" }));
  check(false, "GetObject after DeleteObject fails");
} catch (e) {
  check(e.name === "NoSuchKey", "DeleteObject: NoSuchKey afterwards");
}

// Multipart: a 5 MiB part and a small last one, each with the SDK's default CRC32.
const mpuKey = "js/multipart.bin";
const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: mpuKey }));
check(UploadId && UploadId.length > 0, "CreateMultipartUpload");
const part1 = Buffer.alloc(5 * 1024 * 1024, 7), part2 = Buffer.from("the end");
const parts = [];
for (const [i, Body] of [part1, part2].entries()) {
  const up = await s3.send(new UploadPartCommand({ Bucket, Key: mpuKey, UploadId, PartNumber: i + 1, Body }));
  parts.push({ PartNumber: i + 1, ETag: up.ETag, ChecksumCRC32: up.ChecksumCRC32 });
}
check(parts.every((p) => p.ETag && p.ETag.startsWith('"')), "UploadPart answers the part's ETag");
const done = await s3.send(new CompleteMultipartUploadCommand({
  Bucket, Key: mpuKey, UploadId, MultipartUpload: { Parts: parts } }));
// RGW 16 answers an empty <ETag> here (README); the object's own ETag is the same.
const mpuEtag = reference ? (await s3.send(new HeadObjectCommand({ Bucket, Key: mpuKey }))).ETag : done.ETag;
check(/^"[0-9a-f]{32}-2"$/.test(mpuEtag), "CompleteMultipartUpload: a multipart ETag (" + mpuEtag + ")");
const whole = await s3.send(new GetObjectCommand({ Bucket, Key: mpuKey }));
check(Buffer.from(await whole.Body.transformToByteArray()).equals(Buffer.concat([part1, part2])),
      "the completed object reads back");
const copied = await s3.send(new CopyObjectCommand({ Bucket, Key: "js/copy.bin", CopySource: `${Bucket}/${mpuKey}` }));
check(copied.CopyObjectResult && copied.CopyObjectResult.ETag, "CopyObject");
const copy = await s3.send(new GetObjectCommand({ Bucket, Key: "js/copy.bin" }));
check((await copy.Body.transformToByteArray()).length === part1.length + part2.length, "the copy reads back");
console.log("all checks passed");
