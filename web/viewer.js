// viewer.js — the photo viewer: the large variant of one photo with its facts and links, next and
// previous (arrow keys, the side buttons, a swipe), zoom (wheel, pinch, double-click; drag pans a
// zoomed photo), download the original, copy the large variant's link, "copy all sizes", and for
// the owner hide (--moderate) and delete. The photos it steps through are the gallery's ready
// tiles in their order, asked for on each step (app.js: photos()), so new uploads and deletions
// are seen at once.

import * as fmt from './format.js';
import { h, variantByName, viewVariant } from './cards.js';

const $ = (id) => document.getElementById(id);
const MAX_ZOOM = 6;
const SWIPE_PX = 50;

// photos(): the ready cards in gallery order; more.load(): loads the next gallery page, resolves
// true if it added any; more.possible(): there is one; owner(): may delete; canHide(): --moderate;
// remove(card) / hide(card): do it, resolve true when done; copy(text): resolves true when the
// clipboard took it.
export function createViewer({ photos, more, owner, canHide, remove, hide, copy }) {
  const dialog = $('viewer');
  const img = $('viewer-img');
  const stage = $('viewer-stage');
  const title = $('viewer-title');
  const pos = $('viewer-pos');
  const facts = $('viewer-facts');
  const sizes = $('viewer-sizes');
  const message = $('viewer-message');
  const download = $('viewer-download');
  const copyOne = $('viewer-copy');
  const copyAll = $('viewer-copy-all');
  const hideButton = $('viewer-hide');
  const deleteButton = $('viewer-delete');
  let card = null;
  let opener = null;
  let sayTimer = null;

  // ---- zoom and pan: a CSS transform on the image -------------------------------------------
  const view = { scale: 1, x: 0, y: 0 };
  function applyView() {
    img.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.scale})`;
    stage.classList.toggle('zoomed', view.scale > 1.01);
    img.dataset.zoom = view.scale.toFixed(2);
  }
  function resetView() {
    Object.assign(view, { scale: 1, x: 0, y: 0 });
    applyView();
  }
  // Zooms to `scale` keeping the stage point (cx, cy) (relative to the stage centre) still.
  function zoomAt(scale, cx, cy) {
    const s = Math.min(MAX_ZOOM, Math.max(1, scale));
    const k = s / view.scale;
    view.x = cx - (cx - view.x) * k;
    view.y = cy - (cy - view.y) * k;
    view.scale = s;
    if (s === 1) { view.x = 0; view.y = 0; }
    applyView();
  }
  function stagePoint(e) {
    const r = stage.getBoundingClientRect();
    return [e.clientX - r.left - r.width / 2, e.clientY - r.top - r.height / 2];
  }

  stage.addEventListener('wheel', (e) => {
    e.preventDefault();
    zoomAt(view.scale * Math.exp(-e.deltaY * 0.0015), ...stagePoint(e));
  }, { passive: false });
  img.addEventListener('dblclick', (e) => zoomAt(view.scale > 1.01 ? 1 : 2.5, ...stagePoint(e)));

  const pointers = new Map();   // pointerId -> {x, y}
  let gesture = null;
  stage.addEventListener('pointerdown', (e) => {
    if (e.target.closest('button')) return;
    stage.setPointerCapture(e.pointerId);
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    const pts = [...pointers.values()];
    if (pts.length === 2) {
      gesture = { kind: 'pinch', dist: Math.hypot(pts[0].x - pts[1].x, pts[0].y - pts[1].y), scale: view.scale };
    } else if (pts.length === 1) {
      gesture = { kind: view.scale > 1.01 ? 'pan' : 'swipe', x: e.clientX, y: e.clientY, vx: view.x, vy: view.y };
    }
  });
  stage.addEventListener('pointermove', (e) => {
    if (!pointers.has(e.pointerId) || !gesture) return;
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    const pts = [...pointers.values()];
    if (gesture.kind === 'pinch' && pts.length === 2) {
      const d = Math.hypot(pts[0].x - pts[1].x, pts[0].y - pts[1].y);
      const r = stage.getBoundingClientRect();
      const cx = (pts[0].x + pts[1].x) / 2 - r.left - r.width / 2;
      const cy = (pts[0].y + pts[1].y) / 2 - r.top - r.height / 2;
      zoomAt(gesture.scale * (d / gesture.dist), cx, cy);
    } else if (gesture.kind === 'pan') {
      view.x = gesture.vx + (e.clientX - gesture.x);
      view.y = gesture.vy + (e.clientY - gesture.y);
      applyView();
    }
  });
  const lift = (e) => {
    if (!pointers.has(e.pointerId)) return;
    pointers.delete(e.pointerId);
    if (gesture && gesture.kind === 'swipe' && e.type === 'pointerup') {
      const dx = e.clientX - gesture.x;
      const dy = e.clientY - gesture.y;
      if (Math.abs(dx) > SWIPE_PX && Math.abs(dx) > 1.5 * Math.abs(dy)) step(dx < 0 ? 1 : -1);
    }
    gesture = pointers.size ? { kind: 'none' } : null;
  };
  stage.addEventListener('pointerup', lift);
  stage.addEventListener('pointercancel', lift);

  // ---- showing a photo ------------------------------------------------------------------------
  function say(text) {
    message.textContent = text;
    clearTimeout(sayTimer);
    if (text) sayTimer = setTimeout(() => { message.textContent = ''; }, 5000);
  }

  function renderFacts(job) {
    const rows = [];
    const add = (term, ...value) => { if (value.some((v) => v)) rows.push(h('dt', { text: term }), h('dd', {}, ...value)); };
    const o = job.original || {};
    add('Image', [fmt.dimensions(o.width, o.height), fmt.formatName(o.format)].filter(Boolean).join(' · '));
    const thumb = variantByName(job, 'thumb');
    const b = fmt.bytes(o.bytes);
    add('Bytes', thumb && b ? `${b} → ${fmt.bytes(thumb.bytes)} thumb` : b);
    const m = job.metadata || {};
    add('Taken', fmt.takenAt(m.taken_at));
    add('Camera', fmt.camera(m.camera));
    const where = fmt.gps(m.gps);
    if (where) add('Where', h('a', { href: where.href, text: where.text, title: 'Open in a map app' }));
    add('Uploaded', fmt.relativeTime(job.created_at || job.updated_at));
    facts.replaceChildren(...rows);

    const items = (job.variants || []).map((v) => h('li', {},
      h('a', { href: v.url, target: '_blank', rel: 'noopener', text: v.name }),
      ` ${fmt.dimensions(v.width, v.height)} · ${fmt.bytes(v.bytes)}`));
    if (job.original && job.original.url) {
      items.push(h('li', {}, h('a', { href: job.original.url, target: '_blank', rel: 'noopener', text: 'original' }),
        ` ${fmt.bytes(job.original.bytes)}`));
    }
    sizes.replaceChildren(...items);
  }

  function show(next) {
    card = next;
    const job = card.job;
    const v = viewVariant(job);
    resetView();
    title.textContent = card.name;
    img.alt = card.name;
    img.src = v ? v.url : '';
    const list = photos();
    const i = list.indexOf(card);
    pos.textContent = i >= 0 ? `${i + 1} of ${list.length}` : '';
    $('viewer-prev').disabled = i <= 0;
    $('viewer-next').disabled = i < 0 || (i === list.length - 1 && !more.possible());
    renderFacts(job);
    const original = (job.original && job.original.url) || `/o/${job.id}`;
    download.href = original;
    download.setAttribute('download', card.name);
    hideButton.hidden = !canHide();
    deleteButton.hidden = !owner();
    disarm();
    say('');
  }

  async function step(delta) {
    if (!card) return;
    let list = photos();
    let i = list.indexOf(card);
    if (i < 0) return;
    if (i + delta >= list.length && more.possible()) {
      if (await more.load()) list = photos();
      i = list.indexOf(card);
    }
    const next = list[i + delta];
    if (next) show(next);
  }

  function open(c) {
    if (!viewVariant(c.job)) return;
    opener = document.activeElement;
    show(c);
    if (typeof dialog.showModal === 'function') {
      dialog.showModal();
      $('viewer-close').focus();
    } else {
      window.open(viewVariant(c.job).url, '_blank', 'noopener');
    }
  }

  function close() {
    if (dialog.open) dialog.close();
  }

  // The photo to show once the shown one is deleted or hidden: the next, else the previous.
  function gone() {
    const list = photos();
    const i = list.indexOf(card);
    return list[i + 1] || list[i - 1] || null;
  }

  // ---- actions ----------------------------------------------------------------------------------
  copyOne.addEventListener('click', async () => {
    const v = viewVariant(card.job);
    const url = new URL(v.url, location.href).href;
    say((await copy(url)) ? 'Copied the link' : `Copying is blocked here: ${url}`);
  });
  copyAll.addEventListener('click', async () => {
    const urls = (card.job.variants || []).map((v) => new URL(v.url, location.href).href);
    if (card.job.original && card.job.original.url) urls.push(new URL(card.job.original.url, location.href).href);
    if (await copy(urls.join('\n'))) {
      say(`Copied ${urls.length} links`);
    } else {
      $('viewer-sizes-panel').open = true;
      say('Copying is blocked here; the links are listed below');
    }
  });
  hideButton.addEventListener('click', async () => {
    const shown = card;
    const next = gone();
    if (await hide(shown)) {
      if (next && next !== shown) show(next); else close();
    }
  });

  // Two presses delete: the first arms the button for a few seconds.
  let armTimer = null;
  function disarm() {
    clearTimeout(armTimer);
    deleteButton.dataset.armed = '';
    deleteButton.textContent = 'Delete';
    deleteButton.classList.remove('btn-danger');
    deleteButton.disabled = false;
  }
  deleteButton.addEventListener('click', async () => {
    if (deleteButton.dataset.armed !== '1') {
      deleteButton.dataset.armed = '1';
      deleteButton.textContent = 'Delete for good?';
      deleteButton.classList.add('btn-danger');
      armTimer = setTimeout(disarm, 4000);
      return;
    }
    deleteButton.disabled = true;
    const shown = card;
    const next = gone();
    if (await remove(shown)) {
      if (next && next !== shown) show(next); else close();
    } else {
      disarm();
      say('Not deleted');
    }
  });

  $('viewer-prev').addEventListener('click', () => step(-1));
  $('viewer-next').addEventListener('click', () => step(1));
  $('viewer-close').addEventListener('click', close);
  dialog.addEventListener('click', (e) => { if (e.target === dialog) close(); });
  dialog.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'ArrowRight') { e.preventDefault(); step(1); }
    if (e.key === 'ArrowLeft') { e.preventDefault(); step(-1); }
    if (e.key === '+' || e.key === '=') zoomAt(view.scale * 1.5, 0, 0);
    if (e.key === '-') zoomAt(view.scale / 1.5, 0, 0);
  });
  dialog.addEventListener('close', () => {
    img.removeAttribute('src');
    card = null;
    if (opener && document.contains(opener)) opener.focus();
  });

  return { open, close, get current() { return card; } };
}
