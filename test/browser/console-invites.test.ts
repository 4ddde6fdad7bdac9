// Invite codes, rewards and the referral tree in the console, in a real browser against the real
// service: create codes (one owner whose id and name start with "=", as a spreadsheet formula would),
// filter by that owner, export the filtered list as XLSX from the console and open the downloaded
// file with exceljs: the header and exactly the filtered rows, the "=" text neutralised. Then revoke
// a code through the row selection and one found by typing part of its code, both through the bulk
// revoke endpoint, see a refused CSV import's per-row report (retried with its Idempotency-Key), follow a generated batch (its size
// bounded by the plan) to done, approve a reward (a held one is refused with its date), and read
// the referral tree and the funnel that the redemptions made, people shown by name.
// Needs `npm run build:console` first and /usr/bin/chromium (never downloaded).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { newId } from '../../src/ids.ts';
import { ARTIFACTS, collectPageErrors, HAS_CHROMIUM, newConsoleContext, screenshot, sessionApi, signIn, skipWithoutChromium, startBrowserSession } from '../harness/browser.ts';
import type { ServerProcess } from '../harness/process.ts';

const OPERATOR = { email: 'invites-op@example.com', password: 'correct horse battery', name: 'Op', workspace: 'Invites demo' };
/** An owner a spreadsheet would take for formulas, if the export let it. */
const FORMULA_OWNER = { id: '=2+3', name: '=SUM(A1:A9)' };
const HEADERS = [
  'Code',
  'Short link',
  'State',
  'Purpose',
  'Owner type',
  'Owner ID',
  'Owner name',
  'Campaign ID',
  'Routing',
  'Tags',
  'Max uses',
  'Uses',
  'Expires at',
  'Link suffix',
  'Origin',
  'Batch ID',
  'Created at',
];

interface InviteJson {
  id: string;
  code: string;
  purpose: string;
  expiresAt: string | null;
  createdAt: string;
}

let server: ServerProcess | undefined;
let browser: Browser | undefined;

before(async () => {
  if (!HAS_CHROMIUM) return;
  // A bulk revoke of more than 10 codes runs in the background here, so the batch below takes that path.
  ({ server, browser } = await startBrowserSession(OPERATOR, { INVITE_BULK_REVOKE_MAX: '10' }));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});


test('given a signed-in owner, when they create invite codes, filter by an "=" owner and export XLSX, then exceljs reads exactly those rows, neutralised; revoke, import, batch, ledger, tree and funnel work', async (t) => {
  if (skipWithoutChromium(t, 'the console invites browser test')) return;
  assert.ok(server && browser);
  const base = server.url;
  const context = await newConsoleContext(browser, { locale: 'en-US', viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors = collectPageErrors(page);

  const workspaceId = await signIn(page, base, OPERATOR);
  const call = sessionApi(context.request, base);

  // Three codes through the create form: two for the "=" owner, one for alice.
  await page.getByTestId('nav-invites').click();
  await page.waitForURL(/\/invites$/);
  const create = async (fill: () => Promise<void>) => {
    await page.getByTestId('invite-create').click();
    await fill();
    await page.getByTestId('invite-submit').click();
    await page.getByTestId('invite-submit').waitFor({ state: 'hidden' });
  };
  await create(async () => {
    await page.getByTestId('invite-owner-id').fill(FORMULA_OWNER.id);
    await page.getByTestId('invite-owner-name').fill(FORMULA_OWNER.name);
    await page.getByTestId('invite-validity').getByText('Permanent').click();
    await page.getByTestId('invite-max-uses-unlimited').check();
  });
  await create(async () => {
    await page.getByTestId('invite-owner-id').fill(FORMULA_OWNER.id);
    await page.getByTestId('invite-owner-name').fill(FORMULA_OWNER.name);
    await page.getByTestId('invite-purpose').getByText('Support routing').click();
    await page.getByTestId('invite-routing-type').click();
    await page.locator('.ant-select-item-option[title="Queue"]').click();
    await page.getByTestId('invite-routing-name').fill('售后');
    await page.getByTestId('invite-validity').getByText('180 days').click();
    await page.getByTestId('invite-max-uses').fill('5');
    await page.getByTestId('code-tag-channel').fill('poster-A');
  });
  await create(async () => {
    await page.getByTestId('invite-owner-id').fill('alice');
    await page.getByTestId('invite-purpose').getByText('Tracking').click();
    await page.getByTestId('code-tag-channel').fill('wechat-group');
  });
  const table = page.getByTestId('invites-table');
  await table.locator('tbody tr[data-row-key]').nth(2).waitFor();
  assert.equal(await table.locator('tbody tr[data-row-key]').count(), 3);

  // Filter by the "=" owner: two rows, newest first.
  await page.getByTestId('invite-filter-owner').fill(FORMULA_OWNER.id);
  await page.getByTestId('invite-filter-apply').click();
  await page.waitForURL(/ownerUserId=%3D2%2B3/);
  await table.getByText('alice').waitFor({ state: 'detached' });
  await table.locator('tbody tr[data-row-key]').nth(1).waitFor();
  assert.equal(await table.locator('tbody tr[data-row-key]').count(), 2);
  const listed = await call<{ items: InviteJson[] }>('GET', `/workspaces/${workspaceId}/invites?ownerUserId=${encodeURIComponent(FORMULA_OWNER.id)}`);
  const [support, referral] = listed.items;
  assert.ok(support && referral && support.purpose === 'support' && referral.purpose === 'referral');
  for (const invite of [support, referral]) await table.getByTestId(`invite-code-${invite.id}`).filter({ hasText: invite.code }).waitFor();

  // The short link, as the console shows it, is the one the export carries.
  await page.getByTestId(`invite-link-${referral.id}`).click();
  const shortLink = (await page.getByTestId('short-link-url').innerText()).trim();
  assert.equal(shortLink, `${base}/i/${referral.code}`);
  await page.getByRole('dialog').getByTestId('local-url-warning').filter({ hasText: 'Phones cannot open this address yet' }).waitFor();
  await page.keyboard.press('Escape');

  // Export XLSX of the filtered list from the console; open the downloaded file with exceljs.
  const exportLink = page.getByTestId('invites-export-xlsx');
  assert.equal(await exportLink.getAttribute('href'), `/api/v1/workspaces/${workspaceId}/invites/export?format=xlsx&locale=en&ownerUserId=%3D2%2B3`);
  const [download] = await Promise.all([page.waitForEvent('download'), exportLink.click()]);
  assert.match(download.suggestedFilename(), /^invite-codes-\d{4}-\d{2}-\d{2}\.xlsx$/);
  mkdirSync(ARTIFACTS, { recursive: true });
  const saved = path.join(ARTIFACTS, 'console-invites-export.xlsx');
  await download.saveAs(saved);
  assert.equal(await download.failure(), null);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(saved);
  const sheet = workbook.getWorksheet('Invite codes');
  assert.ok(sheet, 'the sheet is named Invite codes');
  const rows: unknown[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => rows.push(HEADERS.map((_, index) => row.getCell(index + 1).value)));
  const date = (iso: string | null) => (iso === null ? null : new Date(iso));
  const neutralised = { id: `'${FORMULA_OWNER.id}`, name: `'${FORMULA_OWNER.name}` };
  assert.deepEqual(rows, [
    HEADERS,
    [support.code, `${base}/i/${support.code}`, 'active', 'support', 'user', neutralised.id, neutralised.name, null, 'queue:售后', 'channel=poster-A', 5, 0, date(support.expiresAt), null, 'api', null, date(support.createdAt)],
    [referral.code, shortLink, 'active', 'referral', 'user', neutralised.id, neutralised.name, null, null, null, 'unlimited', 0, null, null, 'api', null, date(referral.createdAt)],
  ]);
  for (const cell of [sheet.getCell('F2'), sheet.getCell('G2'), sheet.getCell('F3')]) assert.equal(cell.type, ExcelJS.ValueType.String, 'never a formula cell');
  await screenshot(page, 'console-invites');

  // On a 1024 px laptop the table scrolls sideways, and a row's buttons stay pinned in view.
  await page.setViewportSize({ width: 1024, height: 768 });
  const revokeButton = await page.getByTestId(`invite-revoke-${referral.id}`).boundingBox();
  assert.ok(revokeButton && revokeButton.x + revokeButton.width <= 1024, `a row's Revoke button is in view: ${JSON.stringify(revokeButton)}`);
  await page.setViewportSize({ width: 1440, height: 900 });

  // Bulk revoke through the row selection: alice's code, in one request to the bulk endpoint.
  await page.getByTestId('invite-filter-owner').fill('alice');
  await page.getByTestId('invite-filter-apply').click();
  await table.getByText(referral.code).waitFor({ state: 'detached' });
  await table.locator('tbody tr[data-row-key] .ant-checkbox-input').first().check();
  await page.getByTestId('invites-bulk-revoke').filter({ hasText: 'Revoke selected (1)' }).click();
  await page.getByTestId('invite-revoke-reason').fill('leaked in a public group');
  const [selectedRevoke] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/invites/bulk-revoke')), page.getByTestId('invite-revoke-ok').click()]);
  assert.deepEqual(selectedRevoke.request().postDataJSON(), { ids: [(await call<{ items: InviteJson[] }>('GET', `/workspaces/${workspaceId}/invites?ownerUserId=alice`)).items[0]!.id], reason: 'leaked in a public group' });
  assert.deepEqual(await selectedRevoke.json(), { matched: 1, revoked: 1, alreadyEnded: 0 });
  await table.getByTestId('invite-state').filter({ hasText: 'Revoked' }).waitFor();
  await page.locator('.ant-message').filter({ hasText: '1 code revoked' }).waitFor();

  // The code filter: part of the support code typed in lower case with a dash finds it alone;
  // "Revoke all matching" revokes what the filters list, in one request.
  await page.getByTestId('invite-filter-owner').fill('');
  const typed = `${support.code.slice(0, 3).toLowerCase()}-${support.code.slice(3, 7)}`;
  await page.getByTestId('invite-filter-code').fill(typed);
  await page.getByTestId('invite-filter-apply').click();
  await page.waitForURL(new RegExp(`code=${typed}`));
  await table.getByText(referral.code).waitFor({ state: 'detached' });
  await table.getByTestId(`invite-code-${support.id}`).waitFor();
  assert.equal(await table.locator('tbody tr[data-row-key]').count(), 1);
  await page.getByTestId('invites-revoke-matching').click();
  await page.getByTestId('invite-revoke-scope').waitFor();
  const [matchingRevoke] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/invites/bulk-revoke')), page.getByTestId('invite-revoke-ok').click()]);
  assert.deepEqual(matchingRevoke.request().postDataJSON(), { filter: { code: typed } });
  assert.deepEqual(await matchingRevoke.json(), { matched: 1, revoked: 1, alreadyEnded: 0 });
  await table.locator(`tr[data-row-key="${support.id}"]`).getByTestId('invite-state').filter({ hasText: 'Revoked' }).waitFor();
  const audits = await call<{ items: { action: string; details: { selection: unknown; revoked: number } }[] }>('GET', `/workspaces/${workspaceId}/audit-log?action=invite.bulk_revoked`);
  assert.deepEqual(
    audits.items.map((a) => [a.details.selection, a.details.revoked]),
    [
      [{ filter: { code: typed } }, 1],
      [{ ids: [(selectedRevoke.request().postDataJSON() as { ids: string[] }).ids[0]] }, 1],
    ],
  );
  await page.getByTestId('invite-filter-code').fill('');
  await page.getByTestId('invite-filter-apply').click();

  // A CSV import with a bad row: refused whole, with the row's problem in a table.
  await page.getByTestId('invite-import').click();
  await page.getByTestId('import-file').locator('input[type=file]').setInputFiles({ name: 'codes.csv', mimeType: 'text/csv', buffer: Buffer.from('Code,Owner ID\r\nNOT-A-CODE,bob\r\n') });
  const imported = () => Promise.all([page.waitForResponse((r) => r.url().endsWith('/invites/import')), page.getByTestId('import-submit').click()]).then(([r]) => r);
  const firstImport = await imported();
  await page.getByTestId('import-error').filter({ hasText: 'The CSV file cannot be imported' }).waitFor();
  const rowError = page.getByTestId('import-row-errors').locator('tbody tr').first();
  await rowError.waitFor();
  assert.match(await rowError.innerText(), /^2\s+Code\s+\S/);
  // Sending the same picked file again carries the same Idempotency-Key: the first answer comes back.
  const key = firstImport.request().headers()['idempotency-key'];
  assert.match(key ?? '', /^[0-9a-f]{32}$/);
  const secondImport = await imported();
  assert.equal(secondImport.request().headers()['idempotency-key'], key);
  assert.equal(secondImport.headers()['idempotent-replayed'], 'true');
  // The refusal holds the focus, so Escape reaches the dialog.
  await page.waitForFunction(() => document.activeElement?.contains(document.querySelector('[data-testid="import-error"]')) === true);
  await page.keyboard.press('Escape');
  await page.getByTestId('import-submit').waitFor({ state: 'hidden' });

  // A generated batch: the form names the free plan's 1,000 codes per batch and stops a larger
  // count; its progress shows until it is done.
  await page.getByTestId('batch-create').click();
  const batchForm = page.getByRole('dialog', { name: 'Generate codes' });
  await batchForm.getByTestId('batch-count-hint').filter({ hasText: 'Up to 1,000 on this plan' }).waitFor();
  await batchForm.getByTestId('batch-count').fill('1001');
  await page.getByTestId('batch-submit').click();
  await batchForm.getByText('This plan generates at most 1,000 codes per batch').waitFor();
  await batchForm.getByTestId('batch-count').fill('40');
  await batchForm.getByTestId('invite-owner-id').fill('batch-owner');
  await page.getByTestId('batch-submit').click();
  await page.waitForURL(/tab=batches/);
  await page.getByTestId('batches-table').getByTestId('batch-progress-text').filter({ hasText: '40 of 40' }).waitFor();
  await page.getByTestId('batches-table').getByText('Done').first().waitFor();

  // Revoking the batch's 40 codes: over this server's limit for one request, so it runs in the
  // background (202) and the page follows its progress until it is done.
  const batchId = (await call<{ items: { id: string }[] }>('GET', `/workspaces/${workspaceId}/invite-batches`)).items[0]!.id;
  await page.getByTestId(`batch-revoke-${batchId}`).click();
  const followed = page.waitForRequest((r) => r.method() === 'GET' && r.url().includes('/invite-bulk-revokes/'));
  const [batchRevoke] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/invites/bulk-revoke')), page.getByTestId('invite-revoke-ok').click()]);
  assert.equal(batchRevoke.status(), 202, await batchRevoke.text());
  const running = (await batchRevoke.json()) as { id: string; matched: number };
  assert.equal(running.matched, 40);
  assert.ok((await followed).url().endsWith(`/invite-bulk-revokes/${running.id}`), 'the page follows the bulk revoke it was handed');
  // The job may well be done before the page first asks, so the progress panel can come and go
  // too fast to see; what must hold is the end: the job succeeded and the page has let it go.
  let finished = { status: 'queued', revoked: 0 };
  for (let tries = 0; finished.status !== 'succeeded' && finished.status !== 'failed' && tries < 150; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    finished = await call<{ status: string; revoked: number }>('GET', `/workspaces/${workspaceId}/invite-bulk-revokes/${running.id}`);
  }
  assert.deepEqual([finished.status, finished.revoked], ['succeeded', 40]);
  await page.getByTestId('bulk-revoke-progress').waitFor({ state: 'detached' });

  // A bulk revoke still running when the page opens (here its row as the job leaves it between two
  // chunks, with no job to move it on): a reload picks its progress up again, and the page lets it
  // go with the usual message once it has ended.
  const database = new Database(server.env.DATABASE_URL!);
  const finishedRow = database.prepare('select * from invite_bulk_revokes where id = ?').get(running.id) as Record<string, unknown>;
  const stillRunning = { ...finishedRow, id: newId(), status: 'running', revoked: 12, finished_at: null };
  const columns = Object.keys(stillRunning);
  database.prepare(`insert into invite_bulk_revokes (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`).run(stillRunning);
  await page.reload();
  await page.getByTestId('bulk-revoke-progress-text').filter({ hasText: 'Revoking 40 codes in the background: 12 done' }).waitFor();
  database.prepare("update invite_bulk_revokes set status = 'succeeded', revoked = 40, finished_at = updated_at where id = ?").run(stillRunning.id);
  database.close();
  await page.getByTestId('bulk-revoke-progress').waitFor({ state: 'detached' });
  await page.getByText('40 codes revoked').first().waitFor();

  // Rewards: no holding period, one yuan per referral redemption; bob redeems, then carol under a
  // 7-day holding period. Approving carol's entry is refused with its date; bob's is approved.
  await page.getByTestId('nav-rewards').click();
  await page.getByTestId('reward-settings-edit').click();
  await page.getByTestId('reward-settings-holding-days').fill('0');
  await page.getByTestId('reward-settings-per-redemption').fill('1');
  await page.getByTestId('reward-settings-submit').click();
  await page.getByTestId('reward-settings-holding').filter({ hasText: '0 days' }).waitFor();
  await call('POST', `/workspaces/${workspaceId}/invites/redeem`, { code: referral.code, redeemer: { userId: 'bob', displayName: 'Bob 小明' } });
  const settings = await call<Record<string, unknown>>('GET', `/workspaces/${workspaceId}/reward-settings`);
  await call('PUT', `/workspaces/${workspaceId}/reward-settings`, { ...settings, holdingDays: 7 });
  await call('POST', `/workspaces/${workspaceId}/invites/redeem`, { code: referral.code.toLowerCase(), redeemer: { userId: 'carol' } });
  const ledger = await call<{ items: { id: string; source: { id: string } }[] }>('GET', `/workspaces/${workspaceId}/rewards`);
  const entryOf = (userId: string) => ledger.items.find((e) => e.source.id === userId)!.id;
  await page.reload();
  await page.getByTestId(`entry-approve-${entryOf('carol')}`).click();
  await page.getByTestId('ledger-refusal').filter({ hasText: 'It is still in its holding period: it can be approved from' }).waitFor();
  await page.getByTestId(`entry-state-${entryOf('carol')}`).filter({ hasText: 'Pending' }).waitFor();
  await screenshot(page, 'console-rewards-held', { fullPage: true });
  await page.getByTestId(`entry-approve-${entryOf('bob')}`).click();
  await page.getByTestId(`entry-state-${entryOf('bob')}`).filter({ hasText: 'Approved' }).waitFor();
  await page.getByTestId('ledger-total-approved').filter({ hasText: 'Entries: 1' }).waitFor();
  await page.getByTestId('ledger-total-pending').filter({ hasText: 'Entries: 1' }).waitFor();
  // People by the names they were last given: the owner as its code named it, bob as he redeemed.
  await page.getByTestId('ledger-table').getByRole('link', { name: 'Bob 小明 (bob)' }).waitFor();
  await page.getByTestId('ledger-table').getByRole('link', { name: `${FORMULA_OWNER.name} (${FORMULA_OWNER.id})` }).first().waitFor();
  await screenshot(page, 'console-rewards', { fullPage: true });

  // The "=" owner's referral tree: bob and carol on level 1, from the owner link in the ledger.
  await page.getByTestId('ledger-table').getByRole('link', { name: FORMULA_OWNER.id }).first().click();
  await page.waitForURL(/\/referrals\?party=u%3A%3D2%2B3$/);
  await page.getByTestId('downline-levels').getByText('Level 1').waitFor();
  await page.getByTestId('referrals-subject').filter({ hasText: `${FORMULA_OWNER.name} (${FORMULA_OWNER.id})` }).waitFor();
  await page.getByTestId('tree-node-u:bob').filter({ hasText: 'Bob 小明 (bob)' }).waitFor();
  await page.getByTestId('tree-node-u:carol').waitFor();
  await screenshot(page, 'console-referrals');

  // The funnel of the referral code: two redemptions today.
  await page.getByTestId('nav-invites').click();
  await page.getByTestId('invite-filter-owner').fill(FORMULA_OWNER.id);
  await page.getByTestId('invite-filter-apply').click();
  await table.getByTestId(`invite-code-${referral.id}`).waitFor();
  await table.locator(`tr[data-row-key="${referral.id}"]`).getByRole('button', { name: 'Funnel' }).click();
  await page.waitForURL(/\/funnel\?inviteId=/);
  await page.getByTestId('funnel-code').filter({ hasText: referral.code }).waitFor();
  const redeemed = page.getByTestId('funnel-stages').locator('tbody tr').nth(2).locator('td');
  await redeemed.nth(0).filter({ hasText: 'Redeemed' }).waitFor();
  await redeemed.nth(1).filter({ hasText: /^2$/ }).waitFor();
  await page.getByTestId('funnel-stages-chart').locator('canvas').first().waitFor();
  await screenshot(page, 'console-invite-funnel', { fullPage: true });

  // In Chinese: the menu and the ledger.
  await page.getByTestId('language-switch').click();
  await page.locator('.ant-select-item-option[title="中文"]').click();
  await page.getByTestId('nav-invites').filter({ hasText: '邀请码' }).waitFor();
  await page.getByTestId('nav-rewards').filter({ hasText: '奖励台账' }).click();
  await page.getByTestId(`entry-state-${entryOf('bob')}`).filter({ hasText: '已审核' }).waitFor();
  await screenshot(page, 'console-rewards-zh-CN', { fullPage: true });
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('given a signed-in owner, when they create a campaign, set its reward rules and give it a code, then its page, codes and status follow, and deleting it is refused while it has codes', async (t) => {
  if (skipWithoutChromium(t, 'the console invites browser test')) return;
  assert.ok(server && browser);
  const context = await newConsoleContext(browser, { locale: 'en-US', viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const pageErrors = collectPageErrors(page);
  await signIn(page, server.url, OPERATOR);

  await page.getByTestId('nav-campaigns').click();
  await page.getByTestId('campaign-create').click();
  await page.getByTestId('campaign-name').fill('Spring sale 春季活动');
  await page.getByTestId('campaign-limit-unlimited').uncheck();
  await page.getByTestId('campaign-limit').fill('2');
  await page.getByTestId('campaign-submit').click();
  const link = page.getByTestId('campaigns-table').getByRole('link', { name: 'Spring sale 春季活动' });
  await link.click();
  await page.waitForURL(/\/campaigns\/[0-9A-Z]{26}$/);
  await page.getByTestId('campaign-title').filter({ hasText: 'Spring sale 春季活动' }).waitFor();
  await page.getByTestId('campaign-status-tag').filter({ hasText: 'Redeemable now' }).waitFor();

  // Its reward rules, in yuan, in the workspace's currency; no redemptions on the leaderboard yet.
  await page.getByTestId('campaign-rules-edit').click();
  await page.getByTestId('campaign-rules-per-redemption').fill('2.5');
  await page.getByTestId('campaign-rules-tier-add').click();
  await page.getByTestId('campaign-rules-tier-invitees-0').fill('1');
  await page.getByTestId('campaign-rules-tier-amount-0').fill('10');
  await page.getByTestId('campaign-rules-submit').click();
  await page.getByTestId('campaign-rules').filter({ hasText: 'CN¥2.50' }).filter({ hasText: '1 invitee: CN¥10.00' }).waitFor();
  await page.getByTestId('leaderboard').getByText('No redemptions yet').waitFor();
  await page.getByTestId('funnel-stages-chart').locator('canvas').first().waitFor();
  await screenshot(page, 'console-campaign', { fullPage: true });

  // A code for the campaign, from the campaign's codes.
  await page.getByTestId('campaign-codes').click();
  await page.waitForURL(/\/invites\?campaignId=/);
  await page.getByTestId('invite-create').click();
  const form = page.getByRole('dialog', { name: 'Create invite code' });
  await form.getByTestId('invite-owner-id').fill('dora');
  await form.getByTestId('invite-purpose').getByText('Campaign').click();
  await form.getByTestId('invite-campaign').click();
  await page.locator('.ant-select-item-option[title="Spring sale 春季活动"]').click();
  await form.getByTestId('invite-submit').click();
  await page.getByTestId('invites-table').getByRole('link', { name: 'Spring sale 春季活动' }).waitFor();

  // Pause it; deleting it is refused while it has codes.
  await page.getByTestId('nav-campaigns').click();
  await page.getByTestId('campaigns-table').getByRole('button', { name: 'Edit' }).click();
  await page.getByTestId('campaign-status').click();
  await page.locator('.ant-select-item-option[title="Paused"]').click();
  await page.getByTestId('campaign-submit').click();
  await page.getByTestId('campaigns-table').getByTestId('campaign-status-tag').filter({ hasText: 'Paused' }).waitFor();
  await page.getByTestId('campaigns-table').getByRole('button', { name: 'Delete' }).click();
  await page.locator('.ant-popconfirm').getByRole('button', { name: 'OK' }).click();
  await page.locator('.ant-message').filter({ hasText: 'The campaign still has invite codes' }).waitFor();
  await screenshot(page, 'console-campaigns');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('given codes selected in one workspace, when the owner switches to another, then its invite page starts afresh: nothing selected there', async (t) => {
  if (skipWithoutChromium(t, 'the console invites browser test')) return;
  assert.ok(server && browser);
  const context = await newConsoleContext(browser, { locale: 'en-US', viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const first = await signIn(page, server.url, OPERATOR);
  const call = sessionApi(context.request, server.url);
  const code = await call<{ id: string }>('POST', `/workspaces/${first}/invites`, { owner: { userId: 'switcher' }, purpose: 'tracking', tags: { channel: 'switch' } });

  await page.getByTestId('workspace-create').click();
  await page.getByTestId('workspace-name').fill('Second workspace');
  await page.getByTestId('workspace-create-submit').click();
  await page.waitForURL((url) => /\/w\/[^/]+\/overview$/.test(url.pathname) && !url.pathname.includes(first));
  const second = new URL(page.url()).pathname.split('/')[3]!;

  await page.goto(`${server.url}/console/w/${first}/invites`);
  const revokeSelected = page.getByTestId('invites-bulk-revoke');
  await page.getByTestId('invites-table').locator(`tr[data-row-key="${code.id}"] .ant-checkbox-input`).check();
  await revokeSelected.filter({ hasText: '(1)' }).waitFor();
  await page.getByTestId('workspace-switcher').click();
  await page.locator('.ant-select-item-option[title="Second workspace"]').click();
  await page.waitForURL(new RegExp(`/w/${second}/invites$`));
  await revokeSelected.filter({ hasText: '(0)' }).waitFor();
  assert.equal(await revokeSelected.isDisabled(), true, "the first workspace's selection must not carry over");
  await context.close();
});
