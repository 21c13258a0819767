// wall.js — /wall: the newest photos, live, for a projector or a TV. Driven by one EventSource on
// /api/events (which resumes with Last-Event-ID by itself after a network loss). Two modes:
// a mosaic of the newest photos that slowly changes (default) and ?mode=slideshow&interval=6.
// Keys: f full screen, space pause, arrows step. Shows the large variant only: no GPS, no file
// names. Access: ?k=KEY (the wall key); opened without it in the owner's browser (which holds the
// token), the page asks /api/wall for the key and moves to the URL with it.
import * as api from './api.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const MODE = params.get('mode') === 'slideshow' ? 'slideshow' : 'mosaic';
const INTERVAL_MS = Math.min(600, Math.max(2, Number(params.get('interval')) || 6)) * 1000;
const KEEP = 500;         // photos kept in memory (newest first)
const MOSAIC_TILES = 12;  // 4 x 3 on 16:9

// Newest first: {id, url, seq}.
let photos = [];
let paused = false;
let cursor = 0;           // slideshow: index into photos; mosaic: next older photo to swap in
let timer = null;
let showSoon = null;
let lastRender = -Infinity;
// When each photo was first on screen (ms since the epoch), for the tests and bench/wall.
window.edgepixWall = { shown: {}, events: 0, mode: MODE };

function largeUrl(job) {
  const vs = job && Array.isArray(job.variants) ? job.variants : [];
  const v = vs.find((x) => x.name === 'large') || vs[vs.length - 1];
  return v ? v.url : '';
}

function imageFor(photo) {
  const img = new Image();
  img.alt = '';
  img.decoding = 'async';
  img.dataset.jobId = photo.id;
  img.addEventListener('load', () => {
    img.classList.add('shown');
    if (!(photo.id in window.edgepixWall.shown)) window.edgepixWall.shown[photo.id] = Date.now();
  });
  img.src = photo.url;
  return img;
}

function tile(photo) {
  const li = document.createElement('div');
  li.className = 'wall-tile';
  li.dataset.jobId = photo.id;
  li.append(imageFor(photo));
  return li;
}

const stage = $('wall-stage');
stage.classList.add(MODE);

function renderEmpty() {
  $('wall-empty').hidden = photos.length > 0;
}

// ---- mosaic ----------------------------------------------------------------------------------

function mosaicLayout() {
  const n = Math.min(photos.length, MOSAIC_TILES);
  const cols = n <= 1 ? 1 : n <= 4 ? 2 : n <= 9 ? 3 : 4;
  stage.style.setProperty('--cols', String(cols));
}

// The newest photos not on the wall yet go in front (the oldest tiles leave).
function mosaicRender() {
  const onStage = new Set([...stage.children].map((t) => t.dataset.jobId));
  const fresh = photos.slice(0, MOSAIC_TILES).filter((p) => !onStage.has(p.id));
  for (const photo of fresh.reverse()) stage.prepend(tile(photo));
  while (stage.children.length > MOSAIC_TILES) stage.lastElementChild.remove();
  mosaicLayout();
}

// Every interval one tile shows an older photo in place of the one it had: the wall keeps moving
// when nothing new arrives, and older photos get their turn.
function mosaicStep(delta) {
  const shown = new Set([...stage.children].map((t) => t.dataset.jobId));
  const older = photos.filter((p) => !shown.has(p.id));
  if (older.length === 0 || stage.children.length === 0) return;
  cursor = (cursor + (delta > 0 ? 1 : older.length - 1)) % older.length;
  const slot = stage.children[Math.floor(Math.random() * stage.children.length)];
  slot.replaceWith(tile(older[cursor]));
}

// ---- slideshow -------------------------------------------------------------------------------

function slideshowShow(index) {
  if (photos.length === 0) return;
  cursor = ((index % photos.length) + photos.length) % photos.length;
  const next = tile(photos[cursor]);
  const old = [...stage.children];
  next.querySelector('img').addEventListener('load', () => {
    for (const t of old) setTimeout(() => t.remove(), 1300);   // after the cross-fade
  });
  stage.append(next);
}

// ---- both ------------------------------------------------------------------------------------

function step(delta) {
  if (MODE === 'slideshow') slideshowShow(cursor + delta);
  else mosaicStep(delta);
}

function restartTimer() {
  clearInterval(timer);
  timer = paused ? null : setInterval(() => step(1), INTERVAL_MS);
}

function added(photo) {
  photos = [photo, ...photos.filter((p) => p.id !== photo.id)].slice(0, KEEP);
  renderEmpty();
  // shown at once; in a burst of events (a wall opened late replays the whole log) drawn at most
  // every 100 ms, so only the newest photos are fetched; the slideshow goes on from the new photo
  clearTimeout(showSoon);
  const wait = lastRender + 100 - performance.now();
  if (wait <= 0) render();
  else showSoon = setTimeout(render, wait);
}

function render() {
  lastRender = performance.now();
  if (MODE === 'slideshow') {
    slideshowShow(0);
    restartTimer();
  } else {
    mosaicRender();
  }
}

function removed(id) {
  photos = photos.filter((p) => p.id !== id);
  for (const t of [...stage.children]) if (t.dataset.jobId === id) t.remove();
  if (MODE === 'mosaic') mosaicLayout();
  else if (stage.children.length === 0) slideshowShow(cursor);
  renderEmpty();
}

function onEvent(e) {
  window.edgepixWall.events += 1;
  let data;
  try { data = JSON.parse(e.data); } catch { return; }
  // deleted, or hidden by the owner (--moderate): off the wall
  if (e.type === 'deleted' || e.type === 'hidden') return removed(data.id);
  const url = largeUrl(data.job);
  if (url) added({ id: data.id, url, seq: data.seq });
}

function connect(key) {
  // from the start of the log, so the wall shows what was uploaded before it was opened; after a
  // reconnect the browser's Last-Event-ID takes over
  const query = new URLSearchParams({ after: '0' });
  if (key) query.set('k', key);
  const source = new EventSource(`/api/events?${query}`);
  source.addEventListener('completed', onEvent);
  source.addEventListener('deleted', onEvent);
  // --moderate: a guest's photo comes on when the owner approves it, goes off when hidden
  source.addEventListener('approved', onEvent);
  source.addEventListener('hidden', onEvent);
  source.addEventListener('open', () => { $('wall-error').hidden = true; });
  source.addEventListener('error', () => {
    // EventSource retries by itself; say so while it does
    $('wall-error').textContent = source.readyState === EventSource.CLOSED
      ? 'The wall cannot read the photos: open it from the owner link, or with its key'
      : 'Waiting for the server…';
    $('wall-error').hidden = false;
  });
}

function branding() {
  api.eventBranding().then(({ title, welcome }) => {
    $('wall-title').textContent = title || '';
    $('wall-welcome').textContent = welcome || '';
    $('wall-brand').hidden = !title && !welcome;
  }).catch(() => {});
}

function joinCode(key) {
  const img = $('wall-qr');
  img.addEventListener('load', () => { $('wall-join').hidden = false; });
  img.addEventListener('error', () => { $('wall-join').hidden = true; });   // no guests, or no access
  img.src = key ? `/api/join.svg?k=${encodeURIComponent(key)}` : '/api/join.svg';
}

// The wall key: from the address, or (in the owner's browser) from /api/wall.
async function wallKey() {
  if (params.has('k')) return params.get('k');
  if (!api.getToken()) return '';
  try {
    const { key } = await api.wallInfo();
    if (key) {
      params.set('k', key);
      history.replaceState(null, '', `${location.pathname}?${params}`);
    }
    return key;
  } catch {
    return '';
  }
}

document.addEventListener('keydown', (e) => {
  if (e.key === 'f' || e.key === 'F') {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else document.documentElement.requestFullscreen().catch(() => {});
  } else if (e.key === ' ') {
    e.preventDefault();
    paused = !paused;
    $('wall-paused').hidden = !paused;
    restartTimer();
  } else if (e.key === 'ArrowRight' || e.key === 'ArrowDown') {
    step(1);
    restartTimer();
  } else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') {
    step(-1);
    restartTimer();
  }
});

async function main() {
  renderEmpty();
  branding();
  const key = await wallKey();
  joinCode(key);
  connect(key);
  restartTimer();
}

main();
