// Browser end-to-end test of the upload page (issue 5), against the real binary.
//
// Starts `edgepix serve` on a free loopback port with a fresh data dir, drives Debian's chromium
// through playwright-core, and checks what a visitor sees: several photos uploaded through the file
// input with byte progress, then thumbnails; the large variant in the viewer; history after a reload;
// delete (gone from the API too); a text file refused in words while another file carries on; a
// file over the limit refused as too large; no
// sideways scrolling on a 390 px phone; no console errors, CSP violations or outside requests.
// Screenshots go to ARTIFACTS (fixtures.mjs), with the server's log. The server is stopped
// with SIGTERM and must exit 0 with no sanitizer report (fixtures.mjs: startServer).
//
// Run: (cd tests/e2e && npm ci) && node --test tests/e2e/
// Env: EDGEPIX_BIN (default /work/main/build/edgepix), CHROMIUM (default /usr/bin/chromium),
//      EDGEPIX_CORPUS (optional: adds a real camera JPEG with EXIF and GPS).

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, DESKTOP, landscape, noisePng, openAs, photoSet, useServerAndBrowser } from './fixtures.mjs';

const CORPUS = process.env.EDGEPIX_CORPUS || '';

let base = '';
let page = null;
let consoleErrors = [];
let outsideRequests = [];

// Tiles of this page, as the test sees them.
const cardCount = () => page.locator('#cards > li.card').count();
const cardByName = (name) => page.locator('#cards > li.card', { has: page.locator('.card-title', { hasText: name }) });

// Waits until `n` cards show a server thumbnail (a /v/ URL) that has really decoded.
async function waitForThumbnails(n, timeout = 90000) {
  await page.waitForFunction((want) => {
    const imgs = [...document.querySelectorAll('#cards img.thumb-img')];
    return imgs.filter((i) => i.complete && i.naturalWidth > 0 && i.getAttribute('src').startsWith('/v/')).length >= want;
  }, n, { timeout, polling: 100 });
}

async function jobIdsOnPage() {
  return page.$$eval('#cards > li.card[data-job-id]', (els) => els.map((e) => e.dataset.jobId).sort());
}

// The viewer's facts, once it shows `name`.
async function viewerFacts(name) {
  await page.locator('#viewer-title', { hasText: name }).waitFor();
  return page.locator('#viewer-facts').innerText();
}

describe('upload page in a real browser', { timeout: 300000 }, () => {
  // A small upload limit, so the "too large" refusal can be seen with a 4 MB file.
  const env = useServerAndBrowser({ log: 'server.log', args: ['--max-upload-mb', '3'] });

  before(async () => {
    base = env.server.base;
    // Records every upload percentage the page shows, to prove progress was reported in steps.
    const opened = await openAs(env.browser, base, { device: DESKTOP, path: null, init: () => {
      window.__progressSeen = [];
      new MutationObserver((records) => {
        for (const r of records) {
          if (r.attributeName === 'data-progress') window.__progressSeen.push(Number(r.target.dataset.progress));
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-progress'] });
    } });
    page = opened.page;
    consoleErrors = opened.errors;
    opened.page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    outsideRequests = opened.outside;
  });

  it('serves the page with a CSP, an empty gallery and a keyboard-reachable picker', async () => {
    const res = await page.goto(`${base}/`);
    assert.equal(res.status(), 200);
    const csp = res.headers()['content-security-policy'] || '';
    assert.match(csp, /default-src 'self'/, `missing or weak Content-Security-Policy: "${csp}"`);
    await page.locator('#empty').waitFor({ state: 'visible' });
    assert.equal(await page.locator('label[for="file-input"]').count(), 1);
    // Tab reaches the (visually hidden) file input within a few presses.
    let reached = false;
    for (let i = 0; i < 6 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement && document.activeElement.id === 'file-input');
    }
    assert.ok(reached, 'Tab never reached the file input');
  });

  const photos = photoSet();

  it('uploads several photos with byte progress, then shows their thumbnails and facts', async () => {
    // Slow the upload down so progress is observable (the big grainy photo takes a few seconds).
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions',
      { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 600 * 1024 });

    await page.setInputFiles('#file-input', photos.map((p) => ({ name: p.name, mimeType: 'image/png', buffer: p.buffer })));
    await page.waitForFunction((n) => document.querySelectorAll('#cards > li.card').length === n, photos.length);
    // While the big one is on its way (it is fourth: it waits for a free slot first), its tile shows
    // a determinate progress bar.
    const big = cardByName('grainy-sunset.png');
    await page.waitForFunction(() => window.__progressSeen.some((p) => p > 0 && p < 100), null, { timeout: 20000 });
    await page.waitForFunction(() => {
      const li = [...document.querySelectorAll('#cards > li.card')]
        .find((e) => e.querySelector('.card-title').textContent === 'grainy-sunset.png');
      const pct = Number(li.dataset.progress);
      return li.dataset.state === 'uploading' && pct > 0 && pct < 100;
    }, null, { timeout: 20000, polling: 50 });
    assert.equal(await big.locator('progress').isVisible(), true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'desktop-uploading.png') });

    await waitForThumbnails(photos.length);
    await cdp.send('Network.emulateNetworkConditions',
      { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    for (const p of photos) {
      const card = cardByName(p.name);
      assert.equal(await card.getAttribute('data-progress'), '100', `${p.name}: upload never reached 100 %`);
      assert.equal(await card.getAttribute('data-state'), 'COMPLETED');
      assert.equal(await card.locator('img.thumb-img').getAttribute('alt'), p.name);
      assert.equal(await card.locator('.card-overlay').isVisible(), false, `${p.name}: a ready tile still has an overlay`);
    }
    // The tiles are in the order chosen, on top (newest first).
    const names = await page.$$eval('#cards > li.card .card-title', (els) => els.map((e) => e.textContent));
    assert.deepEqual(names.slice(0, photos.length), photos.map((p) => p.name));
    const thumbSize = await page.$eval('#cards img.thumb-img', (i) => [i.naturalWidth, i.naturalHeight]);
    assert.deepEqual(thumbSize, [150, 150]);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'desktop.png'), fullPage: true });
  });

  it('opens the large variant in the viewer with its facts, steps with the arrow keys, closes with Escape', async () => {
    const card = cardByName('dawn-over-hills.png');
    await card.locator('button.thumb').click();
    await page.waitForFunction(() => {
      const img = document.getElementById('viewer-img');
      return document.getElementById('viewer').open && img.complete && img.naturalWidth > 0;
    }, null, { timeout: 20000 });
    const [src, w, h] = await page.$eval('#viewer-img', (i) => [i.getAttribute('src'), i.naturalWidth, i.naturalHeight]);
    assert.match(src, /^\/v\/.+\/large\.webp$/);
    assert.deepEqual([w, h], [1200, 800], 'large fits inside 1280x1280 without upscaling a 1200x800 photo');
    assert.equal(await page.locator('#viewer-pos').textContent(), `1 of ${photos.length}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'desktop-viewer.png') });
    // The facts of each photo, stepping through them in gallery order with the arrow key.
    for (const [i, p] of photos.entries()) {
      const facts = await viewerFacts(p.name);
      assert.match(facts, new RegExp(`${p.width} × ${p.height}`), `${p.name}: dimensions missing in "${facts}"`);
      assert.match(facts, /PNG/);
      assert.match(facts, /→ .+ thumb/, `${p.name}: original → thumb bytes missing in "${facts}"`);
      assert.equal(await page.locator('#viewer-pos').textContent(), `${i + 1} of ${photos.length}`);
      assert.match(await page.locator('#viewer-download').getAttribute('href'), /^\/o\//);
      if (i < photos.length - 1) await page.keyboard.press('ArrowRight');
    }
    await page.keyboard.press('ArrowLeft');
    await viewerFacts(photos[photos.length - 2].name);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.getElementById('viewer').open);
  });

  it('copies the large variant\'s link, and all sizes as a second choice', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await cardByName('desert-noon.png').locator('button.thumb').click();
    await viewerFacts('desert-noon.png');
    await page.locator('#viewer [data-action="copy"]').click();
    await page.locator('#viewer-message', { hasText: 'Copied the link' }).waitFor();
    const one = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(one, new RegExp(`^${base}/v/[^/]+/large\\.webp$`), `not the large variant's URL: ${one}`);
    await page.locator('#viewer [data-action="copy-all"]').click();
    await page.locator('#viewer-message', { hasText: /Copied \d+ links/ }).waitFor();
    const urls = (await page.evaluate(() => navigator.clipboard.readText())).split('\n');
    assert.ok(urls.length >= 3, `only ${urls.length} links`);
    for (const u of urls) assert.ok(u.startsWith(`${base}/v/`) || u.startsWith(`${base}/o/`), `not an absolute URL: ${u}`);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.getElementById('viewer').open);
  });

  it('keeps the history after a reload', async () => {
    const before = await jobIdsOnPage();
    assert.equal(before.length, photos.length);
    await page.reload();
    await waitForThumbnails(photos.length);
    assert.deepEqual(await jobIdsOnPage(), before);
  });

  it('deletes an image from the viewer: the tile goes, and the API and variant URLs answer 404', async () => {
    const card = cardByName('teal-evening.png');
    const id = await card.getAttribute('data-job-id');
    await card.locator('button.thumb').click();
    await viewerFacts('teal-evening.png');
    const del = page.locator('#viewer [data-action="delete"]');
    await del.click();
    await page.locator('#viewer [data-action="delete"]', { hasText: 'for good' }).waitFor();
    await del.click();
    await card.waitFor({ state: 'detached' });
    // the viewer goes on to the next photo
    assert.equal(await page.locator('#viewer').evaluate((d) => d.open), true);
    await page.keyboard.press('Escape');
    assert.equal(await cardCount(), photos.length - 1);
    assert.equal((await fetch(`${base}/api/jobs/${id}`)).status, 404);
    assert.equal((await fetch(`${base}/v/${id}/thumb.webp`)).status, 404);
    await page.reload();
    await waitForThumbnails(photos.length - 1);
    assert.equal(await cardCount(), photos.length - 1);
  });

  it('refuses a text file in words next to it, while another photo carries on', async () => {
    const extra = landscape({ width: 500, height: 500, sky: [30, 30, 60], horizon: [200, 120, 160],
      sun: [255, 240, 220], hills: [[60, 40, 80], [30, 20, 40]], sunX: 0.45, seed: 9 });
    await page.setInputFiles('#file-input', [
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('this is not a photo\n'.repeat(20)) },
      { name: 'violet-dusk.png', mimeType: 'image/png', buffer: extra },
    ]);
    const refused = cardByName('notes.txt');
    await refused.locator('.card-status', { hasText: /not an image/i }).waitFor({ timeout: 20000 });
    assert.equal(await refused.getAttribute('data-state'), 'refused');
    await waitForThumbnails(photos.length);
    assert.equal(await cardByName('violet-dusk.png').getAttribute('data-state'), 'COMPLETED');
  });

  it('says the size limit before upload and refuses a file over it as too large', async () => {
    assert.equal(await page.locator('#size-limit').textContent(), 'up to 3.0 MB each');
    const huge = noisePng(1200, 1100);
    assert.ok(huge.length > 3 * 1024 * 1024, `fixture is only ${huge.length} bytes`);
    await page.setInputFiles('#file-input', { name: 'huge-noise.png', mimeType: 'image/png', buffer: huge });
    const card = cardByName('huge-noise.png');
    await card.locator('.card-status', { hasText: /too large/i }).waitFor({ timeout: 30000 });
    assert.equal(await card.getAttribute('data-state'), 'refused');
    await card.locator('[data-action="dismiss"]').click();
    await card.waitFor({ state: 'detached' });
  });

  it('shows EXIF date, camera and GPS of a real camera photo', { skip: !CORPUS && 'EDGEPIX_CORPUS not set' }, async () => {
    const file = path.join(CORPUS, 'exif', 'gps_DSCN0010.jpg');
    await page.setInputFiles('#file-input', file);
    const card = cardByName('gps_DSCN0010.jpg');
    await card.locator('img.thumb-img').waitFor({ timeout: 60000 });
    await card.locator('button.thumb').click();
    const facts = await viewerFacts('gps_DSCN0010.jpg');
    assert.match(facts, /COOLPIX P6000/);
    assert.match(facts, /2008/);
    const geo = await page.locator('#viewer-facts a[href^="geo:"]').getAttribute('href');
    assert.match(geo, /^geo:43\.467\d+,11\.885\d+$/);
    await page.keyboard.press('Escape');
  });

  it('fits a 390 px phone without sideways scrolling', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(400);  // let colour transitions finish
    await page.screenshot({ path: path.join(ARTIFACTS, 'desktop-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForTimeout(400);
    for (const width of [390, 360]) {
      await page.setViewportSize({ width, height: 844 });
      await page.waitForTimeout(100);
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scrollWidth <= width, `page is ${scrollWidth} px wide at a ${width} px viewport`);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone.png') });
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-full.png'), fullPage: true });
  });

  it('logged no console errors, no CSP violations and loaded nothing from outside', () => {
    assert.deepEqual(outsideRequests, []);
    // The refused upload is an expected failed request; anything else is a page bug.
    const unexpected = consoleErrors.filter((e) => !/status of (413|415)/.test(e));
    assert.deepEqual(unexpected, []);
  });
});
