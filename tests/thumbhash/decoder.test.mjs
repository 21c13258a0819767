// web/thumbhash.js (the upload page's decoder) against the reference decoder: the same
// size and the same pixels for hashes of varied images, with and without alpha.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeThumbHash, base64Bytes } from '../../web/thumbhash.js';

let reference;
try {
  reference = await import('thumbhash');
} catch {
  console.log('skipped: the reference is not installed (cd tests/thumbhash && npm ci)');
  process.exit(77);
}
const { rgbaToThumbHash, thumbHashToRGBA } = reference;

function image(w, h, alpha, seed) {
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i += 4) {
      rgba[i] = (x * 255) / w;
      rgba[i + 1] = (y * 255) / h;
      rgba[i + 2] = ((x + y + seed) * 37) % 256;
      rgba[i + 3] = alpha ? ((x * y + seed) * 13) % 256 : 255;
    }
  }
  return rgba;
}

for (const [w, h, alpha] of [[100, 75, false], [40, 100, false], [64, 64, true], [100, 20, true], [1, 1, false], [7, 90, true]]) {
  test(`decodes like the reference: ${w}x${h}${alpha ? ' with alpha' : ''}`, () => {
    const hash = rgbaToThumbHash(w, h, image(w, h, alpha, w + h));
    const ours = decodeThumbHash(base64Bytes(Buffer.from(hash).toString('base64')));
    const ref = thumbHashToRGBA(hash);
    assert.equal(ours.w, ref.w);
    assert.equal(ours.h, ref.h);
    assert.deepEqual(Array.from(ours.rgba), Array.from(ref.rgba));
  });
}

test('refuses what is not a hash', () => {
  assert.equal(decodeThumbHash(base64Bytes('!!')), null);
  assert.equal(decodeThumbHash(new Uint8Array(3)), null);
});
