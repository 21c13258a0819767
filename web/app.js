// app.js — wires the page: picking, dropping and pasting files, one upload per file, following each
// job to its end, the gallery of recent uploads, the viewer, the access token.

import * as api from './api.js';
import { Card, viewVariant } from './cards.js';
import { startModeration } from './moderation.js';

const $ = (id) => document.getElementById(id);
const els = {
  input: $('file-input'), dropzone: $('dropzone'), veil: $('drag-veil'), cards: $('cards'),
  empty: $('empty'), more: $('load-more'), count: $('gallery-count'), notice: $('notice'),
  announcer: $('announcer'), viewer: $('viewer'), viewerImg: $('viewer-img'),
  viewerTitle: $('viewer-title'), viewerOpen: $('viewer-open'), viewerOriginal: $('viewer-original'),
  viewerClose: $('viewer-close'), tokenPanel: $('token-panel'), tokenForm: $('token-form'),
  tokenInput: $('token-input'), tokenClear: $('token-clear'), galleryHeading: $('gallery-heading'),
};

const byJob = new Map();      // job id -> Card
let nextCursor = '';
let viewerOpener = null;

const handlers = {
  open: openViewer,
  remove: removeCard,
  retry: (card) => startUpload(card.file, card),
  dismiss: (card) => { focusAfterRemoval(card); card.destroy(); refreshCounts(); },
  copy: copyLinks,
  canDelete: () => !guest,
  // --moderate: the owner may take a photo off the wall and the gallery
  canHide: () => !guest && moderated,
  hide: hideCard,
};

// --moderate (GET /api/event): the owner's gallery shows approved photos; the rest wait in the
// moderation panel (moderation.js).
let moderated = false;
let moderation = null;

// A guest (joined through a guest link) may not list or delete: known once listing says 403.
let guest = false;

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
}

// ---- uploading ---------------------------------------------------------------------------------

function addFiles(fileList) {
  let files = Array.from(fileList || []);
  if (!files.length) return;
  showNotice('');
  if (api.grantMode && files.length > 1) {
    files = files.slice(0, 1);
    showNotice('This upload link takes one file: only the first was sent.');
  }
  announce(files.length === 1 ? `Uploading ${files[0].name || 'one image'}` : `Uploading ${files.length} files`);
  // Newest first, like the gallery: the last file of a batch ends up on top.
  for (const file of files) startUpload(file, null);
  refreshCounts();
}

// Uploads run in parallel, each with its own request, so a refusal affects only its own card.
async function startUpload(file, existing) {
  const card = existing || new Card(handlers);
  card.fromFile(file);
  if (!existing) els.cards.prepend(card.el);
  try {
    const job = await api.uploadFile(file, (loaded, total) => card.setProgress(loaded, total),
      () => card.setProgress(0, file.size));
    card.setProgress(file.size, file.size);
    api.rememberMine(job.id);
    adopt(card, job);
    announce(`${card.name} uploaded`);
  } catch (err) {
    handleAuthError(err);
    card.setRefused(err.message, err.status === 0 || err.status >= 500 || err.status === 401);
    announce(`${card.name}: ${err.message}`);
  }
}

// Binds a card to its job and follows the job until it ends.
function adopt(card, job) {
  const other = byJob.get(job.id);
  if (other && other !== card) other.destroy();   // the same job listed twice
  byJob.set(job.id, card);
  card.setJob(job);
  follow(card);
}

async function follow(card) {
  if (api.TERMINAL.has(card.job.status)) return;
  card.abort = new AbortController();
  try {
    const last = await api.followJob(card.job, (job) => card.setJob(job), card.abort.signal);
    if (last.status === 'COMPLETED') announce(`${card.name} is ready`);
    if (last.status === 'FAILED') announce(`${card.name} failed: ${(last.error && last.error.message) || 'could not process'}`);
  } catch (err) {
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

// ---- gallery -----------------------------------------------------------------------------------

async function loadPage(cursor) {
  els.more.disabled = true;
  try {
    const page = await api.listJobs(cursor, 24, moderated ? 'approved' : '');
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
      for (const card of byJob.values()) card.renderActions();
      await loadMine();   // a guest: its own uploads only
    } else if (!handleAuthError(err)) {
      showNotice(`Could not load earlier uploads. ${err.message}.`);
    }
  } finally {
    els.more.disabled = false;
    els.more.hidden = !nextCursor;
    refreshCounts();
  }
}

// A guest's gallery: the jobs this browser uploaded (newest first); forgotten ones are dropped.
async function loadMine() {
  for (const id of api.mine().reverse()) {
    if (byJob.has(id)) continue;
    try {
      const job = await api.getJob(id);
      const card = new Card(handlers);
      els.cards.append(card.el);
      adopt(card, job);
    } catch { /* deleted, or from another guest session */ }
  }
}

// ---- card actions ------------------------------------------------------------------------------

// Off the wall and the gallery (it moves to the moderation panel's hidden photos).
async function hideCard(card) {
  try {
    await api.moderate(card.job.id, 'hide');
  } catch (err) {
    handleAuthError(err);
    card.say(`Not hidden. ${err.message}.`);
    return;
  }
  byJob.delete(card.job.id);
  focusAfterRemoval(card);
  card.destroy();
  refreshCounts();
  announce(`${card.name} hidden`);
  if (moderation) moderation.refresh();
}

async function removeCard(card) {
  const job = card.job;
  try {
    await api.deleteImage(job.id);
  } catch (err) {
    if (err.status !== 404) {
      handleAuthError(err);
      card.say(`Not deleted. ${err.message}.`);
      card.renderActions();
      return;
    }
  }
  byJob.delete(job.id);
  focusAfterRemoval(card);
  card.destroy();
  refreshCounts();
  announce(`${card.name} deleted`);
}

function focusAfterRemoval(card) {
  if (!card.el.contains(document.activeElement)) return;
  const neighbour = card.el.nextElementSibling || card.el.previousElementSibling;
  const target = neighbour && neighbour.querySelector('button, a[href]');
  (target || els.galleryHeading).focus();
}

async function copyLinks(card) {
  const urls = (card.job.variants || []).map((v) => new URL(v.url, location.href).href);
  const text = urls.join('\n');
  let ok = false;
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); ok = true; } catch { ok = false; }
  }
  if (!ok) ok = legacyCopy(text);
  if (ok) {
    card.say(`Copied ${urls.length} links`);
  } else {
    const details = card.links.querySelector('details');
    if (details) details.open = true;
    card.say('Copying is blocked here; the links are listed above');
  }
}

// Clipboard API needs https or localhost; phones on the event Wi-Fi use plain http.
function legacyCopy(text) {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.append(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch { ok = false; }
  area.remove();
  return ok;
}

// ---- viewer ------------------------------------------------------------------------------------

function openViewer(card) {
  const v = viewVariant(card.job);
  if (!v) return;
  viewerOpener = document.activeElement;
  els.viewerTitle.textContent = card.name;
  els.viewerImg.alt = card.name;
  els.viewerImg.src = v.url;
  els.viewerOpen.href = v.url;
  els.viewerOriginal.href = (card.job.original && card.job.original.url) || `/o/${card.job.id}`;
  if (typeof els.viewer.showModal === 'function') {
    els.viewer.showModal();
    els.viewerClose.focus();
  } else {
    window.open(v.url, '_blank', 'noopener');
  }
}

function closeViewer() {
  if (els.viewer.open) els.viewer.close();
}

els.viewerClose.addEventListener('click', closeViewer);
els.viewer.addEventListener('click', (e) => { if (e.target === els.viewer) closeViewer(); });
els.viewer.addEventListener('close', () => {
  els.viewerImg.removeAttribute('src');
  if (viewerOpener && document.contains(viewerOpener)) viewerOpener.focus();
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
  if (!els.cards.children.length) loadPage('');
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

els.more.addEventListener('click', () => loadPage(nextCursor));
if (api.grantMode) {
  // The link's holder may upload one file; the gallery needs the owner's token.
  showNotice('Upload link: choose one photo, no access token needed.');
}

// The gallery's first page once it is known whether photos are moderated.
if (!api.grantMode) {
  eventInfo.then((info) => { moderated = !!info.moderate; }, () => {}).finally(() => loadPage(''));
}
