// cards.js — one card per file: uploading (byte progress), refused, or a job (queued, processing,
// ready, failed). A card owns its DOM; app.js decides when it changes and what the buttons do.

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
  uploading: 'Uploading',
  PENDING: 'Queued',
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
  // handlers: { open(card), remove(card), retry(card), dismiss(card), copy(card) }
  constructor(handlers) {
    this.handlers = handlers;
    this.id = `card-${++serial}`;
    this.state = 'uploading';
    this.job = null;
    this.file = null;
    this.error = '';
    this.retryable = false;
    this.previewUrl = '';
    this.el = h('li', { class: 'card', id: this.id });
    this.media = h('div', { class: 'card-media' });
    this.title = h('h3', { class: 'card-title', id: `${this.id}-title` });
    this.status = h('p', { class: 'card-status' });
    this.progress = h('progress', { class: 'card-progress', max: '100' });
    this.facts = h('dl', { class: 'facts' });
    this.links = h('div', { class: 'card-links' });
    this.actions = h('div', { class: 'card-actions' });
    this.message = h('p', { class: 'card-message', role: 'status' });
    this.el.append(this.media, h('div', { class: 'card-body' },
      this.title, this.status, this.progress, this.facts, this.links, this.actions, this.message));
    this.el.setAttribute('aria-labelledby', this.title.id);
  }

  get name() {
    return (this.job && this.job.filename) || (this.file && this.file.name) || 'image';
  }

  fromFile(file) {
    this.file = file;
    this.state = 'uploading';
    if (file.type && file.type.startsWith('image/') && file.size < 30e6) {
      this.previewUrl = URL.createObjectURL(file);
    }
    this.render();
    this.progress.value = 0;
    this.el.dataset.progress = '0';
    this.statusDetail.textContent = `waiting to start · ${fmt.bytes(file.size)}`;
    return this;
  }

  setProgress(loaded, total) {
    const pct = total > 0 ? Math.min(100, Math.round((loaded / total) * 100)) : 0;
    this.progress.value = pct;
    this.progress.setAttribute('aria-label', `Uploading ${this.name}`);
    this.el.dataset.progress = String(pct);
    this.statusDetail.textContent = `${pct} % of ${fmt.bytes(total)}`;
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

  say(text) {
    this.message.textContent = text;
    clearTimeout(this.sayTimer);
    if (text) this.sayTimer = setTimeout(() => { this.message.textContent = ''; }, 5000);
  }

  render() {
    const job = this.job;
    this.el.dataset.state = this.state;
    this.title.textContent = this.name;
    this.title.title = this.name;
    this.renderMedia();

    this.statusDetail = h('span', { class: 'status-detail' });
    this.status.replaceChildren(h('span', { class: 'badge', text: STATE_WORDS[this.state] || this.state }),
      this.statusDetail);
    if (this.state === 'refused') {
      this.statusDetail.textContent = this.error;
    } else if (this.state === 'FAILED') {
      const e = job.error || {};
      this.statusDetail.textContent = e.message ? `Could not process: ${e.message}` : 'Could not process this image';
    } else if (this.state === 'PENDING') {
      this.statusDetail.textContent = 'Stored safely, waiting for a worker';
    } else if (this.state === 'PROCESSING') {
      this.statusDetail.textContent = 'Making the sizes';
    } else if (this.state === 'COMPLETED' && job.moderation === 'pending') {
      this.statusDetail.textContent = 'Waiting for the host to approve it';
    } else if (this.state === 'COMPLETED' && job.moderation === 'hidden') {
      this.statusDetail.textContent = 'Hidden by the host';
    } else if (this.state === 'COMPLETED' && job.updated_at) {
      this.statusDetail.textContent = fmt.relativeTime(job.updated_at);
    }

    // Indeterminate bar while the server works; none once there is an outcome.
    if (this.state === 'uploading') {
      this.progress.hidden = false;
    } else if (this.state === 'PENDING' || this.state === 'PROCESSING') {
      this.progress.hidden = false;
      this.progress.removeAttribute('value');
      this.progress.setAttribute('aria-label', `Processing ${this.name}`);
    } else {
      this.progress.hidden = true;
    }

    this.renderFacts();
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
        'aria-label': `View ${this.name} larger`, onclick: () => this.handlers.open(this) }, under, img);
      this.media.replaceChildren(button);
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

  renderFacts() {
    const job = this.job;
    const rows = [];
    const add = (term, ...value) => { if (value.some((v) => v)) rows.push(h('dt', { text: term }), h('dd', {}, ...value)); };
    if (job) {
      const o = job.original || {};
      const size = [fmt.dimensions(o.width, o.height), fmt.formatName(o.format)].filter(Boolean).join(' · ');
      add('Image', size);
      const thumb = variantByName(job, 'thumb');
      const b = fmt.bytes(o.bytes);
      add('Bytes', thumb && b ? `${b} → ${fmt.bytes(thumb.bytes)} thumb` : b);
      const m = job.metadata || {};
      add('Taken', fmt.takenAt(m.taken_at));
      add('Camera', fmt.camera(m.camera));
      const where = fmt.gps(m.gps);
      if (where) add('Where', h('a', { href: where.href, text: where.text, title: 'Open in a map app' }));
    } else if (this.file) {
      add('Size', fmt.bytes(this.file.size));
    }
    this.facts.replaceChildren(...rows);
    this.facts.hidden = rows.length === 0;

    const variants = job && job.status === 'COMPLETED' ? job.variants || [] : [];
    if (variants.length) {
      const items = variants.map((v) => h('li', {},
        h('a', { href: v.url, target: '_blank', rel: 'noopener', text: v.name }),
        ` ${fmt.dimensions(v.width, v.height)} · ${fmt.bytes(v.bytes)}`));
      if (job.original && job.original.url) {
        items.push(h('li', {}, h('a', { href: job.original.url, target: '_blank', rel: 'noopener', text: 'original' }),
          ` ${fmt.bytes(job.original.bytes)}`));
      }
      const open = this.links.querySelector('details')?.open;
      this.links.replaceChildren(h('details', { open: !!open },
        h('summary', { text: `${variants.length} sizes` }), h('ul', { class: 'variant-list' }, items)));
    } else {
      this.links.replaceChildren();
    }
  }

  renderActions() {
    const buttons = [];
    const name = this.name;
    if (this.state === 'COMPLETED') {
      buttons.push(h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'copy',
        'aria-label': `Copy image links for ${name}`, onclick: () => this.handlers.copy(this) }, 'Copy links'));
    }
    if (this.state === 'COMPLETED' && this.handlers.canHide && this.handlers.canHide()) {
      buttons.push(h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'data-action': 'hide',
        'aria-label': `Hide ${name} from the wall`, onclick: () => this.handlers.hide(this) }, 'Hide'));
    }
    if (this.job && this.handlers.canDelete()) {
      buttons.push(h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'data-action': 'delete',
        'aria-label': `Delete ${name}`, onclick: (e) => this.confirmDelete(e.currentTarget) }, 'Delete'));
    }
    if (this.state === 'refused') {
      if (this.retryable) {
        buttons.push(h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'retry',
          'aria-label': `Try ${name} again`, onclick: () => this.handlers.retry(this) }, 'Try again'));
      }
      buttons.push(h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'data-action': 'dismiss',
        'aria-label': `Dismiss ${name}`, onclick: () => this.handlers.dismiss(this) }, 'Dismiss'));
    }
    this.actions.replaceChildren(...buttons);
    this.actions.hidden = buttons.length === 0;
  }

  // Two presses delete: the first arms the button for a few seconds.
  confirmDelete(button) {
    if (button.dataset.armed === '1') {
      button.disabled = true;
      this.handlers.remove(this);
      return;
    }
    button.dataset.armed = '1';
    button.textContent = 'Delete for good?';
    button.classList.add('btn-danger');
    button.setAttribute('aria-label', `Press again to delete ${this.name} for good`);
    clearTimeout(this.armTimer);
    this.armTimer = setTimeout(() => {
      button.dataset.armed = '';
      button.textContent = 'Delete';
      button.classList.remove('btn-danger');
      button.setAttribute('aria-label', `Delete ${this.name}`);
    }, 4000);
  }

  destroy() {
    this.dropPreview();
    clearTimeout(this.armTimer);
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
