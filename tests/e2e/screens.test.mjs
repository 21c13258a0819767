// Screenshots of event mode (issue 13) for people to look at, kept as test artifacts: the gallery,
// the viewer, the wall (mosaic and slideshow), the join page and the moderation view, each on a
// PHONE (390x844, touch) and a DESKTOP (1280x800), in LIGHT and DARK (prefers-color-scheme), named
// `<view>-<device>-<scheme>.png` in ARTIFACTS (fixtures.mjs). One server with --moderate: six
// photos from the owner (on the wall at once), one from a guest (waiting for approval).
// What is asserted is what the screenshots need to be worth looking at: every view has loaded its
// images, no page overflows sideways on the phone, and the join page's screenshots decode (zbarimg)
// to the guest link.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { DESKTOP, PHONE, landscape, openAs, shoot, uploadViaApi, useServerAndBrowser } from './fixtures.mjs';

const TOKEN = 'e2e-screens-owner-token-0123456789';
const CODE = 'e2e-screens-guests';
const GENEROUS_MS = 60000;

const SCENES = [
  [[62, 92, 160], [250, 190, 150], [[74, 96, 120], [40, 58, 74]]],
  [[18, 60, 82], [120, 200, 190], [[30, 90, 90], [14, 50, 54]]],
  [[120, 180, 235], [230, 240, 250], [[214, 170, 110], [180, 120, 70]]],
  [[90, 40, 90], [250, 140, 90], [[110, 50, 70], [50, 25, 45]]],
  [[20, 24, 60], [90, 70, 140], [[40, 36, 70], [20, 18, 36]]],
  [[150, 200, 230], [250, 230, 200], [[90, 140, 80], [50, 90, 50]]],
];
const photo = (i, width = 480, height = 320) => ({ name: `scene-${i + 1}.png`,
  buffer: landscape({ width, height, sky: SCENES[i][0], horizon: SCENES[i][1], sun: [255, 240, 200],
    hills: SCENES[i][2], sunX: 0.2 + 0.12 * i, seed: i + 11 }) });

async function imagesLoaded(page, selector, n) {
  await page.waitForFunction(([sel, want]) => [...document.querySelectorAll(sel)]
    .filter((i) => i.complete && i.naturalWidth > 0).length >= want, [selector, n], { timeout: GENEROUS_MS });
}

async function noSidewaysScroll(page, what) {
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width, `${what}: ${scroll} px wide in a ${width} px viewport`);
}

describe('screenshots: gallery, viewer, wall, join, moderation; phone and desktop; light and dark',
  { timeout: 240000 }, () => {
    const env = useServerAndBrowser({ log: 'server-screens.log', args: ['--token', TOKEN, '--guest-code', CODE,
      '--moderate', '--event-title', 'Anna & Ben · 12 July', '--event-welcome', 'Add your photos of the day'] });
    let key = '';

    it('has photos to show, one waiting for approval', async () => {
      await uploadViaApi(env.server.base, SCENES.map((_, i) => photo(i, i % 2 ? 320 : 480, i % 2 ? 480 : 320)),
        { token: TOKEN });
      const guest = await openAs(env.browser, env.server.base, { device: PHONE, guestCode: CODE });
      await guest.page.setInputFiles('#file-input', { name: 'from-a-guest.png', mimeType: 'image/png',
        buffer: landscape({ width: 400, height: 400, sky: [200, 120, 80], horizon: [250, 220, 160],
          sun: [255, 250, 220], hills: [[120, 70, 50], [70, 40, 30]], seed: 77 }) });
      await guest.page.locator('#cards .status-detail', { hasText: 'Waiting for the host' })
        .waitFor({ timeout: GENEROUS_MS });
      await imagesLoaded(guest.page, '#cards img.thumb-img', 1);
      await noSidewaysScroll(guest.page, 'guest gallery');
      await shoot(guest.page, 'gallery-guest-phone');
      assert.deepEqual(guest.errors, []);
      await guest.close();
      key = (await (await fetch(`${env.server.base}/api/wall`,
        { headers: { Authorization: `Bearer ${TOKEN}` } })).json()).key;
    });

    for (const [device, spec] of [['phone', PHONE], ['desktop', DESKTOP]]) {
      it(`the owner's views on a ${device}`, async () => {
        const owner = await openAs(env.browser, env.server.base, { device: spec, token: TOKEN });
        const { page } = owner;
        await imagesLoaded(page, '#cards img.thumb-img', SCENES.length);
        await imagesLoaded(page, '#moderation-pending img', 1);
        await noSidewaysScroll(page, `gallery on a ${device}`);
        await page.mouse.move(0, 0);
        await shoot(page, `gallery-${device}`, { fullPage: true });

        await page.locator('#moderation').scrollIntoViewIfNeeded();
        await shoot(page, `moderation-${device}`);

        await page.locator('#cards > li.card button.thumb').first().click();
        await imagesLoaded(page, '#viewer-img', 1);
        await noSidewaysScroll(page, `viewer on a ${device}`);
        await shoot(page, `viewer-${device}`);
        await page.keyboard.press('Escape');

        await page.locator('#select-toggle').click();
        for (const i of [0, 2]) await page.locator('#cards > li.card button.thumb').nth(i).click();
        await page.locator('#selection-count', { hasText: '2 selected' }).waitFor();
        await page.evaluate(() => window.scrollTo(0, document.getElementById('gallery-heading').offsetTop - 8));
        await shoot(page, `gallery-select-${device}`);
        await page.locator('#select-done').click();

        await page.goto(`${env.server.base}/join`);
        await imagesLoaded(page, '#join-qr', 1);
        await noSidewaysScroll(page, `join on a ${device}`);
        const joinShots = await shoot(page, `join-${device}`);
        // What a phone's camera sees on the projector: the screenshot itself decodes to the guest
        // link (Debian zbar-tools), in light and dark alike.
        const want = `${env.server.base}/?g=${CODE}`;
        for (const file of joinShots) {
          const got = execFileSync('zbarimg', ['--raw', '-q', file], { encoding: 'utf8' }).trim();
          assert.equal(got, want, `${file} decodes to ${got}`);
        }

        for (const mode of ['mosaic', 'slideshow']) {
          await page.goto(`${env.server.base}/wall?mode=${mode}&interval=600&k=${encodeURIComponent(key)}`);
          await page.waitForFunction((n) => Object.keys(window.edgepixWall.shown).length >= n,
            mode === 'mosaic' ? SCENES.length : 1, { timeout: GENEROUS_MS });
          await imagesLoaded(page, '#wall-qr', 1);
          await shoot(page, `wall-${mode}-${device}`);
        }
        assert.deepEqual(owner.errors, []);
        await owner.close();
      });
    }
  });
