// Makes the raw RGB inputs of bench/encoder/run.sh: per photo, its large (inside 1280),
// medium (inside 640) and thumb (150 cover), auto-rotated, as NAME_variant_WxH.rgb.
const sharp = require('sharp'); const fs = require('fs'); const path = require('path');
(async () => {
  const out = process.argv[2];
  for (const f of process.argv.slice(3)) {
    const stem = path.basename(f).replace(/\.[^.]+$/, '');
    for (const [name, opts] of [['large', {width: 1280, height: 1280, fit: 'inside'}], ['medium', {width: 640, height: 640, fit: 'inside'}], ['thumb', {width: 150, height: 150, fit: 'cover'}]]) {
      const {data, info} = await sharp(f).rotate().resize(opts).removeAlpha().raw().toBuffer({resolveWithObject: true});
      fs.writeFileSync(`${out}/${stem}_${name}_${info.width}x${info.height}.rgb`, data);
    }
  }
})();
