// Turns the TSVs bench/run.sh collected into the markdown results page.
//   node bench/report.js --set S --photos N --rounds R --runs runs.tsv --bytes bytes.tsv
//     --ssim ssim.tsv --floor floor.tsv --latency latency.txt --edgepix BIN --args "..."
//     --photo-list FILE --load-before "..." --load-after "..."
'use strict';

const fs = require('fs');
const os = require('os');
const { execFileSync } = require('child_process');

const opt = {};
for (let i = 2; i < process.argv.length; i += 2) opt[process.argv[i].slice(2)] = process.argv[i + 1];

function tsv(file) {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  const head = lines.shift().split('\t');
  return lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [head[i], v])));
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'NA');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'NA');
const sh = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
};

const N = Number(opt.photos);
const ALL_TOOLS = ['edgepix', 'vipsthumbnail', 'sharp-per-size', 'sharp-cascade', 'edgepix-keepmem'];
const out = [];
const p = (s = '') => out.push(s);

// ---- header and machine ----
const cpu = (os.cpus()[0] || {}).model || 'unknown';
let sharpVer = 'unknown';
let sharpLibs = {};
try {
  const s = require('sharp');
  sharpVer = s.versions.sharp;
  sharpLibs = s.versions;
} catch {}
const dpkg = (pkg) => sh('dpkg-query', ['-W', '-f=${Version}\n', pkg]).split('\n')[0];
p(`# edgepix benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${opt.set} set`);
p();
p('Produced by `bench/run.sh` (see bench/README.md for the method). Do not edit by hand; re-run.');
p();
p('## Machine and versions');
p();
p(`- ${os.cpus().length} CPUs (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Linux ${os.release()}`);
p(`- load average before the throughput runs: ${opt['load-before']}; after: ${opt['load-after']}` +
  ' (the machine is shared with other engineers\' builds: wall-clock figures carry that noise; CPU per image much less)');
p(`- ${sh(opt.edgepix, ['version'])} (${opt.edgepix}), worktree at git ${sh('git', ['-C', __dirname, 'rev-parse', '--short', 'HEAD'])}` +
  `${sh('git', ['-C', __dirname, 'status', '--porcelain', '--', '../src']) ? ' + uncommitted src/ changes' : ''}`);
p(`- Debian libjpeg-turbo ${dpkg('libturbojpeg0')}, libwebp ${dpkg('libwebp7')}, vipsthumbnail ${sh('vips', ['--version'])}`);
p(`- sharp ${sharpVer} (npm, prebuilt: libvips ${sharpLibs.vips}, libwebp ${sharpLibs.webp}, mozjpeg ${sharpLibs.mozjpeg}), node ${process.version}`);
p(`- command: \`bash bench/run.sh ${opt.args || ''}\`; ${opt.rounds} interleaved rounds per configuration, tool order rotated each round`);
p();
const photos = fs.readFileSync(opt['photo-list'], 'utf8').trim().split('\n');
p(`Photos (${N}, read in place): ${photos.map((f) => f.split('/').pop()).join(', ')}`);
p();

// ---- throughput ----
const runs = tsv(opt.runs).map((r) => ({
  ...r,
  wall: Number(r.wall_s),
  cpu: Number(r.user_s) + Number(r.sys_s),
  rss: Number(r.maxrss_kb) / 1024,
}));
const TOOLS = ALL_TOOLS.filter((t) => runs.some((r) => r.tool === t));
const pick = (tool, w) => runs.filter((r) => r.tool === tool && r.workers === String(w));
p('## Throughput (3 variants per photo)');
p();
p('images/s = photos / wall time (median of rounds; range in brackets). ratio = edgepix images/s ÷ tool images/s,');
p('computed within each round then the median (so > 1 means edgepix is faster). CPU = (user + sys) / photos,');
p('median of rounds [range]. 1 worker = 1 thread for every tool: edgepix runs with `--parallel-variants never`');
p('(no helper thread for the large variant); at 2 workers it keeps its default, `when-idle`.');
p('Peak RSS = largest single process (/usr/bin/time -v "Maximum resident set size"; for vipsthumbnail,');
p('N processes of about that size run at once).');
p();
p('"CPU: tool ÷ edgepix" = the tool\'s CPU over edgepix\'s in the same round, median [range] (> 1: edgepix uses less).');
p();
p('| tool | workers | images/s | edgepix ÷ tool (wall) | CPU ms / image | CPU: tool ÷ edgepix | peak RSS MB |');
p('|---|---|---|---|---|---|---|');
const summary = {};
for (const w of [1, 2]) {
  for (const tool of TOOLS) {
    const rs = pick(tool, w);
    if (!rs.length) continue;
    const ips = rs.map((r) => N / r.wall);
    const ratios = rs.map((r) => {
      const e = runs.find((x) => x.tool === 'edgepix' && x.workers === r.workers && x.round === r.round);
      return e ? r.wall / e.wall : NaN;
    });
    const cpus = rs.map((r) => (r.cpu / N) * 1000);
    // CPU ratio within each round, as for wall time: robust on a shared box.
    const cpuRatios = rs.map((r) => {
      const e = runs.find((x) => x.tool === 'edgepix' && x.workers === r.workers && x.round === r.round);
      return e ? r.cpu / e.cpu : NaN;
    });
    const cpuMs = median(cpus);
    const rss = Math.max(...rs.map((r) => r.rss));
    summary[`${tool}-${w}`] = { ips: median(ips), cpuMs, rss };
    p(`| ${tool} | ${w} | ${f1(median(ips))} [${f1(Math.min(...ips))}–${f1(Math.max(...ips))}] | ` +
      `${tool === 'edgepix' ? '1' : `${f2(median(ratios))} [${f2(Math.min(...ratios))}–${f2(Math.max(...ratios))}]`} | ` +
      `${Math.round(cpuMs)} [${Math.round(Math.min(...cpus))}–${Math.round(Math.max(...cpus))}] | ` +
      `${tool === 'edgepix' ? '1' : `${f2(median(cpuRatios))} [${f2(Math.min(...cpuRatios))}–${f2(Math.max(...cpuRatios))}]`} | ${Math.round(rss)} |`);
  }
}
p();

// ---- bytes ----
const bytes = tsv(opt.bytes);
p('## Output bytes (2-worker run, all photos)');
p();
p('KB of the files; "metadata KB" = ICCP + EXIF + XMP chunks left in them (should be 0: all tools are asked');
p('to strip; vipsthumbnail 8.14.1 ignores [strip] for WebP). "vs edgepix" compares image data only.');
p();
p('| tool | thumb KB | medium KB | large KB | total KB | metadata KB | image data vs edgepix |');
p('|---|---|---|---|---|---|---|');
const data = {};
for (const tool of TOOLS) {
  const rows = bytes.filter((b) => b.tool === tool);
  const sum = (v) => rows.filter((b) => b.variant === v).reduce((a, b) => a + Number(b.bytes), 0) / 1024;
  const meta = rows.reduce((a, b) => a + (Number(b.meta_bytes) || 0), 0) / 1024;
  const t = sum('thumb'), m = sum('medium'), l = sum('large');
  data[tool] = t + m + l - meta;
  p(`| ${tool} | ${Math.round(t)} | ${Math.round(m)} | ${Math.round(l)} | ${Math.round(t + m + l)} | ${Math.round(meta)} | ${f2(data[tool] / data.edgepix)} |`);
}
p();

// ---- SSIM ----
const ssim = tsv(opt.ssim);
if (ssim.some((s) => !/^[0-9.]+$/.test(s.ssim || ''))) throw new Error('a missing SSIM score');
p('## SSIM against a reference downscale');
p();
p('Reference: full-resolution decode (vips, no shrink-on-load, auto-rotated, embedded ICC → sRGB), resized by');
p('bench/tools/ssim.cpp with its own separable Lanczos-3 straight to each output\'s exact size (cover: centred');
p('crop of the output\'s aspect, sub-pixel exact). SSIM on luma, 11×11 Gaussian σ 1.5. Mean [min, its photo] over photos');
p('(outputs of the last 2-worker round; every photo scored for every tool and variant, or the run fails).');
p();
p('| tool | thumb | medium | large |');
p('|---|---|---|---|');
for (const tool of TOOLS) {
  const cell = (v) => {
    const rows = ssim.filter((s) => s.tool === tool && s.variant === v);
    if (!rows.length) return 'NA';
    const xs = rows.map((s) => Number(s.ssim));
    const worst = rows[xs.indexOf(Math.min(...xs))].photo;
    return `${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(4)} [${Math.min(...xs).toFixed(4)} ${worst}]`;
  };
  p(`| ${tool} | ${cell('thumb')} | ${cell('medium')} | ${cell('large')} |`);
}
p();
const sizes = {};
for (const s of ssim) (sizes[`${s.photo}/${s.variant}`] ||= new Set()).add(s.size);
const diff = Object.entries(sizes).filter(([, v]) => v.size > 1);
if (diff.length) {
  p(`Output sizes that differ between tools: ${diff.map(([k, v]) => `${k} (${[...v].join(', ')})`).join('; ')}.`);
  p();
}

// ---- codec floor ----
const floor = fs.readFileSync(opt.floor, 'utf8').trim().includes('\n') ? tsv(opt.floor) : [];
const fresh = opt['floor-fresh'] && fs.existsSync(opt['floor-fresh']) ? tsv(opt['floor-fresh']) : [];
const fmean = floor.find((r) => r.file === 'mean');
const frmean = fresh.find((r) => r.file === 'mean');
if (floor.length) {
p('## Codec floor (one core, CPU ms per photo)');
p();
p('bench/tools/codec_floor.cpp, every photo of the set: the decode as edgepix plans it (JPEG: tjDecompress2 at the');
p('DCT scale keeping ≥ 2× the 1280 px variant; WebP: WebPDecode scaled on load when that halves both sides;');
p('PNG: libpng\'s whole decode), then');
p('WebPEncode q85 m4 (RGB import included) of pre-resized 1280 / 640 / 150 buffers; no resize, no I/O;');
p('min of 3 reps per stage per photo, thread CPU time (CLOCK_THREAD_CPUTIME_ID). Run with glibc keeping');
p('freed memory mapped (GLIBC_TUNABLES as edgepix-keepmem), so the libjpeg coefficient buffers of');
p('progressive files are not page-faulted in afresh for every decode; the "fresh memory" column is the');
p('same tool with the default allocator.');
p();
p('| photo | decoded at | decode | large | medium | thumb | total | total, fresh memory |');
p('|---|---|---|---|---|---|---|---|');
for (const r of floor) {
  const fr = fresh.find((x) => x.file === r.file);
  p(`| ${r.file === 'mean' ? '**mean**' : r.file.split('/').pop()} | ${r.decoded} | ${r.decode_ms} | ${r.large_ms} | ${r.medium_ms} | ${r.thumb_ms} | ${r.total_ms} | ${fr ? fr.total_ms : 'NA'} |`);
}
p();
if (fmean) {
  const fl = Number(fmean.total_ms);
  p(`Floor ${f1(fl)} ms/photo (${frmean ? f1(Number(frmean.total_ms)) : 'NA'} with fresh memory) → at most ${f1((2 * 1000) / fl)} images/s on 2 cores.`);
  p();
  p('| edgepix | workers | CPU ms / photo | ÷ floor (goal ≤ 1.15) | images/s as % of the floor\'s 2-core rate |');
  p('|---|---|---|---|---|');
  for (const tool of ['edgepix', 'edgepix-keepmem']) {
    for (const w of [1, 2]) {
      const e = summary[`${tool}-${w}`];
      if (!e) continue;
      p(`| ${tool} | ${w} | ${Math.round(e.cpuMs)} | ${f2(e.cpuMs / fl)} | ${Math.round((100 * e.ips) / ((w * 1000) / fl))} % of ${w}-core |`);
    }
  }
  p();
}

}

// ---- latency ----
p('## Upload → COMPLETED latency (idle server, issue 2)');
p();
const lat = fs.existsSync(opt.latency) ? fs.readFileSync(opt.latency, 'utf8').trim() : '';
if (!lat) {
  p('Not run (--skip-latency).');
} else {
  p('`bash bench/upload_latency.sh --runs 10 [--rt] [--notify]`: `edgepix serve` (default workers) on loopback, one');
  p('upload at a time, 1 s apart; t0 = the 202 arriving; COMPLETED seen by long-poll `GET /api/jobs/ID?wait=30&since=V`;');
  p('thumb: "poll" = first 200 of `GET /v/ID/thumb.webp` polled every 5 ms, "notify" = that GET made when the');
  p('long-polled job first lists the thumb (as the upload page does). With --rt (as root) server and client run');
  p('SCHED_RR, i.e. as on an idle box although the machine is shared. All in ms.');
  p();
  p('```');
  p(lat);
  p('```');
  // One block per way of seeing the thumb ("== thumb seen by: MODE ..." then its JSON line).
  let mode = '';
  const blocks = [];
  for (const l of lat.split('\n')) {
    if (l.startsWith('== thumb seen by: ')) mode = l.slice(18).split(';')[0];
    if (l.startsWith('{')) blocks.push([mode, JSON.parse(l)]);
  }
  if (!blocks.length) throw new Error('the latency run printed no summary');
  p();
  p('| thumb seen by | | median | p90 | min | max |');
  p('|---|---|---|---|---|---|');
  for (const [m, s] of blocks) {
    for (const k of ['upload', 'completed', 'thumb']) {
      const label = { upload: 'upload request (send → 202)', completed: '202 → COMPLETED', thumb: '**202 → thumb fetchable** (goal ≤ 60 ms p50)' }[k];
      p(`| ${m} | ${label} | ${s[k].median} | ${s[k].p90} | ${s[k].min} | ${s[k].max} |`);
    }
  }
}
p();

// ---- upload acknowledgement under load ----
p('## Upload acknowledgement while both workers are busy (issue 16, section 4)');
p();
const ack = opt.ack && fs.existsSync(opt.ack) ? fs.readFileSync(opt.ack, 'utf8').trim() : '';
if (!ack) {
  p('Not run (--skip-latency).');
} else {
  p('`EDGEPIX_BIN=BIN bash bench/load/run.sh 30 6 1`: `edgepix serve` (default flags) on loopback; bench/load/load_client.cpp');
  p('holds 500 long-polls on an open batch, uploads 1.6–4.6 MB wallpapers (5120x2880, each made unique) at 6 a second on');
  p('a fixed schedule and probes `GET /api/jobs/{id}` every 20 ms from 4 threads; every latency counts from the request\'s');
  p('intended send time (no coordinated omission). "still PENDING" > 0 at the end: the workers were saturated.');
  p();
  p('```');
  p(ack.split('\n').filter((l) => !/^\[\d+\/\d+\]|^-- |^make|^g\+\+/.test(l)).join('\n'));
  p('```');
  const m = ack.match(/^upload ack \(202\)\s+n=(\d+)\s+p50=\s*([\d.]+) ms\s+p99=\s*([\d.]+) ms/m);
  if (!m) throw new Error('the load run printed no upload ack line');
  p();
  p(`Upload ack p50 ${m[2]} ms, **p99 ${m[3]} ms** (goal < 50 ms) over ${m[1]} uploads.`);
}
p();
process.stdout.write(out.join('\n'));
