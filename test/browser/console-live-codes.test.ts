// Live codes (活码) in the console, in a real browser against the real service: create a live code,
// add a hosted group to its pool, upload an external group's QR image (drawn here by the qrcode
// package) and see its decoded payload and state, be told clearly why a non-image or the same QR
// again is refused, see a contradictory rule refused with the server's reason, reorder the pool,
// and download the live code's QR, which decodes to the live code's URL.
// Needs `npm run build:console` first and /usr/bin/chromium (never downloaded).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { decodeQrImage } from '../../src/modules/live-codes/qr-image.ts';
import { ARTIFACTS, collectPageErrors, HAS_CHROMIUM, newConsoleContext, screenshot, signIn, skipWithoutChromium, startBrowserSession } from '../harness/browser.ts';
import type { ServerProcess } from '../harness/process.ts';

const OPERATOR = { email: 'live-op@example.com', password: 'correct horse battery', name: 'Op', workspace: 'Live codes demo' };
const GROUP = 'Spring Camp 1群';
/** What an external WeChat group's QR carries. */
const WECHAT_GROUP_PAYLOAD = 'https://weixin.qq.com/g/AQYAAEXAMPLE_spring-camp-2';

let server: ServerProcess | undefined;
let browser: Browser | undefined;

before(async () => {
  if (!HAS_CHROMIUM) return;
  ({ server, browser } = await startBrowserSession(OPERATOR));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The ids of the pool's rows, top to bottom (antd keys each row by the entry id). */
async function poolOrder(page: Page): Promise<string[]> {
  return page.getByTestId('pool-entries').locator('tbody tr[data-row-key]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-row-key') ?? ''));
}

test('given a signed-in owner, when they build a live code pool in the console, then every entry shows its state, refusals are clear, and the QR downloads', async (t) => {
  if (skipWithoutChromium(t, 'the console live codes browser test')) return;
  assert.ok(server && browser);
  const context = await newConsoleContext(browser, { locale: 'en-US', viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors = collectPageErrors(page);

  const workspaceId = await signIn(page, server.url, OPERATOR);

  // A hosted group for the pool.
  await page.getByTestId('nav-groups').click();
  await page.getByTestId('group-create').click();
  await page.getByTestId('group-name').fill(GROUP);
  await page.getByTestId('group-submit').click();
  await page.getByRole('cell', { name: new RegExp(GROUP) }).waitFor();

  // Create the live code: the seed's defaults for link entries are filled in.
  await page.getByTestId('nav-live-codes').click();
  await page.waitForURL(/\/live-codes$/);
  await page.getByTestId('live-code-create').click();
  await page.getByTestId('live-code-name').fill('Spring Camp poster');
  assert.equal(await page.getByTestId('live-code-threshold').inputValue(), '200');
  assert.equal(await page.getByTestId('live-code-validity').inputValue(), '168');
  assert.equal(await page.getByTestId('live-code-rule-fill_in_order').isChecked(), true);
  await page.getByTestId('code-tag-channel').fill('poster-spring');
  await page.getByTestId('live-code-submit').click();
  await page.waitForURL(/\/live-codes\/[0-9A-Z]{26}$/);
  const liveCodeId = new URL(page.url()).pathname.split('/').pop()!;
  await page.getByTestId('live-code-title').filter({ hasText: 'Spring Camp poster' }).waitFor();
  const liveUrl = (await page.getByTestId('code-url').innerText()).trim();
  assert.match(liveUrl, /\/j\/[A-Za-z0-9_-]{76}$/);
  await page.getByTestId('pool-state').filter({ hasText: 'Pool empty' }).first().waitFor();

  // A hosted group entry: usable, members against capacity.
  await page.getByTestId('entry-add-group').click();
  await page.getByTestId('entry-group').click();
  await page.locator(`.ant-select-item-option[title="${GROUP} (0 / 500)"]`).click();
  await page.getByTestId('entry-submit').click();
  await page.getByTestId('pool-summary').filter({ hasText: '1 of 1 entry usable' }).waitFor();
  const [groupEntryId] = await poolOrder(page);
  assert.ok(groupEntryId);
  await page.getByTestId(`entry-state-${groupEntryId}`).filter({ hasText: 'Usable' }).waitFor();
  await page.getByTestId(`entry-fill-${groupEntryId}`).filter({ hasText: '0 / 500 members' }).waitFor();

  // An external group's QR image, as a file: decoded on upload, its payload shown with its state.
  const qrPng = await QRCode.toBuffer(WECHAT_GROUP_PAYLOAD, { type: 'png', width: 360, margin: 4 });
  await page.getByTestId('entry-add-image').click();
  await page.getByTestId('entry-image').locator('input[type=file]').setInputFiles({ name: 'group-qr.png', mimeType: 'image/png', buffer: qrPng });
  await page.getByTestId('entry-image-preview').waitFor();
  await page.getByTestId('entry-label').fill('Spring Camp 2群 (WeChat)');
  await page.getByTestId('entry-submit').click();
  await page.getByTestId('pool-summary').filter({ hasText: '2 of 2 entries usable' }).waitFor();
  const imageEntryId = (await poolOrder(page))[1]!;
  assert.equal((await page.getByTestId(`entry-payload-${imageEntryId}`).innerText()).trim(), WECHAT_GROUP_PAYLOAD);
  await page.getByTestId(`entry-state-${imageEntryId}`).filter({ hasText: 'Usable' }).waitFor();
  await page.getByTestId(`entry-fill-${imageEntryId}`).filter({ hasText: '0 / 200 scans' }).waitFor();
  const expiry = await page.getByTestId(`entry-expiry-${imageEntryId}`).innerText();
  assert.doesNotMatch(expiry, /expires in/, 'seven days away: no 24-hour warning yet');

  // Edit it: WeChat users only, a higher threshold.
  await page.getByTestId(`entry-edit-${imageEntryId}`).click();
  await page.getByTestId('entry-audience').click();
  await page.locator('.ant-select-item-option[title="WeChat"]').click();
  await page.getByTestId('entry-threshold').fill('300');
  await page.getByTestId('entry-submit').click();
  await page.getByTestId(`entry-fill-${imageEntryId}`).filter({ hasText: '0 / 300 scans' }).waitFor();
  await page.getByTestId(`entry-audience-${imageEntryId}`).filter({ hasText: 'WeChat' }).waitFor();

  // A file that is not an image: the server's refusal, in words, and nothing added.
  // Each dialog's refusal is looked for inside that dialog, and each dialog is gone before the next
  // opens: a refusal left in a closing dialog must not stand in for the next dialog's.
  const entryDialog = page.getByRole('dialog').filter({ has: page.getByTestId('entry-submit') });
  await page.getByTestId('entry-add-image').click();
  await entryDialog.getByTestId('entry-image').locator('input[type=file]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture of a QR code') });
  await entryDialog.getByTestId('entry-image-name').filter({ hasText: 'notes.txt' }).waitFor();
  await entryDialog.getByTestId('entry-submit').click();
  const entryRefusal = entryDialog.getByTestId('form-error');
  await entryRefusal.filter({ hasText: 'The upload is not a PNG or JPEG image. Upload a screenshot or photo of the group QR code' }).waitFor();
  await screenshot(page, 'console-live-code-refusal');
  // The same QR again: a duplicate of the entry above.
  await entryDialog.getByTestId('entry-image').locator('input[type=file]').setInputFiles({ name: 'group-qr-again.png', mimeType: 'image/png', buffer: qrPng });
  await entryDialog.getByTestId('entry-image-preview').waitFor();
  await entryDialog.getByTestId('entry-submit').click();
  await entryRefusal.filter({ hasText: 'The live code already has this entry' }).waitFor();
  await entryDialog.getByRole('button', { name: 'Cancel' }).click();
  await entryDialog.waitFor({ state: 'detached' });
  await page.getByTestId('pool-summary').filter({ hasText: '2 of 2 entries usable' }).waitFor();

  // Nearest routing needs every entry's location: the server's 422 names why.
  const rulesDialog = page.getByRole('dialog').filter({ has: page.getByTestId('live-code-submit') });
  await page.getByTestId('live-code-edit-rules').click();
  // check() fails unless the radio ends up checked, so the form cannot be sent with the old rule.
  await rulesDialog.getByTestId('live-code-rule-nearest').check();
  await rulesDialog.getByTestId('live-code-submit').click();
  const rulesRefusal = rulesDialog.getByTestId('form-error');
  await rulesRefusal.filter({ hasText: "The live code's pool rules contradict each other" }).waitFor();
  assert.match(await rulesRefusal.innerText(), /Nearest routing needs the latitude and longitude of every entry; 2 have none/);
  await rulesDialog.getByRole('button', { name: 'Cancel' }).click();
  await rulesDialog.waitFor({ state: 'detached' });
  await page.getByTestId('live-code-rule').filter({ hasText: 'Fill in order' }).waitFor();

  // Reorder: the uploaded QR goes first, and the server has the new order.
  await page.getByTestId(`entry-up-${imageEntryId}`).click();
  await page.waitForFunction(
    (first) => document.querySelector('[data-testid="pool-entries"] tbody tr[data-row-key]')?.getAttribute('data-row-key') === first,
    imageEntryId,
  );
  assert.deepEqual(await poolOrder(page), [imageEntryId, groupEntryId]);
  const stored = await context.request.get(`${server.url}/api/v1/workspaces/${workspaceId}/live-codes/${liveCodeId}`);
  assert.deepEqual(
    ((await stored.json()) as { entries: { id: string; position: number }[] }).entries.sort((a, b) => a.position - b.position).map((e) => e.id),
    [imageEntryId, groupEntryId],
  );

  // The live code's QR: a same-origin download that decodes back to its URL.
  const png = page.getByTestId('download-png');
  assert.equal(await png.getAttribute('href'), `/api/v1/workspaces/${workspaceId}/codes/${liveCodeId}/qr?format=png`);
  assert.equal(await page.getByTestId('download-poster-pdf').getAttribute('href'), `/api/v1/workspaces/${workspaceId}/codes/${liveCodeId}/poster?format=pdf&locale=en`);
  const [download] = await Promise.all([page.waitForEvent('download'), png.click()]);
  const saved = path.join(ARTIFACTS, 'console-live-code-download.png');
  mkdirSync(ARTIFACTS, { recursive: true });
  await download.saveAs(saved);
  assert.equal(await download.failure(), null);
  assert.deepEqual(decodeQrImage(readFileSync(saved)), { ok: true, payload: liveUrl }, 'the downloaded PNG scans to the live code');

  await page.getByTestId('code-stats').waitFor();
  await screenshot(page, 'console-live-code', { fullPage: true });

  // The code's own actions, shared with join codes: rotation, reset, revoke with blast radius.
  await page.getByTestId('code-edit').click();
  await page.getByTestId('code-rotation').click();
  await page.locator('.ant-select-item-option[title="Weekly"]').click();
  await page.getByTestId('code-rotation').filter({ hasText: 'Weekly' }).waitFor();
  await page.getByTestId('code-submit').click();
  await page.getByTestId('code-submit').waitFor({ state: 'detached' });
  await page.getByText('Next rotation').waitFor();
  await page.getByTestId('code-reset').click();
  // The reset's own answer, so a refusal or a click that sent nothing fails here, by name.
  const [reset] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/codes/${liveCodeId}/reset`)),
    page.getByTestId('code-reset-ok').click(),
  ]);
  assert.equal(reset.status(), 200, await reset.text());
  // The page's new URL is what shows the reset took; the toast saying so lasts three seconds, which a
  // loaded machine can spend before the check looks.
  await page.waitForFunction((old) => document.querySelector('[data-testid="code-url"]')?.textContent?.trim() !== old, liveUrl);
  await page.getByTestId('code-revoke').click();
  await page.getByTestId('code-blast-radius').check();
  assert.equal(await page.getByTestId('code-blast-hours').inputValue(), '24');
  await page.getByTestId('code-revoke-ok').click();
  await page.getByTestId('code-state').filter({ hasText: 'Revoked' }).first().waitFor();
  assert.equal(await page.getByTestId('entry-add-image').count(), 0, 'a revoked live code is not edited');

  // The list: entries, usable entries and the pool state.
  await page.getByTestId('nav-live-codes').click();
  await page.getByTestId(`live-code-pool-${liveCodeId}`).filter({ hasText: 'Pool OK' }).waitFor();

  // In Chinese: the menu and the entry states.
  await page.getByTestId('language-switch').click();
  await page.locator('.ant-select-item-option[title="中文"]').click();
  await page.getByTestId('nav-live-codes').filter({ hasText: '活码' }).waitFor();
  await page.getByTestId(`live-code-link-${liveCodeId}`).click();
  await page.getByTestId(`entry-state-${imageEntryId}`).filter({ hasText: '可用' }).waitFor();
  await page.getByTestId('pool-summary').filter({ hasText: '2 个入口中 2 个可用' }).waitFor();
  assert.deepEqual(pageErrors, []);
  await context.close();
});
