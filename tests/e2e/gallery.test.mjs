// Browser end-to-end test of the gallery (issue 13, "The gallery"), against the real binary with
// --token: the owner's page on a phone (390x844, touch) pages through 30 photos as it scrolls
// (older pages come from the list API's cursor, in the API's order); the viewer steps with the
// arrow keys and a swipe and zooms with the wheel; the owner selects two photos and deletes them
// (gone from the API too), then downloads the rest as one ZIP (a signed link: the page holds a
// token, a link cannot send it). On a desktop, a batch of 7 files with the upload throttled: never more
// than SLOTS (3) uploading at once while the rest say "Queued", the overall bar counts them, one
// queued file and then all are cancelled (the server keeps none of them). Last, the server is
// stopped: a new batch's tiles say "Waiting for the server"; once it is started again (same port,
// same data) they upload and are processed without being chosen again.
// Screenshots: gallery-queue-*.png, gallery-waiting-*.png (light and dark).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { DESKTOP, PHONE, landscape, noisePng, openAs, shoot, uploadViaApi, useServerAndBrowser } from './fixtures.mjs';

const TOKEN = 'e2e-gallery-owner-token-0123456789';
const GENEROUS_MS = 60000;
const SLOTS = 3;   // web/uploads.js

const tiny = (i) => ({ name: `tiny-${String(i).padStart(2, '0')}.png`, buffer: landscape({ width: 96, height: 64,
  sky: [30 + i * 6, 90, 160], horizon: [250, 190 - i * 3, 150], sun: [255, 236, 190],
  hills: [[74, 96 + i, 120], [40, 58, 74]], sunX: 0.1 + (i % 9) / 10, seed: i + 1 }) });

describe('the gallery: paging, the viewer, select and delete, the batch queue', { timeout: 240000 }, () => {
  const env = useServerAndBrowser({ log: 'server-gallery.log', args: ['--token', TOKEN, '--max-upload-mb', '3'] });
  const owner = (url, init = {}) => fetch(`${env.server.base}${url}`,
    { ...init, headers: { Authorization: `Bearer ${TOKEN}`, ...(init.headers || {}) } });
  const listIds = async () => ((await (await owner('/api/jobs?limit=100')).json()).jobs || []).map((j) => j.id);
  let phone = null;

  it('loads older pages as the owner scrolls, newest first, in the API\'s order', async () => {
    await uploadViaApi(env.server.base, Array.from({ length: 30 }, (_, i) => tiny(i)), { token: TOKEN });
    const apiOrder = await listIds();
    assert.equal(apiOrder.length, 30);

    phone = await openAs(env.browser, env.server.base, { device: PHONE, token: TOKEN });
    const { page } = phone;
    const shown = () => page.$$eval('#cards > li.card[data-job-id]', (els) => els.map((e) => e.dataset.jobId));
    await page.waitForFunction(() => document.querySelectorAll('#cards > li.card[data-job-id]').length >= 24);
    const first = await shown();
    assert.equal(first.length, 24, 'the first page is not 24 photos (or the next one loaded without scrolling)');
    assert.deepEqual(first, apiOrder.slice(0, 24));

    await page.locator('#more').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelectorAll('#cards > li.card[data-job-id]').length === 30,
      null, { timeout: 20000 });
    assert.deepEqual(await shown(), apiOrder);
    await page.locator('#load-more').waitFor({ state: 'hidden' });   // nothing older
  });

  it('the viewer steps with the arrow keys and a swipe, and zooms', async () => {
    const { page } = phone;
    const names = await page.$$eval('#cards > li.card .card-title', (els) => els.map((e) => e.textContent));
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('#cards > li.card button.thumb').first().click();
    const at = async (i) => {
      await page.locator('#viewer-title', { hasText: names[i] }).waitFor();
      assert.equal(await page.locator('#viewer-pos').textContent(), `${i + 1} of 30`);
      await page.waitForFunction(() => {
        const img = document.getElementById('viewer-img');
        return img.complete && img.naturalWidth > 0;
      });
    };
    await at(0);
    await page.keyboard.press('ArrowRight');
    await at(1);
    await page.keyboard.press('ArrowRight');
    await at(2);
    await page.keyboard.press('ArrowLeft');
    await at(1);
    // a swipe to the left: the next photo
    const box = await page.locator('#viewer-stage').boundingBox();
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.8, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, y, { steps: 4 });
    await page.mouse.move(box.x + box.width * 0.2, y, { steps: 4 });
    await page.mouse.up();
    await at(2);
    // the wheel zooms in on the large variant, and a step shows the next one unzoomed
    await page.mouse.move(box.x + box.width / 2, y);
    await page.mouse.wheel(0, -400);
    await page.waitForFunction(() => Number(document.getElementById('viewer-img').dataset.zoom) > 1.2);
    await page.keyboard.press('ArrowRight');
    await at(3);
    assert.equal(await page.locator('#viewer-img').getAttribute('data-zoom'), '1.00');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.getElementById('viewer').open);
  });

  it('the owner selects two photos and deletes them', async () => {
    const { page } = phone;
    await page.locator('#select-toggle').click();
    const tiles = page.locator('#cards > li.card[data-job-id]');
    const ids = [await tiles.nth(1).getAttribute('data-job-id'), await tiles.nth(4).getAttribute('data-job-id')];
    for (const id of ids) await page.locator(`#cards > li.card[data-job-id="${id}"] button.thumb`).click();
    assert.equal(await page.locator('#selection-count').textContent(), '2 selected');
    assert.equal(await page.locator('#viewer').evaluate((d) => d.open), false, 'selecting opened the viewer');
    await page.locator('#delete-selected').click();
    await page.locator('#delete-selected', { hasText: 'Delete 2 for good?' }).waitFor();
    await page.locator('#delete-selected').click();
    for (const id of ids) await page.locator(`#cards > li.card[data-job-id="${id}"]`).waitFor({ state: 'detached' });
    await page.locator('#selection-bar').waitFor({ state: 'hidden' });
    for (const id of ids) assert.equal((await owner(`/api/jobs/${id}`)).status, 404);
    assert.equal((await listIds()).length, 28);
  });

  it('the owner downloads every photo as one ZIP from the page', async () => {
    const { page } = phone;
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-all').click()]);
    assert.equal(download.suggestedFilename(), 'edgepix-originals.zip');
    const zip = fs.readFileSync(await download.path());
    // The end of central directory record: its entry count.
    const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    assert.ok(eocd >= 0, 'not a ZIP');
    assert.equal(zip.readUInt16LE(eocd + 10), 28);
    assert.deepEqual(phone.errors, []);
    await phone.close();
  });

  it('uploads a batch at most 3 at a time, the rest queued; cancels one, then all', async () => {
    // Counts the tiles uploading at every change, and whether any said "Queued".
    const desk = await openAs(env.browser, env.server.base, { device: DESKTOP, token: TOKEN, init: () => {
      window.__queue = { maxUploading: 0, sawQueued: false };
      new MutationObserver(() => {
        const up = document.querySelectorAll('#cards > li.card[data-state="uploading"]').length;
        window.__queue.maxUploading = Math.max(window.__queue.maxUploading, up);
        if (document.querySelector('#cards > li.card[data-state="queued"]')) window.__queue.sawQueued = true;
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'], childList: true });
    } });
    const { page } = desk;
    await page.locator('#cards > li.card[data-job-id]').first().waitFor();
    const before = (await listIds()).length;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions',
      { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 60 * 1024 });

    const files = Array.from({ length: 7 }, (_, i) => ({ name: `queued-${i}.png`, mimeType: 'image/png',
      buffer: noisePng(200, 200, 100 + i) }));
    await page.setInputFiles('#file-input', files);
    const batch = page.locator('#cards > li.card:not([data-job-id])');
    await page.waitForFunction(() => document.querySelectorAll('#cards > li.card[data-state="uploading"]').length > 0);
    // In the order chosen, on top of the gallery.
    const names = await page.$$eval('#cards > li.card .card-title', (els) => els.slice(0, 7).map((e) => e.textContent));
    assert.deepEqual(names, files.map((f) => f.name));
    const last = page.locator('#cards > li.card', { has: page.locator('.card-title', { hasText: 'queued-6.png' }) });
    assert.equal(await last.getAttribute('data-state'), 'queued');
    assert.match(await last.locator('.card-status').innerText(), /Queued/i);
    assert.match(await page.locator('#batch-text').textContent(), /^0 of 7 · [\d.]+ KB left$/);
    await shoot(page, 'gallery-queue-desktop');

    await last.locator('[data-action="cancel"]').click();
    await last.waitFor({ state: 'detached' });
    await page.locator('#batch-text', { hasText: / of 6 / }).waitFor();
    await page.locator('#cancel-all').click();
    await batch.first().waitFor({ state: 'detached', timeout: 20000 });
    assert.equal(await batch.count(), 0, 'tiles of the cancelled batch are left');
    await cdp.send('Network.emulateNetworkConditions',
      { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    const seen = await page.evaluate(() => window.__queue);
    assert.ok(seen.maxUploading >= 1 && seen.maxUploading <= SLOTS, `${seen.maxUploading} uploading at once`);
    assert.equal(seen.sawQueued, true);
    // Nothing of the batch reached the server (each was cancelled before its last byte).
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await listIds()).length, before);
    await desk.close();
  });

  it('says "Waiting for the server" while it is stopped, and uploads once it is back', async () => {
    const desk = await openAs(env.browser, env.server.base, { device: DESKTOP, token: TOKEN });
    const { page } = desk;
    await page.locator('#cards > li.card[data-job-id]').first().waitFor();
    const start = await env.stopServer();

    const files = [tiny(40), tiny(41)].map((f) => ({ ...f, mimeType: 'image/png' }));
    await page.setInputFiles('#file-input', files);
    const waiting = page.locator('#cards > li.card[data-waiting="1"]');
    await page.waitForFunction(() => document.querySelectorAll('#cards > li.card[data-waiting="1"]').length === 2,
      null, { timeout: 20000 });
    for (let i = 0; i < 2; i += 1) assert.match(await waiting.nth(i).innerText(), /Waiting for the server/);
    await page.locator('#batch-text', { hasText: 'waiting for the server' }).waitFor();
    await shoot(page, 'gallery-waiting-desktop');

    await start();
    await page.waitForFunction((names) => names.every((n) => [...document.querySelectorAll('#cards > li.card')]
      .some((li) => li.querySelector('.card-title').textContent === n && li.dataset.state === 'COMPLETED' &&
        li.querySelector('img.thumb-img') && li.querySelector('img.thumb-img').naturalWidth > 0)),
    files.map((f) => f.name), { timeout: GENEROUS_MS });
    assert.equal(await waiting.count(), 0);
    assert.deepEqual(desk.errors, []);
    await desk.close();
  });
});
