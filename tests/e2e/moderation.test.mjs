// Browser end-to-end test of --moderate (issue 13): a "phone" (390x844, touch) uploads through the
// guest link; the photo is processed but the "projector" (1920x1080, the wall key) does not show
// it; the owner, on its page, sees it under "Waiting for approval" and presses Approve: the wall
// shows it. Hide (on the owner's gallery card) takes it off the wall again.
// Screenshots: moderation-pending.png (the owner's page with a photo waiting), moderation-phone.png.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, DESKTOP, PHONE, PROJECTOR, openAs, photoSet, useServerAndBrowser } from './fixtures.mjs';
const TOKEN = 'e2e-moderation-owner-token-0123';
const CODE = 'e2e-moderated-guests';
const GENEROUS_MS = 60000;

describe('moderation: a guest photo reaches the wall once the owner approves it', { timeout: 240000 }, () => {
  const env = useServerAndBrowser({ log: 'server-moderation.log',
    args: ['--token', TOKEN, '--guest-code', CODE, '--moderate', '--event-title', 'Moderated party'] });

  const owner = (url, init = {}) => fetch(`${env.server.base}${url}`,
    { ...init, headers: { Authorization: `Bearer ${TOKEN}`, ...(init.headers || {}) } });

  it('the owner approves on the page, the wall shows it; hiding takes it off', async () => {
    const { key } = await (await owner('/api/wall')).json();
    const projector = await openAs(env.browser, env.server.base,
      { device: PROJECTOR, path: `/wall?k=${encodeURIComponent(key)}` });
    const wall = projector.page;

    // the phone uploads one photo through the guest link
    const phone = await openAs(env.browser, env.server.base, { device: PHONE, guestCode: CODE });
    const page = phone.page;
    const [photo, ownPhoto] = photoSet();
    await page.setInputFiles('#file-input', [{ name: photo.name, mimeType: 'image/png', buffer: photo.buffer }]);
    await page.waitForFunction(() => document.querySelector('#cards > li.card[data-job-id]'), null, { timeout: GENEROUS_MS });
    const guestId = await page.locator('#cards > li.card[data-job-id]').first().getAttribute('data-job-id');
    const done = await (await owner(`/api/jobs/${guestId}?wait=30`)).json();
    let job = done;
    for (let i = 0; i < 10 && job.status !== 'COMPLETED'; i += 1) {
      job = await (await owner(`/api/jobs/${guestId}?wait=30&since=${job.version}`)).json();
    }
    assert.equal(job.status, 'COMPLETED');
    assert.equal(job.moderation, 'pending');
    await page.locator('#cards .status-detail', { hasText: 'Waiting for the host' }).waitFor({ timeout: GENEROUS_MS });
    await page.screenshot({ path: path.join(ARTIFACTS, 'moderation-phone.png') });

    // A photo the owner uploads is on the wall at once; the guest's, processed before it, is not.
    const form = new FormData();
    form.append('file', new Blob([ownPhoto.buffer], { type: 'image/png' }), ownPhoto.name);
    const up = await (await owner('/api/uploads', { method: 'POST', body: form })).json();
    const ownerId = up.jobs[0].id;
    await wall.waitForFunction((id) => id in window.edgepixWall.shown, ownerId, { timeout: GENEROUS_MS });
    assert.equal(await wall.evaluate((id) => id in window.edgepixWall.shown, guestId), false,
      'the wall shows a photo the owner has not approved');
    assert.equal(await wall.locator(`#wall-stage img[data-job-id="${guestId}"]`).count(), 0);

    // The owner's page: the photo waits for approval, not in the gallery.
    const desk = await openAs(env.browser, env.server.base, { device: DESKTOP, token: TOKEN });
    const ownerPage = desk.page;
    const waiting = ownerPage.locator(`#moderation-pending li[data-job-id="${guestId}"]`);
    await waiting.locator('img').waitFor({ timeout: GENEROUS_MS });
    await ownerPage.locator(`#cards > li.card[data-job-id="${ownerId}"]`).waitFor({ timeout: GENEROUS_MS });
    assert.equal(await ownerPage.locator(`#cards > li.card[data-job-id="${guestId}"]`).count(), 0);
    await ownerPage.screenshot({ path: path.join(ARTIFACTS, 'moderation-pending.png'), fullPage: true });

    await waiting.getByRole('button', { name: /^Approve/ }).click();
    await wall.waitForFunction((id) => id in window.edgepixWall.shown, guestId, { timeout: GENEROUS_MS });
    assert.equal(await wall.locator(`#wall-stage img[data-job-id="${guestId}"]`).count(), 1);
    await ownerPage.locator(`#cards > li.card[data-job-id="${guestId}"]`).waitFor({ timeout: GENEROUS_MS });
    assert.equal(await waiting.count(), 0);

    // Hide, from the viewer: off the wall, live.
    await ownerPage.locator(`#cards > li.card[data-job-id="${guestId}"] button.thumb`).click();
    await ownerPage.locator('#viewer-title', { hasText: photo.name }).waitFor();
    await ownerPage.locator('#viewer [data-action="hide"]').click();
    await ownerPage.locator(`#cards > li.card[data-job-id="${guestId}"]`).waitFor({ state: 'detached' });
    await wall.waitForFunction((id) => !document.querySelector(`#wall-stage img[data-job-id="${id}"]`),
      guestId, { timeout: GENEROUS_MS });
    await ownerPage.locator(`#moderation-hidden li[data-job-id="${guestId}"]`)
      .waitFor({ state: 'attached', timeout: GENEROUS_MS });   // in the closed "Hidden photos"
    assert.equal((await (await owner(`/api/jobs/${guestId}`)).json()).moderation, 'hidden');

    assert.deepEqual([...projector.errors, ...phone.errors, ...desk.errors], []);
    await desk.close();
    await phone.close();
    await projector.close();
  });
});
