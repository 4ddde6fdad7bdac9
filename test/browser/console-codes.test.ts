// Groups and join codes in the console, in a real browser against the real service: create a hosted
// group and a code for it, open the code page (URL, check code, the stats chart), download the QR
// and fetch the A4 poster PDF through its link;
// then open the code's landing page as a WeChat in-app browser on a 375 px wide phone.
// Needs `npm run build:console` first and /usr/bin/chromium (never downloaded).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, collectPageErrors, HAS_CHROMIUM, newConsoleContext, screenshot, signIn, skipWithoutChromium, startBrowserSession } from '../harness/browser.ts';
import type { ServerProcess } from '../harness/process.ts';

const OPERATOR = { email: 'codes-op@example.com', password: 'correct horse battery', name: 'Op', workspace: 'Codes demo' };
const GROUP = { name: 'Spring Camp 1群', value: '扫码入群领资料：前端面试题合集' };
const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2f) NetType/WIFI Language/zh_CN';

let server: ServerProcess | undefined;
let browser: Browser | undefined;
/** Set by the first test: the code's token and check code, for the landing page test. */
let created: { token: string; checkCode: string } | undefined;

before(async () => {
  if (!HAS_CHROMIUM) return;
  ({ server, browser } = await startBrowserSession(OPERATOR));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('given a signed-in owner, when they create a hosted group and a code for it, then the code page shows its URL, check code and chart, and the QR downloads', async (t) => {
  if (skipWithoutChromium(t, 'the console codes browser test')) return;
  assert.ok(server && browser);
  const context = await newConsoleContext(browser, { locale: 'en-US', viewport: { width: 1360, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors = collectPageErrors(page);

  const workspaceId = await signIn(page, server.url, OPERATOR);

  // Groups: create a hosted group with a value statement; the list shows members against capacity.
  await page.getByTestId('nav-groups').click();
  await page.waitForURL(/\/groups$/);
  await page.getByTestId('group-create').click();
  assert.equal(await page.getByTestId('group-value').getAttribute('placeholder'), 'Scan to join and get the materials');
  await page.getByText('At most 500 on this plan.').waitFor();
  await page.getByTestId('group-name').fill(GROUP.name);
  await page.getByTestId('group-value').fill(GROUP.value);
  await page.getByTestId('group-welcome').fill('欢迎 {name} 加入 {group}');
  await page.getByTestId('group-submit').click();
  await page.getByRole('cell', { name: new RegExp(GROUP.name) }).waitFor();
  await page.getByText('0 / 500').waitFor();

  // Codes: create one for the group, with a channel tag; the console opens the new code's page.
  await page.getByTestId('nav-codes').click();
  await page.waitForURL(/\/codes$/);
  await page.getByTestId('code-create').click();
  await page.getByTestId('code-group').click();
  await page.locator(`.ant-select-item-option[title="${GROUP.name}"]`).click();
  await page.getByTestId('code-name').fill('Poster A');
  assert.equal(await page.getByTestId('code-validity').inputValue(), '168', 'free plan: 7 days by default');
  await page.getByTestId('code-tag-channel').fill('poster-A');
  await page.getByTestId('code-submit').click();
  await page.waitForURL(/\/codes\/[0-9A-Z]{26}$/);
  const codeId = new URL(page.url()).pathname.split('/').pop()!;

  const url = (await page.getByTestId('code-url').innerText()).trim();
  assert.match(url, /\/j\/[A-Za-z0-9_-]{76}$/);
  const checkCode = (await page.getByTestId('code-check').innerText()).trim();
  assert.match(checkCode, /^[2-9A-HJ-NP-Z]{5}$/);
  created = { token: url.split('/j/')[1]!, checkCode };
  await page.getByTestId('code-title').filter({ hasText: 'Poster A' }).waitFor();

  // One scan, so the chart has a bar for today.
  const scanned = await fetch(`${server.url}/j/${created.token}`);
  assert.equal(scanned.status, 200);
  await page.getByTestId('stats-range').getByText('Last 7 days').click();
  await page.getByTestId('stats-totals').filter({ hasText: 'Scans 1 · admitted 1' }).waitFor();
  await page.getByTestId('code-stats-chart').locator('canvas').first().waitFor();
  await page.getByTestId('stats-channels').getByRole('cell', { name: 'poster-A' }).waitFor();

  // Downloads: same-origin links carrying the session cookie.
  const png = page.getByTestId('download-png');
  const expectedHref = `/api/v1/workspaces/${workspaceId}/codes/${codeId}/qr?format=png`;
  assert.equal(await png.getAttribute('href'), expectedHref);
  assert.equal(await page.getByTestId('download-svg').getAttribute('href'), `/api/v1/workspaces/${workspaceId}/codes/${codeId}/qr?format=svg`);
  assert.equal(await page.getByTestId('download-poster').getAttribute('href'), `/api/v1/workspaces/${workspaceId}/codes/${codeId}/poster?format=png&locale=en`);
  assert.equal(await page.getByTestId('download-poster-svg').getAttribute('href'), `/api/v1/workspaces/${workspaceId}/codes/${codeId}/poster?format=svg&locale=en`);
  const posterPdf = `/api/v1/workspaces/${workspaceId}/codes/${codeId}/poster?format=pdf&locale=en`;
  assert.equal(await page.getByTestId('download-poster-pdf').getAttribute('href'), posterPdf);
  assert.equal(await page.getByTestId('download-poster-pdf').innerText(), 'Poster (A4 PDF, to print)');
  const pdf = await context.request.get(`${server.url}${posterPdf}`);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-', 'the session cookie fetches a real PDF');
  assert.notEqual(await png.getAttribute('download'), null);
  const [download] = await Promise.all([page.waitForEvent('download'), png.click()]);
  const saved = path.join(ARTIFACTS, 'console-code-download.png');
  mkdirSync(ARTIFACTS, { recursive: true });
  await download.saveAs(saved);
  assert.equal(await download.failure(), null);
  assert.deepEqual([...readFileSync(saved).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a real PNG was downloaded');

  // This service has no PUBLIC_URL, so its codes point at 127.0.0.1: the page says phones cannot open them.
  const localOnly = page.getByTestId('local-url-warning');
  assert.match(await localOnly.innerText(), /Phones cannot open this address yet[\s\S]*It points to 127\.0\.0\.1:\d+[\s\S]*PUBLIC_URL/);

  // The QR on screen is the code's own, read by zbarimg off a screenshot; a reset shows the new one.
  const preview = page.getByTestId('code-qr-preview');
  const shownQr = async (name: string) => {
    await preview.waitFor();
    const file = path.join(ARTIFACTS, `${name}.png`);
    await preview.screenshot({ path: file });
    return execFileSync('/usr/bin/zbarimg', ['--raw', '-q', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  };
  assert.equal(await shownQr('console-code-qr'), url);
  await page.getByTestId('code-reset').click();
  await page.getByTestId('code-reset-ok').click();
  await page.getByTestId('code-url').filter({ hasNotText: created.token }).waitFor();
  const resetUrl = (await page.getByTestId('code-url').innerText()).trim();
  let shown = '';
  for (let tries = 0; shown !== resetUrl && tries < 50; tries++) {
    if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    shown = await shownQr('console-code-qr-reset');
  }
  assert.equal(shown, resetUrl, 'the preview follows the reset');
  created = { token: resetUrl.split('/j/')[1]!, checkCode: (await page.getByTestId('code-check').innerText()).trim() };

  await screenshot(page, 'console-code', { fullPage: true });

  // In Chinese: the menu and the group form's value statement placeholder (the seed's wording).
  await page.getByTestId('language-switch').click();
  await page.locator('.ant-select-item-option[title="中文"]').click();
  await page.getByTestId('nav-codes').filter({ hasText: '入群码' }).waitFor();
  await page.getByTestId('stats-totals').filter({ hasText: '扫码 1 · 放行 1' }).waitFor();
  await page.getByTestId('download-poster-pdf').filter({ hasText: '海报 A4 PDF（打印用）' }).waitFor();
  await page.getByTestId('nav-groups').filter({ hasText: '群组' }).click();
  await page.getByTestId('group-create').click();
  assert.equal(await page.getByTestId('group-value').getAttribute('placeholder'), '扫码入群领资料');
  await page.keyboard.press('Escape');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('given a code, when its landing page opens in WeChat on a 375 px phone in Chinese, then the group, value statement and check code show without horizontal overflow', async (t) => {
  if (skipWithoutChromium(t, 'the console codes browser test')) return;
  assert.ok(server && browser);
  assert.ok(created, 'the first test created a code');
  const context = await newConsoleContext(browser, {
    userAgent: WECHAT_UA,
    viewport: { width: 375, height: 667 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    extraHTTPHeaders: { 'accept-language': 'zh-CN,zh;q=0.9' },
  });
  const page = await context.newPage();
  const response = await page.goto(`${server.url}/j/${created.token}`);
  assert.equal(response?.status(), 200);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  for (const text of [GROUP.name, GROUP.value, created.checkCode]) {
    const element = page.getByText(text, { exact: false }).first();
    await element.waitFor();
    assert.ok(await element.isVisible(), `${text} is visible`);
  }
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(widths.scroll <= 375, `no horizontal overflow: scrollWidth ${widths.scroll}`);
  await screenshot(page, 'landing-wechat-375', { fullPage: true });
  await context.close();
});
