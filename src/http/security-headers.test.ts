import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { registerSecurityHeaders } from './security-headers.ts';
import type { AppInstance } from './types.ts';

async function answers(publicUrl: string) {
  const app = Fastify() as unknown as AppInstance;
  registerSecurityHeaders(app, publicUrl);
  app.get('/page', { config: { securityHeaders: 'scan_page' } }, async () => 'page');
  app.get('/api', async () => ({}));
  const page = await app.inject({ url: '/page' });
  const api = await app.inject({ url: '/api' });
  await app.close();
  return { page: page.headers, api: api.headers };
}

describe('security headers', () => {
  it('given PUBLIC_URL on HTTPS, then scan pages carry Strict-Transport-Security too, as every other answer does', async () => {
    const { page, api } = await answers('https://join.example.com');
    assert.equal(page['strict-transport-security'], api['strict-transport-security']);
    assert.match(String(page['strict-transport-security']), /max-age=\d+/);
    assert.match(String(page['content-security-policy']), /upgrade-insecure-requests/);
  });

  it('given PUBLIC_URL on plain HTTP, then scan pages leave Strict-Transport-Security out and keep the CSP the rest carries', async () => {
    const { page, api } = await answers('http://192.168.1.20:3000');
    assert.equal(page['strict-transport-security'], undefined);
    assert.equal(page['content-security-policy'], api['content-security-policy']);
    assert.equal(page['x-frame-options'], undefined);
    assert.equal(api['x-frame-options'], 'SAMEORIGIN');
  });
});
