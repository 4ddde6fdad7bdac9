import assert from 'node:assert/strict';

/**
 * A browser for the member pages without a browser engine: keeps cookies across requests, posts
 * url-encoded forms, never follows redirects.
 */
export class FormBrowser {
  cookies = new Map<string, string>();
  setCookies: string[] = [];
  constructor(
    readonly base: string,
    readonly extra: Record<string, string> = {},
  ) {}

  async send(method: string, path: string, form?: Record<string, string>) {
    const headers: Record<string, string> = { 'accept-language': 'en', ...this.extra };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(`${this.base}${path}`, { method, headers, body: form ? new URLSearchParams(form).toString() : undefined, redirect: 'manual' });
    this.setCookies = response.headers.getSetCookie();
    for (const cookie of this.setCookies) {
      const [pair = ''] = cookie.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      if (/Max-Age=0/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(index + 1));
    }
    return { status: response.status, location: response.headers.get('location'), headers: response.headers, text: await response.text() };
  }
  get(path: string) {
    return this.send('GET', path);
  }
  post(path: string, form: Record<string, string>) {
    return this.send('POST', path, form);
  }
}

/** The hidden CSRF form token of a page's (first) form. */
export function formToken(page: string): string {
  const match = /name="form" value="([^"]+)"/.exec(page);
  assert.ok(match, `a form token in ${page.slice(0, 500)}`);
  return match[1]!;
}

/** Every hidden field of a page's first form, as a browser would post them. */
export function hiddenFields(page: string): Record<string, string> {
  const form = /<form\b[\s\S]*?<\/form>/.exec(page)?.[0] ?? '';
  const fields: Record<string, string> = {};
  for (const match of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[match[1]!] = match[2]!.replaceAll('&amp;', '&');
  return fields;
}
