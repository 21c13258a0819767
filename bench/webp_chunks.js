// Prints "path<TAB>metadata_bytes" for each WebP: the bytes of its ICCP, EXIF
// and XMP chunks (headers and padding included). vipsthumbnail 8.14.1 keeps
// them despite [strip]; run.sh reports sizes with and without them.
'use strict';
const fs = require('fs');
for (const file of process.argv.slice(2)) {
  let meta = 0;
  try {
    const b = fs.readFileSync(file);
    for (let off = 12; off + 8 <= b.length; ) {
      const id = b.toString('latin1', off, off + 4);
      const len = b.readUInt32LE(off + 4);
      const total = 8 + len + (len & 1);
      if (id === 'ICCP' || id === 'EXIF' || id === 'XMP ') meta += total;
      off += total;
    }
    console.log(`${file}\t${meta}`);
  } catch {
    console.log(`${file}\tNA`);
  }
}
