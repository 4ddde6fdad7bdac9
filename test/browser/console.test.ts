// The console in a real browser against the real service: sign in, give the workspace a plan with
// API access, create an API key in the UI, and prove the secret shown once really authenticates;
// invite someone and read the invitation in the development mail outbox, in English and Chinese.
// Needs `npm run build:console` first and /usr/bin/chromium (never downloaded).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { HAS_CHROMIUM, newConsoleContext, screenshot, sessionApi, skipWithoutChromium, startBrowserSession } from '../harness/browser.ts';
import type { ServerProcess } from '../harness/process.ts';

const OPERATOR = { email: 'op@example.com', password: 'correct horse battery', name: 'Op', workspace: 'Demo' };

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

test('given a signed-in owner, when they create an API key in the console, then the secret shown once authenticates API calls', async (t) => {
  if (skipWithoutChromium(t, 'the console browser test')) return;
  assert.ok(server && browser);
  const page = await (await newConsoleContext(browser, { locale: 'en-US', viewport: { width: 1360, height: 860 } })).newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
  });

  // Signing in from /console/ lands on the operator's workspace.
  await page.goto(`${server.url}/console/`);
  await page.getByTestId('sign-in-email').fill(OPERATOR.email);
  await page.getByTestId('sign-in-password').fill(OPERATOR.password);
  await page.getByTestId('sign-in-submit').click();
  await page.waitForURL(/\/console\/w\/[^/]+\/overview$/);
  const workspaceId = new URL(page.url()).pathname.split('/')[3];
  assert.ok(workspaceId);
  await page.getByTestId('overview-name').filter({ hasText: OPERATOR.workspace }).waitFor();

  // A new workspace is on the free plan, which has no API access: move it to Pro.
  await page.getByTestId('nav-plan').click();
  await page.getByTestId('plan-select').click();
  await page.locator('.ant-select-item-option[title="Pro"]').click();
  assert.equal(await page.getByTestId('limit-apiAccess').getAttribute('aria-checked'), 'true');
  await page.getByTestId('plan-save').click();
  await page.getByText('Plan settings saved').waitFor();

  // Create a key that may read the audit log.
  await page.getByTestId('nav-api-keys').click();
  await page.waitForURL(/\/api-keys$/);
  await page.getByTestId('api-key-create').click();
  await page.getByTestId('api-key-name').fill('Browser test key');
  await page.getByTestId('api-key-scopes').click();
  await page.locator('.ant-select-item-option[title="audit:read"]').click();
  await page.keyboard.press('Escape');
  await page.getByTestId('api-key-submit').click();
  const secretBox = page.getByTestId('secret-value');
  await secretBox.waitFor();
  const secret = await secretBox.inputValue();
  assert.ok(secret.length >= 20, `the modal shows a secret, got "${secret}"`);
  await page.getByTestId('api-key-name').waitFor({ state: 'hidden' });
  await screenshot(page, 'console-api-key');

  await page.getByTestId('secret-close').click();
  await page.getByRole('cell', { name: 'Browser test key' }).waitFor();

  const response = await fetch(`${server.url}/api/v1/workspaces/${workspaceId}/audit-log`, {
    headers: { authorization: `Bearer ${secret}` },
  });
  const body = await response.text();
  assert.equal(response.status, 200, body);
  assert.ok(Array.isArray((JSON.parse(body) as { items: unknown }).items));
  assert.deepEqual(cspViolations, []);
});

test('given an owner without SMTP, when they invite someone, then the invitation mail can be read in the mail outbox (English and Chinese)', async (t) => {
  if (skipWithoutChromium(t, 'the console mail outbox test')) return;
  assert.ok(server && browser);
  const page = await (await newConsoleContext(browser, { locale: 'en-US', viewport: { width: 1360, height: 860 } })).newPage();
  await page.goto(`${server.url}/console/`);
  await page.getByTestId('sign-in-email').fill(OPERATOR.email);
  await page.getByTestId('sign-in-password').fill(OPERATOR.password);
  await page.getByTestId('sign-in-submit').click();
  await page.waitForURL(/\/overview$/);

  // The server's refusal shows inside the modal, which keeps what was typed.
  await page.getByTestId('nav-staff').click();
  await page.getByTestId('invite-open').click();
  await page.getByTestId('invite-email').fill(OPERATOR.email);
  await page.getByTestId('invite-submit').click();
  await page.getByTestId('form-error').filter({ hasText: 'already on the staff' }).waitFor();
  assert.equal(await page.getByTestId('invite-email').inputValue(), OPERATOR.email);
  await screenshot(page, 'console-invite-error-en');

  await page.getByTestId('invite-email').fill('new.person@example.com');
  await page.getByTestId('invite-submit').click();
  const acceptUrl = await page.getByTestId('secret-value').inputValue();
  assert.match(acceptUrl, /\/console\/invite\//);
  await page.getByTestId('secret-close').click();
  await page.getByRole('cell', { name: 'new.person@example.com' }).waitFor();

  // Without SMTP_URL the mail stays in the outbox, which says so; its link is clickable.
  await page.getByTestId('nav-mail-outbox').click();
  await page.getByTestId('mail-development-notice').filter({ hasText: 'SMTP_URL is not configured' }).waitFor();
  await page.getByRole('cell', { name: /You are invited to/ }).click();
  const link = page.locator(`a[href="${acceptUrl}"]`);
  await link.waitFor();
  assert.equal(await link.getAttribute('target'), '_blank');
  await screenshot(page, 'console-mail-outbox-en');

  // In Chinese: the menu, the notice, and the date picker's weekdays (dayjs's locale follows).
  await page.getByTestId('language-switch').click();
  await page.locator('.ant-select-item-option[title="中文"]').click();
  await page.getByTestId('mail-development-notice').filter({ hasText: '未配置 SMTP_URL' }).waitFor();
  await page.getByTestId('nav-mail-outbox').filter({ hasText: '邮件发件箱' }).waitFor();
  await screenshot(page, 'console-mail-outbox-zh-CN');

  await page.getByTestId('nav-staff').click();
  await page.getByTestId('invite-open').click();
  await page.getByTestId('invite-email').fill(OPERATOR.email);
  await page.getByTestId('invite-submit').click();
  await page.getByTestId('form-error').waitFor();
  await screenshot(page, 'console-invite-error-zh-CN');
  // The refusal holds the focus, so a screen reader reads it and Escape reaches the dialog.
  await page.waitForFunction(() => document.activeElement?.contains(document.querySelector('[data-testid="form-error"]')) === true);
  await page.keyboard.press('Escape');
  await page.getByTestId('invite-submit').waitFor({ state: 'hidden' });

  await page.getByTestId('nav-audit-log').click();
  await page.locator('.ant-picker-range').click();
  const weekdays = await page.locator('.ant-picker-dropdown .ant-picker-content thead').first().innerText();
  assert.match(weekdays, /一\s+二\s+三\s+四\s+五\s+六\s+日/, `Chinese weekdays starting on Monday, got ${weekdays}`);
  await page.keyboard.press('Escape');

  // "*" reads as "all event types" and stands alone, as the server keeps it.
  await page.getByTestId('nav-webhooks').click();
  await page.getByTestId('webhook-create').click();
  await page.getByTestId('webhook-event-types').click();
  await page.locator('.ant-select-item-option[title="全部事件"]').click();
  await page.locator('.ant-select-item-option[title="workspace.created"]').click();
  await page.keyboard.press('Escape');
  const chosen = await page.getByTestId('webhook-event-types').locator('.ant-select-selection-item').allInnerTexts();
  assert.deepEqual(chosen, ['workspace.created']);
  await page.close();
});

test('given a phone, when the owner uses the console, then the menu opens from the header as a drawer, the header keeps language and account in reach, and no page scrolls sideways', async (t) => {
  if (skipWithoutChromium(t, 'the console browser test')) return;
  assert.ok(server && browser);
  const context = await newConsoleContext(browser, { locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(`${server.url}/console/`);
  await page.getByTestId('sign-in-email').fill(OPERATOR.email);
  await page.getByTestId('sign-in-password').fill(OPERATOR.password);
  await page.getByTestId('sign-in-submit').click();
  await page.waitForURL(/\/console\/w\/[^/]+\/overview$/);
  const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  for (const testId of ['nav-open', 'workspace-switcher', 'workspace-create', 'language-switch', 'user-menu']) {
    const box = await page.getByTestId(testId).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `${testId} is on screen: ${JSON.stringify(box)}`);
  }
  assert.equal(await page.getByTestId('workspace-create').getAttribute('aria-label'), '创建工作区');
  assert.equal(await page.getByTestId('nav-invites').count(), 0, 'the menu waits in the drawer');
  assert.equal(await sideways(), 0);

  await page.getByTestId('nav-open').click();
  await page.getByTestId('nav-invites').click();
  await page.waitForURL(/\/invites$/);
  await page.getByTestId('nav-invites').waitFor({ state: 'hidden' });
  await page.getByTestId('invite-create').waitFor();
  assert.equal(await sideways(), 0, 'the invite list scrolls inside its table, not the page');
  await screenshot(page, 'console-phone-invites');

  // A code's page: the stats card keeps its title, its ranges move into the card.
  const workspaceId = new URL(page.url()).pathname.split('/')[3]!;
  const call = sessionApi(context.request, server.url);
  const group = await call<{ id: string }>('POST', `/workspaces/${workspaceId}/groups`, { kind: 'hosted', name: '手机测试群' });
  const code = await call<{ id: string }>('POST', `/workspaces/${workspaceId}/codes`, { groupId: group.id, name: '手机海报' });
  await page.goto(`${server.url}/console/w/${workspaceId}/codes/${code.id}`);
  const statsTitle = page.getByTestId('code-stats').locator('.ant-card-head-title');
  await statsTitle.filter({ hasText: '扫码与入群' }).waitFor();
  const title = await statsTitle.evaluate((element) => ({ shown: element.clientWidth, needed: element.scrollWidth }));
  assert.ok(title.shown >= title.needed, `the title is not cut: ${JSON.stringify(title)}`);
  const ranges = await page.getByTestId('stats-range').boundingBox();
  assert.ok(ranges && ranges.x >= 0 && ranges.x + ranges.width <= 390, `the ranges fit: ${JSON.stringify(ranges)}`);
  assert.equal(await sideways(), 0);

  await page.getByTestId('user-menu').click();
  await page.getByTestId('sign-out').click();
  await page.waitForURL(/\/sign-in/);
  await context.close();
});
