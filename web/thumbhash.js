// thumbhash.js — draws a job's ThumbHash placeholder (job.placeholder.thumbhash, base64) as a
// small blurred image, shown until the real thumb has loaded. Our decoder of the published
// ThumbHash format (https://evanw.github.io/thumbhash/); tests/thumbhash checks it against the
// reference implementation. No DOM at import: decodeThumbHash runs in node too.

const TAU_HALF = Math.PI;

// base64 -> Uint8Array; null when it is not base64.
export function base64Bytes(text) {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

// ThumbHash bytes -> { w, h, rgba } at most 32 px a side, or null for a hash too short.
export function decodeThumbHash(hash) {
  if (!hash || hash.length < 5) return null;
  const h24 = hash[0] | (hash[1] << 8) | (hash[2] << 16);
  const h16 = hash[3] | (hash[4] << 8);
  const alpha = (h24 >> 23) & 1;
  const landscape = (h16 >> 15) & 1;
  const lDc = (h24 & 63) / 63;
  const pDc = ((h24 >> 6) & 63) / 31.5 - 1;
  const qDc = ((h24 >> 12) & 63) / 31.5 - 1;
  const lScale = ((h24 >> 18) & 31) / 31;
  const pScale = ((h16 >> 3) & 63) / 63;
  const qScale = ((h16 >> 9) & 63) / 63;
  const lMax = alpha ? 5 : 7;
  const lxRaw = landscape ? lMax : h16 & 7;
  const lyRaw = landscape ? h16 & 7 : lMax;
  const lx = Math.max(3, lxRaw);
  const ly = Math.max(3, lyRaw);
  if (alpha && hash.length < 6) return null;
  const aDc = alpha ? (hash[5] & 15) / 15 : 1;
  const aScale = alpha ? (hash[5] >> 4) / 15 : 0;

  // The AC terms, 4 bits each, low nibble first; the colour ones boosted by 1.25
  // to make up for what quantisation took.
  let nibble = 0;
  const start = alpha ? 6 : 5;
  const terms = (nx, ny, scale) => {
    const out = [];
    for (let cy = 0; cy < ny; cy++) {
      for (let cx = cy ? 0 : 1; cx * ny < nx * (ny - cy); cx++, nibble++) {
        const v = (hash[start + (nibble >> 1)] >> ((nibble & 1) * 4)) & 15;
        out.push((v / 7.5 - 1) * scale);
      }
    }
    return out;
  };
  const lAc = terms(lx, ly, lScale);
  const pAc = terms(3, 3, pScale * 1.25);
  const qAc = terms(3, 3, qScale * 1.25);
  const aAc = alpha ? terms(5, 5, aScale) : [];

  const ratio = lxRaw / lyRaw;
  const w = Math.round(ratio > 1 ? 32 : 32 * ratio);
  const h = Math.round(ratio > 1 ? 32 / ratio : 32);
  const rgba = new Uint8Array(w * h * 4);
  const nfx = Math.max(lx, alpha ? 5 : 3);
  const nfy = Math.max(ly, alpha ? 5 : 3);
  const fx = new Float64Array(nfx);
  const fy = new Float64Array(nfy);
  // Sum of terms[j] * fx[cx] * 2 fy[cy] over the triangle of (cx, cy) the encoder kept.
  const sum = (ac, nx, ny, base) => {
    let v = base;
    for (let cy = 0, j = 0; cy < ny; cy++) {
      const fy2 = fy[cy] * 2;
      for (let cx = cy ? 0 : 1; cx * ny < nx * (ny - cy); cx++, j++) v += ac[j] * fx[cx] * fy2;
    }
    return v;
  };
  for (let y = 0, i = 0; y < h; y++) {
    for (let cy = 0; cy < nfy; cy++) fy[cy] = Math.cos((TAU_HALF / h) * (y + 0.5) * cy);
    for (let x = 0; x < w; x++, i += 4) {
      for (let cx = 0; cx < nfx; cx++) fx[cx] = Math.cos((TAU_HALF / w) * (x + 0.5) * cx);
      const l = sum(lAc, lx, ly, lDc);
      const p = sum(pAc, 3, 3, pDc);
      const q = sum(qAc, 3, 3, qDc);
      const a = alpha ? sum(aAc, 5, 5, aDc) : aDc;
      const b = l - (2 / 3) * p;
      const r = (3 * l - b + q) / 2;
      const g = r - q;
      const clamp = (v) => Math.max(0, 255 * Math.min(1, v)) | 0;
      rgba[i] = clamp(r);
      rgba[i + 1] = clamp(g);
      rgba[i + 2] = clamp(b);
      rgba[i + 3] = clamp(a);
    }
  }
  return { w, h, rgba };
}

// A data: URL (PNG) of the placeholder, or '' when the hash is unusable or there is no canvas.
export function thumbHashDataUrl(base64) {
  const img = decodeThumbHash(base64Bytes(base64 || ''));
  if (!img || typeof document === 'undefined') return '';
  const canvas = document.createElement('canvas');
  canvas.width = img.w;
  canvas.height = img.h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return '';
  ctx.putImageData(new ImageData(new Uint8ClampedArray(img.rgba), img.w, img.h), 0, 0);
  return canvas.toDataURL('image/png');
}
