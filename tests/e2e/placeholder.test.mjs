// Browser end-to-end test of the ThumbHash placeholder (issue 14), against the real binary.
//
// The browser's requests for thumbs are held back (playwright's routing) until the test lets them
// go. A photo is uploaded through the page; its job COMPLETES with `placeholder.thumbhash`; while
// the thumb request is held, the card shows the placeholder the page drew from the hash (a small
// data: PNG under a thumb <img> that has not loaded); once the thumb is let through it loads and
// the placeholder is gone. Env as in upload.test.mjs.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, openAs, photoSet, useServerAndBrowser } from './fixtures.mjs';

describe('ThumbHash placeholder on the upload page', { timeout: 120000 }, () => {
  const env = useServerAndBrowser({ log: 'server-placeholder.log' });

  it('shows the blurred placeholder while the thumb is delayed, then the thumb', async () => {
    // Nothing loaded yet: the thumb requests are held from the start.
    const { page, errors, consoleErrors } = await openAs(env.browser, env.server.base, { path: null });

    // Hold every thumb request until `release` is called.
    let release;
    const released = new Promise((resolve) => { release = resolve; });
    let held = 0;
    await page.route('**/v/*/thumb.webp', async (route) => {
      held++;
      await released;
      await route.continue();
    });

    await page.goto(`${env.server.base}/`);
    const [photo] = photoSet();
    await page.setInputFiles('#file-input', { name: photo.name, mimeType: 'image/png', buffer: photo.buffer });
    const card = page.locator('#cards > li.card[data-job-id]');
    await card.waitFor({ timeout: 30000 });
    const jobId = await card.getAttribute('data-job-id');

    // The job, once COMPLETED, carries the hash.
    const job = await (await fetch(`${env.server.base}/api/jobs/${jobId}?wait=30`)).json();
    assert.equal(job.status, 'COMPLETED');
    assert.match(job.placeholder.thumbhash, /^[A-Za-z0-9+/]+=*$/);

    // The page shows the placeholder; the thumb has not loaded (its request is held).
    const button = card.locator('button.thumb[data-placeholder="thumbhash"]');
    await button.waitFor({ timeout: 30000 });
    const before = await button.evaluate((b) => {
      const under = b.querySelector('img.thumbhash-img');
      const thumb = b.querySelector('img.thumb-img');
      return {
        under: under && under.getAttribute('src').slice(0, 22),
        underLoaded: under && under.complete && under.naturalWidth > 0,
        thumbLoaded: thumb.complete && thumb.naturalWidth > 0,
      };
    });
    assert.equal(before.under, 'data:image/png;base64,');
    assert.equal(before.underLoaded, true);
    assert.equal(before.thumbLoaded, false);
    assert.ok(held >= 1, 'the thumb request was not made');
    await page.screenshot({ path: path.join(ARTIFACTS, 'placeholder-before-thumb.png') });

    // Let the thumb through: it loads and replaces the placeholder.
    release();
    await page.waitForFunction((id) => {
      const b = document.querySelector(`#cards > li.card[data-job-id="${id}"] button.thumb`);
      const thumb = b && b.querySelector('img.thumb-img');
      return thumb && thumb.complete && thumb.naturalWidth > 0 && !b.querySelector('img.thumbhash-img');
    }, jobId, { timeout: 30000, polling: 100 });
    assert.deepEqual([...errors, ...consoleErrors], []);
  });
});
