// app.js — wires the page: picking, dropping and pasting files into the batch queue (uploads.js),
// following each job to its end, the gallery (newest first, older pages as the visitor scrolls),
// the viewer (viewer.js), the owner's select-and-delete and download of everything, the access
// token.

import * as api from './api.js';
import * as fmt from './format.js';
import { Card, viewVariant } from './cards.js';
import { startModeration } from './moderation.js';
import { UploadQueue } from './uploads.js';
import { createViewer } from './viewer.js';

const $ = (id) => document.getElementById(id);
const els = {
  input: $('file-input'), dropzone: $('dropzone'), veil: $('drag-veil'), cards: $('cards'),
  empty: $('empty'), more: $('load-more'), moreBox: $('more'), count: $('gallery-count'), notice: $('notice'),
  announcer: $('announcer'), tokenPanel: $('token-panel'), tokenForm: $('token-form'),
  tokenInput: $('token-input'), tokenClear: $('token-clear'), galleryHeading: $('gallery-heading'),
  batch: $('batch'), batchText: $('batch-text'), batchProgress: $('batch-progress'), cancelAll: $('cancel-all'),
  tools: $('gallery-tools'), selectToggle: $('select-toggle'), selectionBar: $('selection-bar'),
  selectionCount: $('selection-count'), selectAll: $('select-all'), deleteSelected: $('delete-selected'),
  selectDone: $('select-done'), sizeLimit: $('size-limit'),
};

const PAGE = 24;
const byJob = new Map();      // job id -> Card
const items = new Map();      // Card -> its upload queue item
let nextCursor = '';          // the owner's gallery: the list API's cursor
let mineLeft = null;          // a guest's gallery: the remembered ids not shown yet
let loading = null;           // the page being loaded, if any
let maxUploadBytes = 0;       // from GET /api/event (--max-upload-mb)

// --moderate (GET /api/event): the owner's gallery shows approved photos; the rest wait in the
// moderation panel (moderation.js).
let moderated = false;
let moderation = null;

// A guest (joined through a guest link) may not list or delete: known once listing says 403.
let guest = false;
let listed = false;           // listing worked: this browser may see (and delete) everything

const handlers = {
  activate: (card) => (selecting ? toggleSelected(card) : viewer.open(card)),
  retry: (card) => { card.fromFile(card.file); queue.retry(items.get(card)); },
  dismiss: (card) => { focusAfterRemoval(card); items.delete(card); card.destroy(); refreshCounts(); },
  cancel: (card) => { const item = items.get(card); if (item) queue.cancel(item); },
};

// ---- announcements and notices ---------------------------------------------------------------

function announce(text) {
  // Re-setting the same text is not announced; clear first.
  els.announcer.textContent = '';
  requestAnimationFrame(() => { els.announcer.textContent = text; });
}

function showNotice(text) {
  els.notice.textContent = text;
  els.notice.hidden = !text;
}

function handleAuthError(err) {
  if (api.grantMode) return false;   // an upload link: no token to ask for
  if (err && (err.status === 401 || err.status === 403)) {
    showNotice(`${err.message}. Paste it under “Access token” at the top of the page.`);
    els.tokenPanel.open = true;
    return true;
  }
  return false;
}

function refreshCounts() {
  const n = els.cards.children.length;
  els.empty.hidden = n > 0;
  els.count.textContent = n ? `${n} shown` : '';
  els.tools.hidden = !listed || guest || api.grantMode;
}

// ---- uploading: the batch queue and the overall bar --------------------------------------------

const queue = new UploadQueue({
  send: api.sendFile,
  reachable: api.reachable,
  onChange: (item, progress) => {
    const card = item.card;
    if (item.state === 'cancelled') {
      focusAfterRemoval(card);
      items.delete(card);
      card.destroy();
      refreshCounts();
    } else if (progress) {
      card.setProgress(progress.loaded, progress.total);
    } else if (item.state === 'queued' || item.state === 'uploading' || item.state === 'waiting') {
      card.setUploadState(item.state);
    }
    drawBatch();
  },
  onAccepted: (item, job) => {
    items.delete(item.card);
    item.card.setProgress(item.file.size, item.file.size);
    api.rememberMine(job.id);
    adopt(item.card, job);
    announce(`${item.card.name} uploaded`);
  },
  onRefused: (item, err) => {
    handleAuthError(err);
    item.card.setRefused(err.message, item.retryable);
    announce(`${item.card.name}: ${err.message}`);
  },
  onOffline: (away) => {
    if (away) announce('The server cannot be reached; your photos wait and go as soon as it is back');
    else if (queue.busy()) announce('The server is back; uploading');
  },
});

let batchHideTimer = null;
function drawBatch() {
  const t = queue.totals();
  clearTimeout(batchHideTimer);
  if (!t.total) {
    els.batch.hidden = true;
    return;
  }
  els.batch.hidden = false;
  const left = t.bytesLeft ? ` · ${fmt.bytes(t.bytesLeft)} left` : '';
  const words = t.offline ? ' · waiting for the server' : '';
  els.batchText.textContent = t.open ? `${t.done} of ${t.total}${left}${words}` : `${t.done} of ${t.total} uploaded`;
  els.batchProgress.value = Math.round((t.done / t.total) * 100);
  els.batch.dataset.offline = t.offline ? '1' : '';
  els.cancelAll.hidden = !t.open;
  if (!t.open) batchHideTimer = setTimeout(() => { els.batch.hidden = true; }, 4000);
}

function addFiles(fileList) {
  let files = Array.from(fileList || []);
  if (!files.length) return;
  showNotice('');
  if (api.grantMode && files.length > 1) {
    files = files.slice(0, 1);
    showNotice('This upload link takes one file: only the first was sent.');
  }
  announce(files.length === 1 ? `Uploading ${files[0].name || 'one image'}` : `Uploading ${files.length} files`);
  // The batch goes on top of the gallery (newest first), in the order chosen, and uploads in it.
  const cards = [];
  for (const file of files) {
    const tooLarge = maxUploadBytes && file.size > maxUploadBytes;
    const card = new Card(handlers).fromFile(file, { preview: !tooLarge });
    cards.push(card);
    if (tooLarge) {
      card.setRefused(`Too large: ${fmt.bytes(file.size)}, this server takes up to ${fmt.bytes(maxUploadBytes)}`, false);
      continue;
    }
    items.set(card, queue.add(file, card));
  }
  els.cards.prepend(...cards.map((c) => c.el));
  queue.pump();
  refreshCounts();
}

els.cancelAll.addEventListener('click', () => {
  queue.cancelAll();
  announce('Uploads cancelled');
});

// Binds a card to its job and follows the job until it ends.
function adopt(card, job) {
  const other = byJob.get(job.id);
  if (other && other !== card) other.destroy();   // the same job listed twice
  byJob.set(job.id, card);
  card.setJob(job);
  card.setSelected(selected.has(card));
  follow(card);
}

async function follow(card) {
  if (api.TERMINAL.has(card.job.status)) return;
  card.abort = new AbortController();
  try {
    const last = await api.followJob(card.job, (job) => card.setJob(job), card.abort.signal,
      (away) => card.setServerAway(away));
    card.setServerAway(false);
    if (last.status === 'COMPLETED') announce(`${card.name} is ready`);
    if (last.status === 'FAILED') announce(`${card.name} failed: ${(last.error && last.error.message) || 'could not process'}`);
  } catch (err) {
    card.setServerAway(false);
    if (handleAuthError(err)) return;
    if (api.grantMode && err.status === 401) {   // the upload link may upload, not watch
      card.say('Uploaded');
      return;
    }
    if (err.status === 404) {          // deleted elsewhere
      byJob.delete(card.job.id);
      card.destroy();
      refreshCounts();
    } else {
      card.say(err.message);
    }
  }
}

// ---- gallery: newest first, older pages as the visitor scrolls ---------------------------------

function hasMore() {
  return guest ? !!(mineLeft && mineLeft.length) : !!nextCursor;
}

// Loads the next older page (the first when nothing is shown); resolves true if it added photos.
function loadMore() {
  if (!loading) {
    const before = els.cards.children.length;
    loading = (guest ? loadMine() : loadPage(nextCursor)).then(() => els.cards.children.length > before)
      .finally(() => {
        loading = null;
        els.more.hidden = !hasMore();
        refreshCounts();
        // Still at the bottom (a tall screen, or a fast scroll): the next page at once.
        if (hasMore() && nearBottom()) loadMore();
      });
  }
  return loading;
}

// How far below the screen the next page starts loading.
const AHEAD_PX = 300;
function nearBottom() {
  return els.moreBox.getBoundingClientRect().top < window.innerHeight + AHEAD_PX;
}

async function loadPage(cursor) {
  els.more.disabled = true;
  try {
    const page = await api.listJobs(cursor, PAGE, moderated ? 'approved' : '');
    listed = true;
    for (const job of page.jobs || []) {
      if (byJob.has(job.id)) continue;
      const card = new Card(handlers);
      els.cards.append(card.el);
      adopt(card, job);
    }
    nextCursor = page.next || '';
    if (moderated && !moderation) {
      moderation = startModeration({
        onApproved: (job) => {
          if (byJob.has(job.id)) return;
          const card = new Card(handlers);
          els.cards.prepend(card.el);
          adopt(card, job);
          refreshCounts();
          announce(`${job.filename || 'photo'} approved`);
        },
        onHidden: (job) => { announce(`${job.filename || 'photo'} hidden`); },
        onError: (err) => { if (!handleAuthError(err)) showNotice(err.message); },
      });
    }
  } catch (err) {
    if (err.status === 403 && !cursor) {
      guest = true;
      mineLeft = api.mine().reverse();
      await loadMine();   // a guest: its own uploads only
    } else if (!handleAuthError(err)) {
      showNotice(`Could not load earlier photos. ${err.message}.`);
    }
  } finally {
    els.more.disabled = false;
  }
}

// A guest's gallery: the jobs this browser uploaded, newest first, a page at a time; forgotten
// ones are dropped.
async function loadMine() {
  const ids = mineLeft.splice(0, PAGE).filter((id) => !byJob.has(id));
  const jobs = await Promise.all(ids.map((id) => api.getJob(id).catch(() => null)));
  for (const job of jobs) {
    if (!job || byJob.has(job.id)) continue;   // deleted, or from another guest session
    const card = new Card(handlers);
    els.cards.append(card.el);
    adopt(card, job);
  }
}

new IntersectionObserver((entries) => {
  if (entries.some((e) => e.isIntersecting) && hasMore()) loadMore();
}, { rootMargin: `0px 0px ${AHEAD_PX}px 0px` }).observe(els.moreBox);
els.more.addEventListener('click', () => loadMore());

// ---- the viewer ---------------------------------------------------------------------------------

const readyCards = () => [...els.cards.children]
  .map((li) => cardOf(li)).filter((c) => c && c.state === 'COMPLETED' && viewVariant(c.job));

function cardOf(li) {
  const id = li.dataset.jobId;
  return id ? byJob.get(id) : null;
}

const viewer = createViewer({
  photos: readyCards,
  more: { load: loadMore, possible: hasMore },
  owner: () => listed && !guest,
  canHide: () => listed && !guest && moderated,
  remove: (card) => deleteCard(card),
  hide: (card) => hideCard(card),
  copy: copyText,
});

// Off the wall and the gallery (it moves to the moderation panel's hidden photos).
async function hideCard(card) {
  try {
    await api.moderate(card.job.id, 'hide');
  } catch (err) {
    handleAuthError(err);
    return false;
  }
  dropCard(card);
  announce(`${card.name} hidden`);
  if (moderation) moderation.refresh();
  return true;
}

async function deleteCard(card) {
  try {
    await api.deleteImage(card.job.id);
  } catch (err) {
    if (err.status !== 404) {
      handleAuthError(err);
      return false;
    }
  }
  dropCard(card);
  announce(`${card.name} deleted`);
  return true;
}

function dropCard(card) {
  byJob.delete(card.job.id);
  selected.delete(card);
  focusAfterRemoval(card);
  card.destroy();
  refreshCounts();
}

function focusAfterRemoval(card) {
  if (!card.el.contains(document.activeElement)) return;
  const neighbour = card.el.nextElementSibling || card.el.previousElementSibling;
  const target = neighbour && neighbour.querySelector('button, a[href]');
  (target || els.galleryHeading).focus();
}

// Clipboard API needs https or localhost; phones on the event Wi-Fi use plain http.
async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); return true; } catch { /* try the old way */ }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  (document.querySelector('dialog[open]') || document.body).append(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch { ok = false; }
  area.remove();
  return ok;
}

// ---- the owner: download everything as one ZIP -------------------------------------------------

// A fresh signed link each time (a link cannot carry the token); the browser streams the archive
// to disk as it comes.
$('download-all').addEventListener('click', async () => {
  try {
    const { url } = await api.downloadLink();
    const a = document.createElement('a');
    a.href = url;
    a.download = '';
    document.body.append(a);
    a.click();
    a.remove();
    announce('Downloading every photo as one ZIP');
  } catch (err) {
    if (!handleAuthError(err)) showNotice(`Could not start the download. ${err.message}.`);
  }
});

// ---- the owner: select several, delete them ------------------------------------------------------

let selecting = false;
const selected = new Set();

function setSelecting(on) {
  selecting = on;
  document.body.classList.toggle('selecting', on);
  els.selectToggle.setAttribute('aria-pressed', String(on));
  els.selectionBar.hidden = !on;
  if (!on) selected.clear();
  for (const card of byJob.values()) card.setSelected(selected.has(card));
  drawSelection();
}

function toggleSelected(card) {
  if (!card.job) return;
  if (selected.has(card)) selected.delete(card); else selected.add(card);
  card.setSelected(selected.has(card));
  drawSelection();
}

function drawSelection() {
  const n = selected.size;
  els.selectionCount.textContent = n ? `${n} selected` : 'None selected';
  disarmDelete();
  els.deleteSelected.disabled = n === 0;
}

let deleteArm = null;
function disarmDelete() {
  clearTimeout(deleteArm);
  els.deleteSelected.dataset.armed = '';
  els.deleteSelected.textContent = selected.size ? `Delete ${selected.size}` : 'Delete';
  els.deleteSelected.classList.remove('btn-danger');
}

els.selectToggle.addEventListener('click', () => setSelecting(!selecting));
els.selectDone.addEventListener('click', () => setSelecting(false));
els.selectAll.addEventListener('click', () => {
  for (const card of byJob.values()) { selected.add(card); card.setSelected(true); }
  drawSelection();
});
// Two presses: the first arms the button for a few seconds.
els.deleteSelected.addEventListener('click', async () => {
  if (els.deleteSelected.dataset.armed !== '1') {
    els.deleteSelected.dataset.armed = '1';
    els.deleteSelected.textContent = `Delete ${selected.size} for good?`;
    els.deleteSelected.classList.add('btn-danger');
    deleteArm = setTimeout(disarmDelete, 4000);
    return;
  }
  els.deleteSelected.disabled = true;
  const cards = [...selected];
  let failed = 0;
  for (const card of cards) {
    if (!(await deleteCard(card))) failed += 1;
  }
  announce(failed ? `${cards.length - failed} deleted, ${failed} not` : `${cards.length} deleted`);
  if (failed) showNotice(`${failed} could not be deleted.`);
  setSelecting(false);
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && selecting && !document.querySelector('dialog[open]')) setSelecting(false);
});

// ---- input: picker, drag and drop, paste ------------------------------------------------------

els.input.addEventListener('change', () => {
  addFiles(els.input.files);
  els.input.value = '';
});

let dragDepth = 0;
const hasFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types || []).includes('Files');
window.addEventListener('dragenter', (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  dragDepth += 1;
  document.body.classList.add('dragging');
});
window.addEventListener('dragover', (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  e.dataTransfer.dropEffect = 'copy';
});
window.addEventListener('dragleave', (e) => {
  if (!hasFiles(e)) return;
  dragDepth = Math.max(0, dragDepth - 1);
  if (!dragDepth) document.body.classList.remove('dragging');
});
window.addEventListener('drop', (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  dragDepth = 0;
  document.body.classList.remove('dragging');
  addFiles(e.dataTransfer.files);
});

document.addEventListener('paste', (e) => {
  const t = e.target;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA')) return;
  const files = Array.from((e.clipboardData && e.clipboardData.files) || []);
  if (!files.length) return;
  e.preventDefault();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  addFiles(files.map((f, i) => (f.name && f.name !== 'image.png') ? f
    : new File([f], `pasted-${stamp}${i ? `-${i}` : ''}.${(f.type.split('/')[1] || 'png')}`, { type: f.type })));
});

// ---- access token ------------------------------------------------------------------------------

els.tokenInput.value = api.getToken();
els.tokenForm.addEventListener('submit', (e) => {
  e.preventDefault();
  api.setToken(els.tokenInput.value.trim());
  els.tokenPanel.open = false;
  showNotice('');
  announce(els.tokenInput.value ? 'Access token saved' : 'Access token cleared');
  if (!byJob.size) { guest = false; nextCursor = ''; loadMore(); }
});
els.tokenClear.addEventListener('click', () => {
  els.tokenInput.value = '';
  api.setToken('');
  announce('Access token forgotten');
});

// ---- event branding (--event-title, --event-welcome): set as text, never as HTML --------------

const eventInfo = api.eventBranding();
eventInfo.then(({ title, welcome }) => {
  if (title) {
    document.getElementById('intro-heading').textContent = title;
    document.title = `${title} · upload photos`;
  }
  if (welcome) document.querySelector('.intro .lede').textContent = welcome;
}).catch(() => { /* an older server: keep the defaults */ });

// ---- join from your phone ----------------------------------------------------------------------

const joinPanel = document.getElementById('join-panel');
joinPanel.addEventListener('toggle', async () => {
  if (!joinPanel.open || joinPanel.dataset.loaded) return;
  const img = document.getElementById('join-panel-qr');
  const text = document.getElementById('join-panel-url');
  try {
    const { links } = await api.joinLinks();
    const loopback = (h) => h === 'localhost' || h === '::1' || h.startsWith('127.');
    const link = links.find((l) => !loopback(l.host)) || links[0];
    text.textContent = link.url;
    img.src = await api.joinQrUrl(link.host);
    joinPanel.dataset.loaded = '1';
  } catch (err) {
    text.textContent = err.message;
  }
});

if (api.grantMode) {
  // The link's holder may upload one file; the gallery needs the owner's token.
  showNotice('Upload link: choose one photo, no access token needed.');
}

// The gallery's first page once it is known whether photos are moderated; the size limit.
eventInfo.then((info) => {
  moderated = !!info.moderate;
  if (info.max_upload_bytes) {
    maxUploadBytes = info.max_upload_bytes;
    els.sizeLimit.textContent = `up to ${fmt.bytes(maxUploadBytes)} each`;
  }
}, () => {}).finally(() => { if (!api.grantMode) loadMore(); });
