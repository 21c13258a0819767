// uploads.js — the batch queue. Files upload in the order they were chosen, at most SLOTS at once;
// the rest wait as "queued". Each can be cancelled, or all at once. When the server cannot be
// reached (or says it is busy) the item is not refused: the queue pauses, says it is waiting for
// the server, asks /healthz until it answers and then sends the same File objects again, so
// nothing has to be chosen twice. No DOM here: app.js draws the tiles and the overall bar from
// the callbacks and totals().

export const SLOTS = 3;

// States of an item: queued -> uploading -> done | refused | (waiting -> queued again) | cancelled.
export class UploadQueue {
  // send(file, onProgress) -> { done: Promise<job>, abort() }  (api.sendFile)
  // reachable() -> Promise<bool>                                (api.reachable)
  // onChange(item): an item's state or progress changed; onAccepted(item, job); onRefused(item, err)
  // onOffline(bool): the queue paused because the server went away, or resumed.
  constructor({ send, reachable, onChange, onAccepted, onRefused, onOffline }) {
    Object.assign(this, { send, reachable, onChange, onAccepted, onRefused, onOffline });
    this.items = [];      // the current batch, in the order chosen
    this.offline = false;
    this.probeTimer = null;
  }

  get running() { return this.items.filter((i) => i.state === 'uploading').length; }

  // Adds a file; a new batch starts when the previous one has nothing left to do.
  add(file, card) {
    if (!this.busy()) this.items = [];
    const item = { file, card, state: 'queued', loaded: 0, handle: null, retryable: false };
    this.items.push(item);
    this.onChange(item);
    return item;
  }

  busy() {
    return this.items.some((i) => i.state === 'queued' || i.state === 'uploading' || i.state === 'waiting');
  }

  // Starts the next queued items, in order, while there is a free slot and the server is there.
  pump() {
    if (this.offline) return;
    for (const item of this.items) {
      if (this.running >= SLOTS) break;
      if (item.state === 'queued') this.start(item);
    }
  }

  start(item) {
    item.state = 'uploading';
    item.loaded = 0;
    this.onChange(item);
    item.handle = this.send(item.file, (loaded, total) => {
      item.loaded = Math.min(loaded, item.file.size || total);
      this.onChange(item, { loaded, total });
    });
    item.handle.done.then((job) => {
      item.state = 'done';
      item.loaded = item.file.size;
      item.handle = null;
      this.onAccepted(item, job);
      this.onChange(item);
      this.pump();
    }, (err) => {
      item.handle = null;
      if (item.state === 'cancelled') return;
      if (err.status === 0 || err.status === 502 || err.status === 503 || err.status === 504) {
        item.state = 'waiting';     // sent again once the server answers
        item.loaded = 0;
        this.onChange(item);
        this.goOffline();
        return;
      }
      item.state = 'refused';
      item.retryable = err.status >= 500 || err.status === 401;
      this.onRefused(item, err);
      this.onChange(item);
      this.pump();
    });
  }

  goOffline() {
    if (!this.offline) {
      this.offline = true;
      this.onOffline(true);
    }
    clearTimeout(this.probeTimer);
    let delay = 1000;
    const probe = async () => {
      if (await this.reachable()) {
        this.resume();
        return;
      }
      delay = Math.min(delay * 1.5, 5000);
      this.probeTimer = setTimeout(probe, delay);
    };
    this.probeTimer = setTimeout(probe, delay);
  }

  resume() {
    clearTimeout(this.probeTimer);
    this.offline = false;
    for (const item of this.items) {
      if (item.state === 'waiting') {
        item.state = 'queued';
        this.onChange(item);
      }
    }
    this.onOffline(false);
    this.pump();
  }

  // A refused file, again (a retryable refusal: the server's own error, or a token it lacked).
  retry(item) {
    if (!this.items.includes(item)) this.items.push(item);
    item.state = 'queued';
    item.loaded = 0;
    this.onChange(item);
    this.pump();
  }

  cancel(item) {
    if (item.state === 'done' || item.state === 'cancelled') return;
    const was = item.state;
    item.state = 'cancelled';
    if (was === 'uploading' && item.handle) item.handle.abort();
    this.items = this.items.filter((i) => i !== item);
    this.onChange(item);
    if (this.offline && !this.busy()) this.resume();   // nothing left to wait for: stop asking
    this.pump();
  }

  cancelAll() {
    for (const item of [...this.items]) {
      if (item.state === 'queued' || item.state === 'uploading' || item.state === 'waiting') this.cancel(item);
    }
  }

  // For the overall bar: files in this batch, how many the server has, bytes still to send.
  totals() {
    let done = 0;
    let left = 0;
    let open = 0;
    for (const i of this.items) {
      if (i.state === 'done') done += 1;
      if (i.state === 'queued' || i.state === 'uploading' || i.state === 'waiting') {
        open += 1;
        left += Math.max(0, (i.file.size || 0) - i.loaded);
      }
    }
    const counted = this.items.filter((i) => i.state !== 'refused').length;
    return { total: counted, done, open, bytesLeft: left, offline: this.offline };
  }
}
