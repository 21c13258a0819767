// cards.js — one square tile per file in the gallery: queued, uploading (byte progress), waiting
// for the server, refused, or a job (processing, ready, failed). Progress and state are an overlay
// on the tile; facts and links live in the viewer (viewer.js). A card owns its DOM; app.js decides
// when it changes and what a press does.

import * as fmt from './format.js';
import { thumbHashDataUrl } from './thumbhash.js';

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const STATE_WORDS = {
  queued: 'Queued',
  uploading: 'Uploading',
  waiting: 'Waiting',
  PENDING: 'Processing',
  PROCESSING: 'Processing',
  COMPLETED: 'Ready',
  FAILED: 'Failed',
  refused: 'Refused',
};

let serial = 0;

export function variantByName(job, name) {
  return (job.variants || []).find((v) => v.name === name) || null;
}

// The biggest variant there is, preferring "large": what the viewer shows.
export function viewVariant(job) {
  const vs = job.variants || [];
  return variantByName(job, 'large') ||
    vs.reduce((best, v) => (!best || (v.width || 0) > (best.width || 0) ? v : best), null);
}

export class Card {
  // handlers: { activate(card), retry(card), dismiss(card), cancel(card) }
  constructor(handlers) {
    this.handlers = handlers;
    this.id = `card-${++serial}`;
    this.state = 'queued';
    this.job = null;
    this.file = null;
    this.error = '';
    this.retryable = false;
    this.serverAway = false;
    this.selected = false;
    this.previewUrl = '';
    this.el = h('li', { class: 'card', id: this.id });
    this.media = h('div', { class: 'card-media' });
    this.title = h('h3', { class: 'card-title visually-hidden', id: `${this.id}-title` });
    this.status = h('p', { class: 'card-status' });
    this.progress = h('progress', { class: 'card-progress', max: '100' });
    this.overlay = h('div', { class: 'card-overlay' }, this.status, this.progress);
    this.cancelButton = h('button', { type: 'button', class: 'card-cancel', 'data-action': 'cancel',
      onclick: () => this.handlers.cancel(this) }, '×');
    this.actions = h('div', { class: 'card-actions' });
    this.check = h('span', { class: 'card-check', 'aria-hidden': 'true' });
    this.message = h('p', { class: 'card-message', role: 'status' });
    this.el.append(this.media, this.title, this.overlay, this.check, this.cancelButton, this.actions, this.message);
    this.el.setAttribute('aria-labelledby', this.title.id);
  }

  get name() {
    return (this.job && this.job.filename) || (this.file && this.file.name) || 'image';
  }

  // A file chosen for upload; it waits for its turn. `preview`: show the file itself meanwhile.
  fromFile(file, { preview = true } = {}) {
    this.file = file;
    this.state = 'queued';
    if (preview && !this.previewUrl && file.type && file.type.startsWith('image/') && file.size < 30e6) {
      this.previewUrl = URL.createObjectURL(file);
    }
    this.el.dataset.progress = '0';
    this.render();
    return this;
  }

  // queued | uploading | waiting (the server went away; sent again when it is back)
  setUploadState(state) {
    this.state = state;
    if (state === 'uploading') this.setProgress(0, this.file.size);
    this.render();
  }

  setProgress(loaded, total) {
    const pct = total > 0 ? Math.min(100, Math.round((loaded / total) * 100)) : 0;
    this.progress.value = pct;
    this.progress.setAttribute('aria-label', `Uploading ${this.name}`);
    this.el.dataset.progress = String(pct);
    if (this.statusDetail && this.state === 'uploading') this.statusDetail.textContent = `${pct} %`;
  }

  setJob(job) {
    this.job = job;
    this.state = job.status;
    this.el.dataset.jobId = job.id;
    this.render();
    return this;
  }

  setRefused(message, retryable) {
    this.state = 'refused';
    this.error = message;
    this.retryable = retryable;
    this.render();
  }

  // While following a job: the server cannot be reached (followJob keeps trying).
  setServerAway(away) {
    if (this.serverAway === away) return;
    this.serverAway = away;
    this.render();
  }

  setSelected(on) {
    this.selected = on;
    this.el.classList.toggle('is-selected', on);
    const button = this.media.querySelector('button.thumb');
    if (!button) return;
    if (document.body.classList.contains('selecting')) button.setAttribute('aria-pressed', String(on));
    else button.removeAttribute('aria-pressed');
  }

  say(text) {
    this.message.textContent = text;
    clearTimeout(this.sayTimer);
    if (text) this.sayTimer = setTimeout(() => { this.message.textContent = ''; }, 5000);
  }

  render() {
    const job = this.job;
    const away = this.serverAway && (this.state === 'PENDING' || this.state === 'PROCESSING');
    this.el.dataset.state = this.state;
    this.el.dataset.waiting = this.state === 'waiting' || away ? '1' : '';
    this.title.textContent = this.name;
    this.renderMedia();

    this.statusDetail = h('span', { class: 'status-detail' });
    const held = this.state === 'COMPLETED' && job && (job.moderation === 'pending' || job.moderation === 'hidden');
    this.status.replaceChildren(h('span', { class: 'badge', text: held ? 'Not on the wall' : STATE_WORDS[this.state] || this.state }),
      this.statusDetail);
    let detail = '';
    if (this.state === 'queued') {
      detail = this.file ? fmt.bytes(this.file.size) : '';
    } else if (this.state === 'uploading') {
      detail = `${this.el.dataset.progress || 0} %`;
    } else if (this.state === 'waiting' || away) {
      detail = 'Waiting for the server';
    } else if (this.state === 'refused') {
      detail = this.error;
    } else if (this.state === 'FAILED') {
      const e = job.error || {};
      detail = e.message ? `Could not process: ${e.message}` : 'Could not process this image';
    } else if (this.state === 'COMPLETED' && job.moderation === 'pending') {
      detail = 'Waiting for the host to approve it';
    } else if (this.state === 'COMPLETED' && job.moderation === 'hidden') {
      detail = 'Hidden by the host';
    }
    this.statusDetail.textContent = detail;
    this.status.title = detail;
    // A ready photo speaks for itself; anything else says what is going on, on the tile.
    this.overlay.hidden = this.state === 'COMPLETED' && !detail;

    if (this.state === 'uploading') {
      this.progress.hidden = false;
    } else if (this.state === 'PENDING' || this.state === 'PROCESSING') {
      this.progress.hidden = false;
      this.progress.removeAttribute('value');
      this.progress.setAttribute('aria-label', `Processing ${this.name}`);
    } else {
      this.progress.hidden = true;
    }

    const cancellable = this.state === 'queued' || this.state === 'uploading' || this.state === 'waiting';
    this.cancelButton.hidden = !cancellable;
    this.cancelButton.setAttribute('aria-label', `Cancel ${this.name}`);
    this.renderActions();
  }

  renderMedia() {
    const job = this.job;
    const thumb = job && job.status === 'COMPLETED' ? variantByName(job, 'thumb') || viewVariant(job) : null;
    if (thumb) {
      const current = this.media.querySelector('img.thumb-img');
      if (current && current.getAttribute('src') === thumb.url) return;
      const img = h('img', { class: 'thumb-img', src: thumb.url, alt: this.name, width: 150, height: 150,
        decoding: 'async' });
      // The job's ThumbHash, blurred, under the thumb until the thumb has loaded.
      const blur = thumbHashDataUrl(job.placeholder && job.placeholder.thumbhash);
      const under = blur ? h('img', { class: 'thumbhash-img', src: blur, alt: '' }) : null;
      img.addEventListener('load', () => {
        this.dropPreview();
        if (under) under.remove();
      }, { once: true });
      const button = h('button', { type: 'button', class: 'thumb', 'data-placeholder': blur ? 'thumbhash' : null,
        'aria-label': `View ${this.name}`, onclick: () => this.handlers.activate(this) }, under, img);
      this.media.replaceChildren(button);
      this.setSelected(this.selected);
      return;
    }
    if (this.media.firstChild && this.media.firstChild.dataset.kind === this.mediaKind()) return;
    if (this.previewUrl && this.state !== 'refused' && this.state !== 'FAILED') {
      const img = h('img', { class: 'preview-img', src: this.previewUrl, alt: '', width: 150, height: 150 });
      img.addEventListener('error', () => img.remove(), { once: true });
      this.media.replaceChildren(h('div', { class: 'thumb placeholder', 'data-kind': this.mediaKind() }, img));
    } else {
      this.dropPreview();
      this.media.replaceChildren(h('div', { class: 'thumb placeholder', 'data-kind': this.mediaKind() },
        placeholderIcon(this.state === 'refused' || this.state === 'FAILED')));
    }
  }

  mediaKind() {
    return this.state === 'refused' || this.state === 'FAILED' ? 'bad' : 'wait';
  }

  dropPreview() {
    if (this.previewUrl) URL.revokeObjectURL(this.previewUrl);
    this.previewUrl = '';
  }

  renderActions() {
    const buttons = [];
    const name = this.name;
    if (this.state === 'refused') {
      if (this.retryable) {
        buttons.push(h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'retry',
          'aria-label': `Try ${name} again`, onclick: () => this.handlers.retry(this) }, 'Retry'));
      }
      buttons.push(h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'dismiss',
        'aria-label': `Dismiss ${name}`, onclick: () => this.handlers.dismiss(this) }, 'Dismiss'));
    }
    this.actions.replaceChildren(...buttons);
    this.actions.hidden = buttons.length === 0;
  }

  destroy() {
    this.dropPreview();
    clearTimeout(this.sayTimer);
    if (this.abort) this.abort.abort();
    this.el.remove();
  }
}

function placeholderIcon(bad) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 48 48');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', 'currentColor');
  path.setAttribute('stroke-width', '2.5');
  path.setAttribute('stroke-linecap', 'round');
  path.setAttribute('d', bad
    ? 'M24 6 4 42h40L24 6Zm0 14v10m0 6v.5'
    : 'M10 12h28a4 4 0 0 1 4 4v20a4 4 0 0 1-4 4H10a4 4 0 0 1-4-4V16a4 4 0 0 1 4-4Zm-2 24 10-10 7 7 5-5 10 10');
  svg.append(path);
  return svg;
}
