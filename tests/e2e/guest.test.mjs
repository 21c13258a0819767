// Browser end-to-end test of event mode (issue 13, parts 1-3), against the real binary.
//
// A server with --token and --guest-code. A "phone" context (390x844, touch) opens the guest link,
// is sent on to / with its session cookie, uploads one photo and sees it processed, without the
// page ever asking for a token; after a reload its own photo is still listed (the page remembers
// what this browser uploaded: a guest may not list everything). The owner opens the owner link
// (/#token=…), which the page keeps and removes from the address bar, then /join, whose QR code
// image loads. Screenshots: guest-phone.png, join-desktop.png.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, DESKTOP, PHONE, PROJECTOR, openAs, photoSet, useServerAndBrowser } from './fixtures.mjs';
const TOKEN = 'e2e-event-owner-token-0123456789';
const CODE = 'e2e-guests-welcome';

describe('event mode: a guest phone and the owner', { timeout: 120000 }, () => {
  const env = useServerAndBrowser({ log: 'server-guest.log', args: ['--token', TOKEN, '--guest-code', CODE, '--event-title', 'E2E party'] });


  it('a guest uploads through the guest link and keeps seeing its own photo', async () => {
    const { page, context: phone, errors } = await openAs(env.browser, env.server.base, { device: PHONE, guestCode: CODE });
    assert.equal(new URL(page.url()).search, '', 'the guest code stayed in the address bar');
    await page.locator('#intro-heading', { hasText: 'E2E party' }).waitFor();
    const [photo] = photoSet();
    await page.setInputFiles('#file-input', { name: photo.name, mimeType: 'image/png', buffer: photo.buffer });
    const card = page.locator('#cards > li.card[data-job-id]');
    await card.waitFor({ timeout: 30000 });
    const jobId = await card.getAttribute('data-job-id');
    const thumbShown = () => page.waitForFunction(() => [...document.querySelectorAll('#cards img.thumb-img')]
      .some((i) => i.complete && i.naturalWidth > 0 && i.getAttribute('src').startsWith('/v/')), null, { timeout: 60000 });
    await thumbShown();
    assert.equal(await page.locator('#token-panel').evaluate((d) => d.open), false, 'the page asked for a token');

    await page.reload();
    await page.locator(`#cards > li.card[data-job-id="${jobId}"]`).waitFor({ timeout: 20000 });
    await thumbShown();
    assert.equal(await page.locator('#notice').isVisible(), false, 'a notice was shown to the guest');
    // No selecting, no deleting: not in the gallery, not in the viewer.
    assert.equal(await page.locator('#select-toggle').isVisible(), false, 'a guest was offered Select');
    assert.equal(await page.locator('#download-all').isVisible(), false, 'a guest was offered Download all');
    assert.equal(await page.locator('#selection-bar').isVisible(), false);
    await page.locator(`#cards > li.card[data-job-id="${jobId}"] button.thumb`).click();
    await page.locator('#viewer-title', { hasText: photo.name }).waitFor();
    assert.equal(await page.locator('#viewer [data-action="download"]').isVisible(), true);
    assert.equal(await page.locator('#viewer [data-action="delete"]').isVisible(), false, 'a guest was offered Delete');
    assert.equal(await page.locator('#viewer [data-action="hide"]').isVisible(), false);
    await page.keyboard.press('Escape');
    await page.screenshot({ path: path.join(ARTIFACTS, 'guest-phone.png'), fullPage: true });
    assert.deepEqual(errors, []);

    // The server agrees: the owner lists it; the guest's cookie cannot list.
    const cookies = await phone.cookies();
    const guest = cookies.find((c) => c.name === 'edgepix_guest');
    assert.ok(guest && guest.httpOnly && guest.sameSite === 'Lax', 'no HttpOnly SameSite=Lax guest cookie');
    const listed = await fetch(`${env.server.base}/api/jobs`, { headers: { Cookie: `edgepix_guest=${guest.value}` } });
    assert.equal(listed.status, 403);
    await phone.close();
  });

  it('the owner link keeps the token and /join shows the QR code', async () => {
    const { page, context: desktop } = await openAs(env.browser, env.server.base, { device: DESKTOP, token: TOKEN });
    assert.equal(await page.evaluate(() => localStorage.getItem('edgepix.token')), TOKEN);
    await page.locator('#cards > li.card[data-job-id]').first().waitFor({ timeout: 20000 });  // the owner lists all
    await page.locator('#select-toggle').waitFor();   // and may select and delete
    await page.goto(`${env.server.base}/join`);
    await page.waitForFunction(() => {
      const img = document.getElementById('join-qr');
      return img.complete && img.naturalWidth > 0 && img.src.startsWith('blob:');
    }, null, { timeout: 20000 });
    const url = await page.locator('#join-url').textContent();
    assert.equal(url, `${env.server.base}/?g=${CODE}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'join-desktop.png') });
    await desktop.close();
  });
});
