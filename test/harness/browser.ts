import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type APIRequestContext, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { runCli, spawnServer, type ServerProcess } from './process.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Debian's Chromium; a browser is never downloaded. */
export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const CONSOLE_INDEX = path.join(REPO_ROOT, 'console/dist/index.html');

export interface Operator {
  email: string;
  password: string;
  name: string;
  workspace: string;
}

/** The real service (built console, fresh SQLite, `serverEnv` on top) with one operator, and a headless Chromium. */
export async function startBrowserSession(operator: Operator, serverEnv: Record<string, string> = {}): Promise<{ server: ServerProcess; browser: Browser }> {
  assert.ok(existsSync(CONSOLE_INDEX), `${CONSOLE_INDEX} is missing: run \`npm run build:console\` before the browser tests`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'joincode-browser-'));
  const env = { DATABASE_URL: path.join(dataDir, 'db.sqlite'), DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...serverEnv };
  await runCli(['create-operator', '--email', operator.email, '--password', operator.password, '--name', operator.name, '--workspace', operator.workspace], env);
  const server = await spawnServer({ args: ['src/main.ts', 'start'], env, readyPath: '/healthz', tempDir: dataDir });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return { server, browser };
}

/**
 * A browser context for the console, its reader asking for reduced motion: antd then shows dialogs
 * and drop-downs at once (the console honours the preference), so a click never lands on a
 * drop-down option or checkbox still moving in, which a loaded machine showed as lost clicks.
 */
export async function newConsoleContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ reducedMotion: 'reduce', ...options });
}

/** Skips loudly without Chromium; under CI=true a missing Chromium fails instead. */
export function skipWithoutChromium(t: { skip: (message: string) => void }, what: string): boolean {
  if (HAS_CHROMIUM) return false;
  const message = `${CHROMIUM} not found: ${what} did not run (apt-get install -y chromium)`;
  assert.notEqual(process.env.CI, 'true', message);
  console.warn(`\n!!! SKIPPED: ${message} !!!\n`);
  t.skip(message);
  return true;
}

/** Keeps a screenshot as a test artifact under test-artifacts/. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), animations: 'disabled', ...options });
}

/** Collects uncaught page errors and Content-Security-Policy violations; a test asserts it stays empty. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) errors.push(message.text());
  });
  return errors;
}

/** Signs the operator in through the console's form; the id of the workspace it lands on. */
export async function signIn(page: Page, baseUrl: string, operator: Operator): Promise<string> {
  await page.goto(`${baseUrl}/console/`);
  await page.getByTestId('sign-in-email').fill(operator.email);
  await page.getByTestId('sign-in-password').fill(operator.password);
  await page.getByTestId('sign-in-submit').click();
  await page.waitForURL(/\/console\/w\/[^/]+\/overview$/);
  return new URL(page.url()).pathname.split('/')[3]!;
}

/** The API as the signed-in console session (cookie, and the CSRF token for writes). */
export function sessionApi(request: APIRequestContext, base: string) {
  let csrf: string | undefined;
  return async <T>(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<T> => {
    csrf ??= ((await (await request.get(`${base}/api/v1/auth/session`)).json()) as { csrfToken: string }).csrfToken;
    const response = await request.fetch(`${base}/api/v1${url}`, { method, data: body, headers: method === 'GET' ? {} : { 'x-csrf-token': csrf } });
    const text = await response.text();
    assert.ok(response.ok(), `${method} ${url}: ${response.status()} ${text}`);
    return JSON.parse(text) as T;
  };
}
