// Browser end-to-end test of the wall (issue 13): a "phone" (390x844, touch) joins through the
// guest link and uploads three photos; a "projector" (1920x1080) that opened /wall after the owner
// link shows each of them. The only wait is a generous one; the measured COMPLETED -> shown
// latency (the job's updated_at at COMPLETED to the wall's image load, same clock) goes to
// artifacts/wall-latency.json, timing is judged in bench/wall, not here.
// Also: the wall key alone (a browser without the token) drives a slideshow; space pauses and the
// arrows step; the wall shows no file names; a guest's cookie cannot read /api/events.
// Screenshots: wall-mosaic.png, wall-slideshow.png.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, PHONE, PROJECTOR, openAs, photoSet, useServerAndBrowser } from './fixtures.mjs';

const TOKEN = 'e2e-wall-owner-token-0123456789';
const CODE = 'e2e-wall-guests';
const GENEROUS_MS = 60000;

describe('the wall: phone uploads appear on the projector', { timeout: 240000 }, () => {
  const env = useServerAndBrowser({ log: 'server-wall.log', args: ['--token', TOKEN, '--guest-code', CODE,
    '--event-title', 'Wall party', '--event-welcome', 'Scan the code, add your photos'] });
  let wallKey = '';
  let jobIds = [];

  const owner = (url) => fetch(`${env.server.base}${url}`, { headers: { Authorization: `Bearer ${TOKEN}` } });

  it('a projector shows each photo a phone uploads through the guest link', async () => {
    const projector = await openAs(env.browser, env.server.base, { device: PROJECTOR, token: TOKEN, path: '/wall' });
    const wall = projector.page;
    const { errors } = projector;
    // the owner's browser fetched the wall key and put it in the address
    await wall.waitForFunction(() => new URLSearchParams(location.search).has('k'), null, { timeout: 20000 });
    wallKey = new URL(wall.url()).searchParams.get('k');
    const info = await (await owner('/api/wall')).json();
    assert.equal(info.key, wallKey);
    await wall.locator('#wall-title', { hasText: 'Wall party' }).waitFor();
    await wall.waitForFunction(() => {
      const img = document.getElementById('wall-qr');
      return img.complete && img.naturalWidth > 0;
    }, null, { timeout: 20000 });
    assert.equal(await wall.locator('#wall-join').isVisible(), true, 'no join QR code on the wall');
    assert.equal(await wall.evaluate(() => getComputedStyle(document.body).cursor), 'none');

    const phone = await openAs(env.browser, env.server.base, { device: PHONE, guestCode: CODE });
    const { page } = phone;
    const photos = photoSet().slice(0, 3);
    await page.setInputFiles('#file-input', photos.map((p) => ({ name: p.name, mimeType: 'image/png', buffer: p.buffer })));
    const cards = page.locator('#cards > li.card[data-job-id]');
    await page.waitForFunction(() => document.querySelectorAll('#cards > li.card[data-job-id]').length >= 3,
      null, { timeout: GENEROUS_MS });
    jobIds = await cards.evaluateAll((els) => els.map((e) => e.dataset.jobId));
    assert.equal(jobIds.length, 3);

    // each one on the wall, and when
    const latencies = [];
    for (const id of jobIds) {
      await wall.waitForFunction((jid) => jid in window.edgepixWall.shown, id, { timeout: GENEROUS_MS });
      const job = await (await owner(`/api/jobs/${id}?wait=30`)).json();
      assert.equal(job.status, 'COMPLETED');
      const shownAt = await wall.evaluate((jid) => window.edgepixWall.shown[jid], id);
      latencies.push({ id, completed_at: job.updated_at, shown_at: new Date(shownAt).toISOString(),
        latency_ms: shownAt - Date.parse(job.updated_at) });
      assert.equal(await wall.locator(`#wall-stage img[data-job-id="${id}"]`).count(), 1);
    }
    fs.writeFileSync(path.join(ARTIFACTS, 'wall-latency.json'), `${JSON.stringify(latencies, null, 2)}\n`);
    console.log(`COMPLETED -> shown on the wall (ms): ${latencies.map((l) => l.latency_ms).join(', ')}`);

    const text = await wall.evaluate(() => document.body.innerText);
    for (const p of photos) assert.ok(!text.includes(p.name), `the wall shows the file name ${p.name}`);
    await wall.waitForTimeout(1500);   // the fade-in, for the screenshot only
    await wall.screenshot({ path: path.join(ARTIFACTS, 'wall-mosaic.png') });
    assert.deepEqual(errors, []);

    // a guest's cookie does not open the event stream (it holds every job)
    const guest = (await phone.context.cookies()).find((c) => c.name === 'edgepix_guest');
    const res = await fetch(`${env.server.base}/api/events`, { headers: { Cookie: `edgepix_guest=${guest.value}` } });
    assert.equal(res.status, 403);
    await res.body?.cancel();
    await phone.close();
    await projector.close();
  });

  it('the wall key alone runs a slideshow; space pauses, arrows step', async () => {
    assert.ok(wallKey, 'the first test did not get the wall key');
    const refused = await fetch(`${env.server.base}/api/events?k=not-the-key`);
    assert.equal(refused.status, 401);
    await refused.body?.cancel();

    const tv = await openAs(env.browser, env.server.base,
      { device: PROJECTOR, path: `/wall?mode=slideshow&interval=600&k=${encodeURIComponent(wallKey)}` });
    const wall = tv.page;
    const { errors } = tv;
    await wall.waitForFunction((n) => Object.keys(window.edgepixWall.shown).length >= 1 && window.edgepixWall.events >= n,
      jobIds.length, { timeout: GENEROUS_MS });
    const current = () => wall.evaluate(() => document.querySelector('#wall-stage > .wall-tile:last-child').dataset.jobId);
    const first = await current();
    assert.ok(jobIds.includes(first));
    await wall.keyboard.press('ArrowRight');
    await wall.waitForFunction((f) => document.querySelector('#wall-stage > .wall-tile:last-child').dataset.jobId !== f,
      first, { timeout: 10000 });
    await wall.keyboard.press(' ');
    assert.equal(await wall.locator('#wall-paused').isVisible(), true);
    await wall.keyboard.press(' ');
    assert.equal(await wall.locator('#wall-paused').isVisible(), false);
    await wall.waitForTimeout(1500);   // the cross-fade, for the screenshot only
    await wall.screenshot({ path: path.join(ARTIFACTS, 'wall-slideshow.png') });
    assert.deepEqual(errors, []);
    await tv.close();
  });
});
