// Fixtures of the browser test: the real server (startServer), and test images made on the spot:
// small landscape "photos" as valid PNGs, written with node's zlib. Each scene differs (colours,
// sun position, size), so no two uploads share bytes.
//
// The browser side (useServerAndBrowser, openAs, shoot): one chromium per test file, a fresh
// context per role (owner with the token, guest through the guest link, a wall or an open page), on
// a phone (390x844, touch) or a desktop, screenshots in ARTIFACTS in light and dark.
//
// startServer runs `edgepix serve` on a free loopback port with a fresh data dir, its stdout and
// stderr in a log file. Its stop() is checked like the C++ harness's (tests/integration/
// server_harness.h): SIGTERM, exit status 0 within STOP_MS, no sanitizer report in the log, or it
// throws. Whenever that check fails or the test process ends with a failure, the log is copied to
// $EDGEPIX_TEST_ARTIFACTS (ctest: build-*/test-artifacts) and its path printed.

import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.EDGEPIX_BIN || '/work/main/build/edgepix';
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// Screenshots and server logs: ctest's test-artifacts/e2e (EDGEPIX_TEST_ARTIFACTS), else
// tests/e2e/artifacts (gitignored).
export const ARTIFACTS = process.env.EDGEPIX_TEST_ARTIFACTS
  ? path.join(process.env.EDGEPIX_TEST_ARTIFACTS, 'e2e') : path.join(HERE, 'artifacts');

// The devices of the issue: a phone held by a guest, a laptop, a projector.
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
export const DESKTOP = { viewport: { width: 1280, height: 800 } };
export const PROJECTOR = { viewport: { width: 1920, height: 1080 } };

// A graceful stop finishes the images in progress; more than this is a hang.
export const STOP_MS = 60000;

// What ASan, LSan, UBSan and TSan print first.
const SANITIZER_MARKERS = ['ERROR: AddressSanitizer', 'ERROR: LeakSanitizer', 'runtime error:',
  'WARNING: ThreadSanitizer', 'ERROR: ThreadSanitizer'];

// The first sanitizer report line of `text`, '' if none.
export function sanitizerReport(text) {
  for (const marker of SANITIZER_MARKERS) {
    const at = text.indexOf(marker);
    if (at < 0) continue;
    const begin = text.lastIndexOf('\n', at) + 1;
    const end = text.indexOf('\n', at);
    return text.slice(begin, end < 0 ? undefined : end);
  }
  return '';
}

// Copies `logPath` into $EDGEPIX_TEST_ARTIFACTS (or ./test-artifacts) and prints where.
export function keepLog(logPath, tag) {
  const dir = process.env.EDGEPIX_TEST_ARTIFACTS || path.resolve('test-artifacts');
  const dest = path.join(dir, `e2e-${tag}-${process.pid}.log`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(logPath, dest);
    console.log(`server log kept: ${dest}`);
    return dest;
  } catch (err) {
    console.log(`server log NOT kept (${logPath} -> ${dest}: ${err.message})`);
    return '';
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Starts the server and waits until /healthz answers. Returns { base, dataDir, logPath, stop,
// exited }: stop() resolves when the checked stop passed and rejects with what went wrong;
// exited() is the exit reason once the process ended ('' while it runs).
// port and dataDir: start again where a stopped server was (stop({ keepData: true })).
export async function startServer({ bin, logPath, args = [], readyMs = 30000, port: wantPort = 0, dataDir: wantDir = '' }) {
  const dataDir = wantDir || fs.mkdtempSync(path.join(os.tmpdir(), 'edgepix-e2e-'));
  const port = wantPort || await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = fs.openSync(logPath, wantDir ? 'a' : 'w');
  const child = spawn(bin, ['serve', '--listen', `127.0.0.1:${port}`, '--data', dataDir, ...args],
    { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  let exit = null;  // { code, signal } once ended
  const ended = new Promise((resolve) => child.on('exit', (code, signal) => {
    exit = { code, signal };
    resolve(exit);
  }));
  const describeExit = () => (exit ? (exit.signal ? `signal ${exit.signal}` : `exit status ${exit.code}`) : '');
  let failed = false;
  // A failing test file keeps the log too, and a server still running is not left behind.
  process.on('exit', (code) => {
    if (!exit) child.kill('SIGKILL');
    if (code !== 0 && !failed) keepLog(logPath, 'failed-run');
  });

  const until = Date.now() + readyMs;
  let last = '';
  for (;;) {
    if (exit) {
      failed = true;
      throw new Error(`edgepix exited at start (${describeExit()}); log kept at ${keepLog(logPath, 'start')}`);
    }
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) break;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.cause ? err.cause.code : err.message;
    }
    if (Date.now() > until) {
      child.kill('SIGKILL');
      failed = true;
      throw new Error(`edgepix did not answer /healthz within ${readyMs} ms (${last}); log kept at ${keepLog(logPath, 'start')}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }

  async function stop({ keepData = false } = {}) {
    const problems = [];
    if (exit) {
      problems.push(`the server had already ended (${describeExit()}) before the test stopped it`);
    } else {
      child.kill('SIGTERM');
      let timer;
      const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve(null), STOP_MS); });
      const result = await Promise.race([ended, timedOut]);
      clearTimeout(timer);
      if (!result) {
        child.kill('SIGKILL');
        await ended;
        problems.push(`still running ${STOP_MS} ms after SIGTERM`);
      } else if (result.signal || result.code !== 0) {
        problems.push(`stopped by SIGTERM with ${describeExit()}, not exit status 0`);
      }
    }
    const report = sanitizerReport(fs.readFileSync(logPath, 'latin1'));
    if (report) problems.push(`sanitizer report: ${report}`);
    if (!keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    if (problems.length) {
      failed = true;
      throw new Error(`${problems.join('; ')} (server log kept at ${keepLog(logPath, 'stop')})`);
    }
  }

  return { base, port, dataDir, logPath, stop, exited: describeExit };
}

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

// Encodes 8-bit RGB pixels (Uint8Array of width*height*3) as a PNG.
export function encodePng(width, height, rgb) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;  // bit depth
  ihdr[9] = 2;  // colour type: RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;  // filter: none
    Buffer.from(rgb.buffer, rgb.byteOffset + y * width * 3, width * 3).copy(raw, y * (width * 3 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const mix = (a, b, t) => a + (b - a) * t;

// A sky gradient, a sun, two rows of hills. grain > 0 adds noise, which makes the file big
// (useful to watch upload progress).
export function landscape({ width, height, sky, horizon, sun, hills, sunX = 0.7, grain = 0, seed = 1 }) {
  const rgb = new Uint8Array(width * height * 3);
  let s = seed >>> 0;
  const rand = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 4294967296; };
  const sx = sunX * width;
  const sy = 0.32 * height;
  const sr = 0.09 * Math.min(width, height);
  for (let y = 0; y < height; y++) {
    const t = y / height;
    for (let x = 0; x < width; x++) {
      const u = x / width;
      let c = [mix(sky[0], horizon[0], t), mix(sky[1], horizon[1], t), mix(sky[2], horizon[2], t)];
      const d = Math.hypot(x - sx, y - sy);
      if (d < sr) c = sun;
      else if (d < sr * 2.2) {
        const g = (1 - (d - sr) / (sr * 1.2)) * 0.35;
        c = c.map((v, i) => mix(v, sun[i], g));
      }
      const back = height * (0.6 + 0.06 * Math.sin(u * 5.1 + seed) + 0.03 * Math.sin(u * 13 + seed * 2));
      const front = height * (0.74 + 0.07 * Math.sin(u * 3.3 + seed * 3) + 0.02 * Math.sin(u * 17));
      if (y > front) c = hills[1];
      else if (y > back) c = hills[0];
      const n = grain ? (rand() - 0.5) * grain : 0;
      const o = (y * width + x) * 3;
      rgb[o] = Math.max(0, Math.min(255, c[0] + n));
      rgb[o + 1] = Math.max(0, Math.min(255, c[1] + n));
      rgb[o + 2] = Math.max(0, Math.min(255, c[2] + n));
    }
  }
  return encodePng(width, height, rgb);
}

export function photoSet() {
  return [
    { name: 'dawn-over-hills.png', width: 1200, height: 800, buffer: landscape({ width: 1200, height: 800,
      sky: [62, 92, 160], horizon: [250, 190, 150], sun: [255, 236, 190], hills: [[74, 96, 120], [40, 58, 74]],
      sunX: 0.3, seed: 1 }) },
    { name: 'teal-evening.png', width: 900, height: 1200, buffer: landscape({ width: 900, height: 1200,
      sky: [18, 60, 82], horizon: [120, 200, 190], sun: [250, 250, 230], hills: [[30, 90, 90], [14, 50, 54]],
      sunX: 0.6, seed: 2 }) },
    { name: 'desert-noon.png', width: 640, height: 480, buffer: landscape({ width: 640, height: 480,
      sky: [120, 180, 235], horizon: [230, 240, 250], sun: [255, 255, 240], hills: [[214, 170, 110], [180, 120, 70]],
      sunX: 0.8, seed: 3 }) },
    { name: 'grainy-sunset.png', width: 1400, height: 1000, buffer: landscape({ width: 1400, height: 1000,
      sky: [90, 40, 90], horizon: [250, 140, 90], sun: [255, 220, 140], hills: [[110, 50, 70], [50, 25, 45]],
      sunX: 0.5, grain: 40, seed: 4 }) },
  ];
}

// Pure noise: does not compress, so the PNG is about width*height*3 bytes.
export function noisePng(width, height, seed = 7) {
  const rgb = new Uint8Array(width * height * 3);
  let s = seed >>> 0;
  for (let i = 0; i < rgb.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    rgb[i] = s >>> 24;
  }
  return encodePng(width, height, rgb);
}

// ---- browser side ------------------------------------------------------------------------------

// For a describe block: before() starts one server (args) and one chromium, after() closes the
// browser and stops the server with its checks. Returns { server, browser } filled in by before().
// env.stopServer() stops the server (checked) and resolves with start(), which brings it back on
// the same port with the same data dir.
export function useServerAndBrowser({ log, args = [] }) {
  const env = { server: null, browser: null };
  before(async () => {
    assert.ok(fs.existsSync(BIN), `edgepix binary not found at ${BIN} (build it, or set EDGEPIX_BIN)`);
    assert.ok(fs.existsSync(CHROMIUM), `chromium not found at ${CHROMIUM} (apt-get install chromium)`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    env.server = await startServer({ bin: BIN, logPath: path.join(ARTIFACTS, log), args });
    env.browser = await chromium.launch({ executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run'] });
  });
  after(async () => {
    try {
      if (env.browser) await env.browser.close();
    } finally {
      if (env.server) await env.server.stop();
    }
  });
  env.stopServer = async () => {
    const { port, dataDir } = env.server;
    await env.server.stop({ keepData: true });
    const stopped = env.server;
    env.server = null;
    return async () => {
      env.server = await startServer({ bin: BIN, logPath: stopped.logPath, args, port, dataDir });
      return env.server;
    };
  };
  return env;
}

// A fresh browser context and page for one role: { token } opens the owner link (/#token=…, which
// the page keeps), { guestCode } the guest link (/?g=…, which sets the guest cookie), neither just
// the server. `device`: PHONE, DESKTOP or PROJECTOR. Uncaught page errors are collected in
// `errors`, console errors (failed requests among them) in `consoleErrors`, requests to anywhere
// but the server in `outside`.
// `init`: a function run in the page before its scripts (page.addInitScript); `path: null`: no
// navigation.
export async function openAs(browser, base, { device = DESKTOP, token = '', guestCode = '', path: where = '/',
  colorScheme = 'light', init = null } = {}) {
  const context = await browser.newContext({ ...device, colorScheme });
  const page = await context.newPage();
  if (init) await page.addInitScript(init);
  const errors = [];
  const consoleErrors = [];
  const outside = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['blob:', 'data:'].includes(u.protocol) && u.origin !== base) outside.push(r.url());
  });
  if (token) {
    await page.goto(`${base}/#token=${token}`);
    await page.waitForFunction(() => location.hash === '');
  } else if (guestCode) {
    await page.goto(`${base}/?g=${encodeURIComponent(guestCode)}`);
  }
  if (where !== null && (where !== '/' || (!token && !guestCode))) await page.goto(`${base}${where}`);
  return { context, page, errors, consoleErrors, outside, close: () => context.close() };
}

// Screenshots of what `page` shows now, as `<name>-light.png` and `<name>-dark.png` in ARTIFACTS
// (prefers-color-scheme through emulateMedia); the page is left in the scheme it had.
export async function shoot(page, name, { fullPage = false, schemes = ['light', 'dark'] } = {}) {
  const files = [];
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const file = path.join(ARTIFACTS, `${name}-${scheme}.png`);
    await page.screenshot({ path: file, fullPage, animations: 'disabled' });
    files.push(file);
  }
  await page.emulateMedia({ colorScheme: schemes[0] === 'dark' ? 'dark' : 'light' });
  return files;
}

// Uploads through the API (as the owner when `token`), and waits until each job is COMPLETED.
// Resolves with the jobs, in upload order.
export async function uploadViaApi(base, files, { token = '' } = {}) {
  const auth = token ? { Authorization: `Bearer ${token}` } : {};
  const jobs = [];
  for (const f of files) {
    const res = await fetch(`${base}/api/uploads?filename=${encodeURIComponent(f.name)}`,
      { method: 'POST', headers: { ...auth, 'Content-Type': 'image/png' }, body: f.buffer });
    assert.equal(res.status, 202, `upload of ${f.name}: HTTP ${res.status}`);
    jobs.push((await res.json()).jobs[0]);
  }
  for (let i = 0; i < jobs.length; i += 1) {
    let job = jobs[i];
    for (let tries = 0; job.status !== 'COMPLETED' && tries < 20; tries += 1) {
      job = await (await fetch(`${base}/api/jobs/${job.id}?wait=30&since=${job.version}`, { headers: auth })).json();
    }
    assert.equal(job.status, 'COMPLETED', `${files[i].name} ended ${job.status}`);
    jobs[i] = job;
  }
  return jobs;
}
