// COMPLETED -> shown on the wall, for N uploads (default 100).
//
//   (cd tests/e2e && npm ci)       # playwright-core, once
//   node bench/wall/wall_latency.mjs build-dev/edgepix [N] [mode]
//
// Starts the binary (tests/e2e/fixtures.mjs, checked stop), opens /wall (mosaic, or `slideshow`)
// in headless Debian chromium at 1920x1080 with the wall key, uploads N different PNG landscapes
// (1200x800) one after another through the API with the owner token (each waits for the previous
// one to be COMPLETED, so the wall sees them one at a time, as at a party), and for each
// photo measures the job's updated_at at COMPLETED to the wall's image `load` (the same clock).
// Prints p50/p90/p99/max and writes every sample to tests/e2e/artifacts/wall-latency-bench.json.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const E2E = path.join(HERE, '..', '..', 'tests', 'e2e');
const { chromium } = createRequire(path.join(E2E, 'package.json'))('playwright-core');
const { landscape, startServer } = await import(path.join(E2E, 'fixtures.mjs'));

const BIN = path.resolve(process.argv[2] || 'build-dev/edgepix');
const N = Number(process.argv[3] || 100);
const MODE = process.argv[4] === 'slideshow' ? 'slideshow' : 'mosaic';
const TOKEN = 'bench-wall-owner-token-0123456789';
const ARTIFACTS = path.join(E2E, 'artifacts');
fs.mkdirSync(ARTIFACTS, { recursive: true });

const server = await startServer({ bin: BIN, logPath: path.join(ARTIFACTS, 'server-wall-bench.log'),
  args: ['--token', TOKEN, '--quiet'] });
const auth = { Authorization: `Bearer ${TOKEN}` };
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'] });
const samples = [];
try {
  const { key } = await (await fetch(`${server.base}/api/wall`, { headers: auth })).json();
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const wall = await ctx.newPage();
  await wall.goto(`${server.base}/wall?mode=${MODE}&interval=600&k=${encodeURIComponent(key)}`);
  await wall.waitForFunction(() => window.edgepixWall !== undefined);
  for (let i = 0; i < N; i += 1) {
    const png = landscape({ width: 1200, height: 800, sky: [40 + (i % 150), 90, 160], horizon: [250, 190, 150 - (i % 100)],
      sun: [255, 236, 190], hills: [[74, 96, 120], [40, 58, 74]], sunX: (i % 10) / 10 + 0.05, seed: i + 1 });
    const up = await fetch(`${server.base}/api/uploads?filename=bench-${i}.png`,
      { method: 'POST', headers: { ...auth, 'Content-Type': 'image/png' }, body: png });
    if (up.status !== 202) throw new Error(`upload ${i}: HTTP ${up.status} ${await up.text()}`);
    const [job] = (await up.json()).jobs;
    const done = await (await fetch(`${server.base}/api/jobs/${job.id}?wait=60`, { headers: auth })).json();
    if (done.status !== 'COMPLETED') throw new Error(`job ${job.id} ended ${done.status}`);
    await wall.waitForFunction((id) => id in window.edgepixWall.shown, job.id, { timeout: 60000 });
    const shown = await wall.evaluate((id) => window.edgepixWall.shown[id], job.id);
    samples.push({ id: job.id, completed_at: done.updated_at, latency_ms: shown - Date.parse(done.updated_at) });
  }
} finally {
  await browser.close();
  await server.stop();
}
const sorted = samples.map((s) => s.latency_ms).sort((a, b) => a - b);
const q = (p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
const summary = { n: sorted.length, mode: MODE, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: sorted[sorted.length - 1] };
fs.writeFileSync(path.join(ARTIFACTS, 'wall-latency-bench.json'), `${JSON.stringify({ summary, samples }, null, 2)}\n`);
console.log(JSON.stringify(summary));
