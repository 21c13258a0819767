// Client half of bench/upload_latency.sh: how long after an upload's 202 the job
// is COMPLETED, and when its thumb becomes fetchable, on an idle server.
//
//   node bench/upload_latency.js BASE_URL FILE.jpg RUNS [--notify]
//
// Each run uploads the same photo with a unique JPEG comment segment inserted
// after SOI (so the server's sha256 de-duplication cannot short-cut it), then at
// once (a) long-polls GET /api/jobs/ID?wait=30 until COMPLETED/FAILED and
// (b) polls GET /v/ID/thumb.webp every 5 ms until 200 (with --notify instead: GETs
// it once the long-poll shows the job listing it, as the upload page does; no
// polling traffic competes with the worker for the CPU). t0 is the moment the 202
// arrived (the end of the upload as a client sees it). Runs are 1 s apart.
// Prints one TSV line per run and a JSON summary line (ms): median, p90, min, max.
'use strict';

const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');

const notify = process.argv.includes('--notify');
const [base, file, runsArg] = process.argv.slice(2).filter((a) => a !== '--notify');
const runs = Number(runsArg || 10);
if (!base || !file || !(runs >= 1)) {
  console.error('usage: upload_latency.js BASE_URL FILE.jpg RUNS');
  process.exit(2);
}
const original = fs.readFileSync(file);
if (original[0] !== 0xff || original[1] !== 0xd8) {
  console.error('not a JPEG');
  process.exit(2);
}

function uniqueJpeg(tag) {
  const text = Buffer.from(`edgepix-bench ${tag} ${process.pid}`);
  const seg = Buffer.alloc(4);
  seg[0] = 0xff;
  seg[1] = 0xfe;  // COM
  seg.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([original.subarray(0, 2), seg, text, original.subarray(2)]);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function oneRun(i) {
  const body = new FormData();
  const name = `${path.parse(file).name}-${i}.jpg`;
  body.append('file', new Blob([uniqueJpeg(i)], { type: 'image/jpeg' }), name);
  const tStart = performance.now();
  const res = await fetch(`${base}/api/uploads`, { method: 'POST', body });
  const t0 = performance.now();
  const up = await res.json();
  if (res.status !== 202) throw new Error(`upload answered ${res.status}`);
  const id = up.jobs[0].id;
  let thumbAt = null;
  let done = false;
  const thumbPoll = (async () => {
    while (!done && !notify) {
      const r = await fetch(`${base}/v/${id}/thumb.webp`);
      await r.arrayBuffer();
      if (r.status === 200) {
        thumbAt = performance.now();
        return;
      }
      await sleep(5);
    }
  })();
  // The job, followed by long-poll (each answer is a newer version). With
  // --notify, the thumb is fetched as soon as the job lists it, as the page does.
  let job = up.jobs[0];
  let tDone = null;
  for (;;) {
    const r = await fetch(`${base}/api/jobs/${id}?wait=30&since=${job.version}`);
    job = await r.json();
    if (notify && thumbAt === null && job.variants.some((v) => v.name === 'thumb')) {
      const t = await fetch(`${base}/v/${id}/thumb.webp`);
      await t.arrayBuffer();
      if (t.status !== 200) throw new Error(`job ${id} lists its thumb, GET answered ${t.status}`);
      thumbAt = performance.now();
    }
    if (job.status === 'COMPLETED' || job.status === 'FAILED') break;
  }
  tDone = performance.now();
  await thumbPoll;
  done = true;
  if (job.status !== 'COMPLETED') throw new Error(`job ${id} ${job.status}`);
  return { upload: t0 - tStart, completed: tDone - t0, thumb: (thumbAt ?? tDone) - t0 };
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  const r = (v) => Math.round(v * 10) / 10;
  return { median: r(q(0.5)), p90: r(q(0.9)), min: r(s[0]), max: r(s[s.length - 1]) };
}

async function main() {
  const rows = [];
  console.log('run\tupload_ms\tto_completed_ms\tto_thumb_ms');
  for (let i = 1; i <= runs; i++) {
    const r = await oneRun(i);
    rows.push(r);
    console.log(`${i}\t${r.upload.toFixed(1)}\t${r.completed.toFixed(1)}\t${r.thumb.toFixed(1)}`);
    await sleep(1000);
  }
  console.log(
    JSON.stringify({
      upload: stats(rows.map((r) => r.upload)),
      completed: stats(rows.map((r) => r.completed)),
      thumb: stats(rows.map((r) => r.thumb)),
    }),
  );
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
