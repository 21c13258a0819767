// Browser end-to-end test of an upload link (issue 12, part 3), against the real binary.
//
// A server with --token and --private; an app (this test, with the token) makes a batch and an
// upload grant; a browser with no token opens the page at /?grant=…, picks one photo, and it is
// accepted (202) into the grant's batch without the page ever asking for a token. A second file on
// the same link is refused in words (the link is used). Env as in upload.test.mjs.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, DESKTOP, PHONE, PROJECTOR, openAs, photoSet, useServerAndBrowser } from './fixtures.mjs';
const TOKEN = 'e2e-grant-token-0123456789';

describe('upload page through an upload link', { timeout: 120000 }, () => {
  const env = useServerAndBrowser({ log: 'server-grant.log', args: ['--token', TOKEN, '--private'] });
  const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };


  it('uploads one photo without a token into the grant\'s batch, then refuses the used link', async () => {
    const base = env.server.base;
    const batch = await (await fetch(`${base}/api/batches`, { method: 'POST', headers: auth, body: '{}' })).json();
    const batchId = batch.batch.id;
    const made = await fetch(`${base}/api/upload-grants`, { method: 'POST', headers: auth,
      body: JSON.stringify({ count: 1, batch: batchId }) });
    assert.equal(made.status, 201);
    const grantUrl = (await made.json()).grants[0].url;
    const token = new URL(grantUrl, base).searchParams.get('grant');

    const { page, errors } = await openAs(env.browser, base, { path: `/?grant=${encodeURIComponent(token)}` });
    await page.locator('#notice', { hasText: /upload link/i }).waitFor();
    const [photo, second] = photoSet();
    await page.setInputFiles('#file-input', { name: photo.name, mimeType: 'image/png', buffer: photo.buffer });
    const card = page.locator('#cards > li.card[data-job-id]');
    await card.waitFor({ timeout: 30000 });
    const jobId = await card.getAttribute('data-job-id');
    assert.equal(await page.locator('#token-panel').evaluate((d) => d.open), false, 'the page asked for a token');

    const job = await (await fetch(`${base}/api/jobs/${jobId}`, { headers: auth })).json();
    assert.equal(job.batch, batchId);

    await page.setInputFiles('#file-input', { name: second.name, mimeType: 'image/png', buffer: second.buffer });
    const refused = page.locator('#cards > li.card', { has: page.locator('.card-title', { hasText: second.name }) });
    await refused.locator('.card-status', { hasText: /upload link cannot be used/i }).waitFor({ timeout: 20000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'grant-link.png') });
    assert.deepEqual(errors, []);
  });
});
