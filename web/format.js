// format.js — turns the job JSON's raw values into short words for people.
// Pure functions; missing or odd values give '' so callers can leave the row out.

// One convention on the whole page: 1 KB = 1024 bytes, 1 MB = 1024 KB, as --max-upload-mb counts,
// so "up to 50 MB each" and a file shown as "50.0 MB" mean the same bytes.
export function bytes(n) {
  if (typeof n !== 'number' || !isFinite(n) || n < 0) return '';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function dimensions(w, h) {
  if (!w || !h) return '';
  return `${w} × ${h}`;
}

const FORMAT_NAMES = { jpeg: 'JPEG', jpg: 'JPEG', png: 'PNG', webp: 'WebP', gif: 'GIF', bmp: 'BMP',
  tiff: 'TIFF', heic: 'HEIC', avif: 'AVIF', tga: 'TGA', psd: 'PSD', pnm: 'PNM', hdr: 'HDR' };

export function formatName(f) {
  if (!f) return '';
  return FORMAT_NAMES[String(f).toLowerCase()] || String(f).toUpperCase();
}

// EXIF dates have no time zone: they are the camera's wall clock, so they are shown as such.
export function takenAt(s) {
  if (!s || typeof s !== 'string') return '';
  const m = s.match(/^(\d{4})[:-](\d{2})[:-](\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/);
  if (!m) return s;
  const [, y, mo, d, hh, mi] = m.map(Number);
  if (!y || mo < 1 || mo > 12 || d < 1 || d > 31) return s;
  const date = new Date(y, mo - 1, d, hh, mi);
  try {
    return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
  } catch {
    return date.toLocaleString();
  }
}

export function relativeTime(iso) {
  const t = Date.parse(iso);
  if (!isFinite(t)) return '';
  const secs = Math.round((t - Date.now()) / 1000);
  const abs = Math.abs(secs);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  if (abs < 60) return rtf.format(secs, 'second');
  if (abs < 3600) return rtf.format(Math.round(secs / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(secs / 3600), 'hour');
  return rtf.format(Math.round(secs / 86400), 'day');
}

export function camera(c) {
  if (!c) return '';
  const make = (c.make || '').trim();
  const model = (c.model || '').trim();
  if (make && model.toLowerCase().startsWith(make.toLowerCase())) return model;
  return [make, model].filter(Boolean).join(' ');
}

// Returns { text, href } for a GPS fix, or null. The link is a geo: URI (RFC 5870), which phones
// open in their own map app; nothing is fetched from a map service.
export function gps(g) {
  if (!g || typeof g.lat !== 'number' || typeof g.lon !== 'number') return null;
  if (!isFinite(g.lat) || !isFinite(g.lon) || Math.abs(g.lat) > 90 || Math.abs(g.lon) > 180) return null;
  const lat = `${Math.abs(g.lat).toFixed(5)}° ${g.lat >= 0 ? 'N' : 'S'}`;
  const lon = `${Math.abs(g.lon).toFixed(5)}° ${g.lon >= 0 ? 'E' : 'W'}`;
  return { text: `${lat}, ${lon}`, href: `geo:${g.lat.toFixed(6)},${g.lon.toFixed(6)}` };
}
