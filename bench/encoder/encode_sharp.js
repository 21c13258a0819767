// sharp's WebP encode timed alone (bench/encoder/run.sh): for each WIDTHxHEIGHT raw
// RGB file, the best process CPU time of REPS encodes (quality 85, effort 4, one thread).
const sharp = require('sharp'); const fs = require('fs');
sharp.concurrency(1); sharp.cache(false);
(async () => {
  const files = process.argv.slice(3); const reps = +process.argv[2];
  let total = 0, bytes = 0;
  for (const f of files) {
    const m = f.match(/_(\d+)x(\d+)\.rgb$/); const w = +m[1], h = +m[2];
    const buf = fs.readFileSync(f);
    let best = Infinity, b = 0;
    for (let r = 0; r < reps; r++) {
      const c0 = process.cpuUsage();
      const o = await sharp(buf, {raw: {width: w, height: h, channels: 3}}).webp({quality: 85, effort: 4}).toBuffer();
      const c = process.cpuUsage(c0); best = Math.min(best, (c.user + c.system) / 1000); b = o.length;
    }
    total += best; bytes += b;
  }
  console.log(`sharp(libwebp ${sharp.versions.webp}) encode CPU ms total ${total.toFixed(1)} bytes ${bytes}`);
})();
