// sharp side of the benchmark: the three edgepix variants (thumb 150x150 cover,
// medium inside 640, large inside 1280; WebP q85 effort 4, metadata stripped,
// EXIF orientation applied) for every input, N images in flight.
//
//   node bench/sharp_bench.js --mode per-size|cascade --workers N --out DIR FILE...
//
// per-size  one sharp pipeline per output size, each decoding the file itself
//           (how the cloud version ran it): 3 decodes per image.
// cascade   decode once (shrink-on-load to what `large` needs) to raw pixels,
//           then large -> medium -> thumb from the previous raw buffer.
//
// "N workers": sharp.concurrency(1) (one libvips thread per pipeline) and
// UV_THREADPOOL_SIZE=N (run.sh sets it), so at most N pipelines run at once,
// with N images in flight. Writes DIR/<stem>_<variant>.webp and prints
// "images N seconds S" at the end.
'use strict';

const path = require('path');
const sharp = require('sharp');

const args = process.argv.slice(2);
let mode = 'per-size';
let workers = 1;
let out = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--mode') mode = args[++i];
  else if (args[i] === '--workers') workers = Number(args[++i]);
  else if (args[i] === '--out') out = args[++i];
  else files.push(args[i]);
}
if (!out || files.length === 0 || !['per-size', 'cascade'].includes(mode) || !(workers >= 1)) {
  console.error('usage: sharp_bench.js --mode per-size|cascade --workers N --out DIR FILE...');
  process.exit(2);
}

sharp.concurrency(1);
sharp.cache(false);

const WEBP = { quality: 85, effort: 4 };  // sharp strips metadata unless told otherwise
const THUMB = { width: 150, height: 150, fit: 'cover', position: 'centre' };
const MEDIUM = { width: 640, height: 640, fit: 'inside', withoutEnlargement: true };
const LARGE = { width: 1280, height: 1280, fit: 'inside', withoutEnlargement: true };

function target(file, variant) {
  return path.join(out, `${path.parse(file).name}_${variant}.webp`);
}

async function perSize(file) {
  await Promise.all([
    sharp(file).rotate().resize(THUMB).webp(WEBP).toFile(target(file, 'thumb')),
    sharp(file).rotate().resize(MEDIUM).webp(WEBP).toFile(target(file, 'medium')),
    sharp(file).rotate().resize(LARGE).webp(WEBP).toFile(target(file, 'large')),
  ]);
}

async function cascade(file) {
  const large = await sharp(file).rotate().resize(LARGE).raw().toBuffer({ resolveWithObject: true });
  const raw = (img) => sharp(img.data, { raw: img.info });
  const mediumP = raw(large).resize(MEDIUM).raw().toBuffer({ resolveWithObject: true });
  const largeDone = raw(large).webp(WEBP).toFile(target(file, 'large'));
  const medium = await mediumP;
  await Promise.all([
    largeDone,
    raw(medium).webp(WEBP).toFile(target(file, 'medium')),
    raw(medium).resize(THUMB).webp(WEBP).toFile(target(file, 'thumb')),
  ]);
}

async function main() {
  const run = mode === 'cascade' ? cascade : perSize;
  const t0 = process.hrtime.bigint();
  let next = 0;
  let failed = 0;
  async function worker() {
    while (next < files.length) {
      const file = files[next++];
      try {
        await run(file);
      } catch (e) {
        failed++;
        console.error(`${file}: ${e.message}`);
      }
    }
  }
  await Promise.all(Array.from({ length: workers }, worker));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`images ${files.length - failed} seconds ${secs.toFixed(3)}`);
  process.exit(failed ? 1 : 0);
}

main();
