// Fixtures of the browser test: the real server (startServer), and test images made on the spot:
// small landscape "photos" as valid PNGs, written with node's zlib. Each scene differs (colours,
// sun position, size), so no two uploads share bytes.
//
// startServer runs `edgepix serve` on a free loopback port with a fresh data dir, its stdout and
// stderr in a log file. Its stop() is checked like the C++ harness's (tests/integration/
// server_harness.h): SIGTERM, exit status 0 within STOP_MS, no sanitizer report in the log, or it
// throws. Whenever that check fails or the test process ends with a failure, the log is copied to
// $EDGEPIX_TEST_ARTIFACTS (ctest: build-*/test-artifacts) and its path printed.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

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
export async function startServer({ bin, logPath, args = [], readyMs = 30000 }) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepix-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = fs.openSync(logPath, 'w');
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

  async function stop() {
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
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (problems.length) {
      failed = true;
      throw new Error(`${problems.join('; ')} (server log kept at ${keepLog(logPath, 'stop')})`);
    }
  }

  return { base, dataDir, logPath, stop, exited: describeExit };
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
