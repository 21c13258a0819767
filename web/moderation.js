// moderation.js — the owner's "Waiting for approval" panel (--moderate): the photos guests
// uploaded that the wall does not show yet, each with Approve and Hide, and the hidden ones with
// Restore. Keyboard: on a focused photo, `a` approves and `h` hides. The lists are re-read every
// few seconds while the page is open (the owner's browser holds a token, which EventSource cannot
// send). app.js is told what was approved or hidden, to move the card in or out of the gallery.

import * as api from './api.js';
import { h, variantByName } from './cards.js';

const REFRESH_MS = 3000;
const $ = (id) => document.getElementById(id);

// onApproved(job): the photo is now shown to everyone; onHidden(job): it no longer is.
export function startModeration({ onApproved, onHidden, onError }) {
  const panel = $('moderation');
  const pendingList = $('moderation-pending');
  const hiddenList = $('moderation-hidden');
  panel.hidden = false;

  async function decide(job, decision, item) {
    for (const b of item.querySelectorAll('button')) b.disabled = true;
    try {
      const changed = await api.moderate(job.id, decision);
      const next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      if (next) next.focus();
      if (decision === 'approve') onApproved(changed);
      else onHidden(changed);
      refresh();
    } catch (err) {
      for (const b of item.querySelectorAll('button')) b.disabled = false;
      onError(err);
    }
  }

  function itemFor(job, hidden) {
    const name = job.filename || 'photo';
    const thumb = job.status === 'COMPLETED' ? variantByName(job, 'thumb') : null;
    const item = h('li', { class: 'moderation-item', tabindex: '0', 'data-job-id': job.id,
      'aria-label': name },
    thumb ? h('img', { src: thumb.url, alt: name, width: '96', height: '96', loading: 'lazy' })
      : h('span', { class: 'moderation-wait', text: job.status === 'FAILED' ? 'Failed' : 'Processing…' }),
    h('span', { class: 'moderation-name', text: name }));
    const approve = h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-action': 'approve',
      'aria-label': `${hidden ? 'Restore' : 'Approve'} ${name}`, onclick: () => decide(job, 'approve', item) },
    hidden ? 'Restore' : 'Approve');
    const buttons = [approve];
    if (!hidden) {
      buttons.push(h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'data-action': 'hide',
        'aria-label': `Hide ${name}`, onclick: () => decide(job, 'hide', item) }, 'Hide'));
    }
    item.append(h('span', { class: 'moderation-actions' }, buttons));
    item.addEventListener('keydown', (e) => {
      if (e.target !== item || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'a') decide(job, 'approve', item);
      else if (e.key === 'h' && !hidden) decide(job, 'hide', item);
    });
    return item;
  }

  // Replaces a list's items, keeping those still there (and the focus on them).
  function fill(list, jobs, hidden) {
    const keep = new Map([...list.children].map((li) => [li.dataset.jobId, li]));
    const items = jobs.map((job) => {
      const old = keep.get(job.id);
      const ready = job.status === 'COMPLETED';
      if (old && (old.querySelector('img') !== null) === ready) return old;
      return itemFor(job, hidden);
    });
    const focused = document.activeElement;
    list.replaceChildren(...items);
    if (focused && list.contains(focused) === false && items.includes(focused)) focused.focus();
  }

  let timer = null;
  async function refresh() {
    clearTimeout(timer);
    try {
      const [pending, hidden] = await Promise.all([
        api.listJobs('', 100, 'pending'), api.listJobs('', 100, 'hidden')]);
      fill(pendingList, pending.jobs || [], false);
      fill(hiddenList, hidden.jobs || [], true);
      $('moderation-count').textContent = pending.jobs.length
        ? `${pending.jobs.length} waiting` : 'Nothing waiting';
      $('moderation-empty').hidden = pending.jobs.length > 0;
      $('moderation-hidden-panel').hidden = hidden.jobs.length === 0;
    } catch (err) {
      onError(err);
    }
    timer = setTimeout(refresh, REFRESH_MS);
  }
  refresh();
  return { refresh };
}
