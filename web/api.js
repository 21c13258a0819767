// api.js — the edgepix HTTP API as seen from the page (contract: DESIGN.md, "HTTP API").
// Every call sends the optional bearer token. Failures come back as ApiError with the HTTP status,
// the server's error code and a sentence a visitor can read.

const TOKEN_KEY = 'edgepix.token';

export function getToken() {
  try { return localStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; }
}

export function setToken(token) {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch { /* storage disabled: the token lasts for this page only */ }
  sessionToken = token;
}

let sessionToken = getToken();

// An owner link (/#token=…, printed by the server at start): keep the token, and take it out of
// the address bar so it is not bookmarked or shown on a projector.
if (location.hash.startsWith('#token=')) {
  setToken(decodeURIComponent(location.hash.slice('#token='.length)));
  history.replaceState(null, '', location.pathname + location.search);
}

// The jobs this browser uploaded, newest last: a guest (joined through a guest link, which set a
// cookie) may not list every job, only read its own.
const MINE_KEY = 'edgepix.mine';
const MINE_MAX = 500;

export function mine() {
  try { return JSON.parse(localStorage.getItem(MINE_KEY) || '[]'); } catch { return []; }
}

export function rememberMine(id) {
  try {
    const ids = mine().filter((x) => x !== id);
    ids.push(id);
    localStorage.setItem(MINE_KEY, JSON.stringify(ids.slice(-MINE_MAX)));
  } catch { /* storage disabled: remembered for this page only */ }
}

// An upload link (/?grant=…, made by an app with POST /api/upload-grants): one upload through it,
// without a token. In this mode the page sends no token at all.
const GRANT = new URLSearchParams(location.search).get('grant') || '';
export const grantMode = GRANT !== '';

function authHeaders() {
  return sessionToken && !grantMode ? { Authorization: `Bearer ${sessionToken}` } : {};
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;   // 0 when the server could not be reached
    this.code = code;
  }
}

// Words for the statuses the contract names; the server's own message is added after them.
const STATUS_WORDS = {
  400: 'The server could not read this upload',
  401: 'This server needs an access token',
  403: 'Not allowed here',
  404: 'Not found (it may have been deleted)',
  413: 'Too large for this server',
  415: 'Not an image we accept',
  422: 'This image could not be decoded',
  503: 'The server is busy, try again in a moment',
  507: 'The server has run out of disk space',
};

export function describeStatus(status) {
  if (status === 0) return 'Could not reach the server';
  return STATUS_WORDS[status] || (status >= 500 ? `Server error (${status})` : `Refused (${status})`);
}

function errorFromBody(status, text) {
  let code = '';
  let detail = '';
  try {
    const body = JSON.parse(text);
    if (body && body.error) {
      code = String(body.error.code || '');
      detail = String(body.error.message || '');
    }
  } catch { /* not JSON: keep the words for the status alone */ }
  const words = code === 'grant_invalid' ? 'This upload link cannot be used' : describeStatus(status);
  const message = detail && detail.toLowerCase() !== words.toLowerCase() ? `${words}: ${detail}` : words;
  return new ApiError(status, code, message);
}

async function request(method, url, { signal, body } = {}) {
  let res;
  try {
    res = await fetch(url, { method, headers: { Accept: 'application/json', ...authHeaders() }, signal, body });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', describeStatus(0));
  }
  const text = await res.text();
  if (!res.ok) throw errorFromBody(res.status, text);
  return text ? JSON.parse(text) : null;
}

// Sends one file with real byte progress; the batch queue (uploads.js) decides when.
// Returns { done, abort }: done resolves with the job or rejects with ApiError (status 0: the
// server could not be reached; code 'aborted' after abort()).
export function sendFile(file, onProgress) {
  let xhr = null;
  const done = new Promise((resolve, reject) => {
    xhr = send(file, onProgress, resolve, reject);
  });
  return { done, abort: () => xhr.abort() };
}

// True when the server answers its health check (used to resume after it went away).
export async function reachable() {
  try {
    const res = await fetch('/healthz', { cache: 'no-store' });
    return res.ok;
  } catch {
    return false;
  }
}

function send(file, onProgress, resolve, reject) {
  const xhr = new XMLHttpRequest();
  xhr.open('POST', grantMode ? `/api/uploads?grant=${encodeURIComponent(GRANT)}` : '/api/uploads');
  xhr.responseType = 'text';
  xhr.setRequestHeader('Accept', 'application/json');
  for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
  xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); };
  xhr.onload = () => {
    if (xhr.status === 202 || xhr.status === 200 || xhr.status === 201) {
      try {
        const body = JSON.parse(xhr.responseText);
        const job = body && Array.isArray(body.jobs) ? body.jobs[0] : null;
        if (job && job.id) { resolve(job); return; }
      } catch { /* fall through */ }
      reject(new ApiError(xhr.status, 'bad_response', 'The server answered, but not with a job'));
      return;
    }
    reject(errorFromBody(xhr.status, xhr.responseText));
  };
  xhr.onerror = () => reject(new ApiError(0, 'network', describeStatus(0)));
  xhr.ontimeout = xhr.onerror;
  xhr.onabort = () => reject(new ApiError(0, 'aborted', 'Cancelled'));
  const form = new FormData();
  form.append('file', file, file.name || 'pasted-image');
  xhr.send(form);
  return xhr;
}

export const TERMINAL = new Set(['COMPLETED', 'FAILED']);

// A browser keeps about six connections per server. Long-polls hold one each for up to the wait, so
// only a few jobs long-poll at a time; the others ask briefly every POLL_MS. This leaves room for
// uploads and thumbnails when a visitor drops twenty photos at once.
const LONG_POLL_SLOTS = 2;
const POLL_MS = 1500;
let freeSlots = LONG_POLL_SLOTS;

// Follows one job until it is COMPLETED or FAILED, calling onChange(job) for every new version.
// Retries with backoff when the connection drops; stops (rejecting) on 4xx such as 404.
// If the server answers at once without waiting, it degrades to polling about once a second.
// onWaiting(true) when the server cannot be reached (it keeps trying), onWaiting(false) once it can.
export async function followJob(job, onChange, signal, onWaiting = () => {}) {
  let current = job;
  let backoff = 500;
  while (!TERMINAL.has(current.status)) {
    if (signal && signal.aborted) return current;
    const long = freeSlots > 0;
    if (long) freeSlots -= 1;
    const started = Date.now();
    const id = encodeURIComponent(current.id);
    const url = long ? `/api/jobs/${id}?wait=25&since=${encodeURIComponent(current.version)}` : `/api/jobs/${id}`;
    let next;
    try {
      next = await request('GET', url, { signal });
      if (backoff > 500) onWaiting(false);
      backoff = 500;
    } catch (err) {
      if (err.name === 'AbortError') return current;
      if (err.status >= 400 && err.status < 500) throw err;
      onWaiting(true);
      await sleep(backoff, signal);
      backoff = Math.min(backoff * 2, 4000);
      continue;
    } finally {
      if (long) freeSlots += 1;
    }
    if (next && next.version !== current.version) {
      current = next;
      onChange(current);
    } else if (!long) {
      await sleep(POLL_MS, signal);
    } else if (Date.now() - started < 900) {
      await sleep(1000, signal);
    }
  }
  return current;
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    if (signal) signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

// moderation: '' for every job, or 'pending' / 'approved' / 'hidden' (--moderate).
export function listJobs(cursor, limit = 24, moderation = '') {
  const q = new URLSearchParams({ limit: String(limit) });
  if (cursor) q.set('cursor', cursor);
  if (moderation) q.set('moderation', moderation);
  return request('GET', `/api/jobs?${q}`);
}

export function getJob(id) {
  return request('GET', `/api/jobs/${encodeURIComponent(id)}`);
}

// The event's branding: {title, welcome}, plain text ('' when unset).
export function eventBranding() {
  return request('GET', '/api/event');
}

// Where the wall is, with its key (owner): {url, key}.
export function wallInfo() {
  return request('GET', '/api/wall');
}

// The guest links, one per address the server is reachable at: {links:[{host, url}]}.
export function joinLinks() {
  return request('GET', '/api/join');
}

// The QR code of one guest link, as an object URL for an <img> (the call needs the token).
export async function joinQrUrl(host) {
  let res;
  try {
    const query = host ? `?host=${encodeURIComponent(host)}` : '';
    res = await fetch(`/api/join.svg${query}`, { headers: authHeaders() });
  } catch {
    throw new ApiError(0, 'network', describeStatus(0));
  }
  if (!res.ok) throw errorFromBody(res.status, await res.text());
  return URL.createObjectURL(await res.blob());
}

// The owner's decision on a photo (--moderate): 'approve' or 'hide'. Resolves with the job.
export function moderate(id, decision) {
  return request('POST', `/api/images/${encodeURIComponent(id)}/${decision}`, { body: '' });
}

// Links to the ZIP of every photo that need no token (signed for a while): {url, large_url}.
export function downloadLink() {
  return request('GET', '/api/download-link');
}

export function deleteImage(id) {
  return request('DELETE', `/api/images/${encodeURIComponent(id)}`);
}
