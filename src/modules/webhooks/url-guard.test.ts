import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { AppError } from '../../errors.ts';
import { postWebhook } from './transport.ts';
import { forbiddenRange, resolveWebhookTarget } from './url-guard.ts';

async function refusal(url: string): Promise<string> {
  const error = await resolveWebhookTarget(url, false).then(
    () => assert.fail(`${url} was accepted`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AppError && error.code === 'unsafe_webhook_url', `${url}: ${String(error)}`);
  return error.detail ?? '';
}

describe('webhook URL guard', () => {
  const refused: [url: string, range: string][] = [
    ['http://127.0.0.1/hook', 'loopback'],
    ['http://10.1.2.3/', 'private'],
    ['http://172.16.0.1/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://169.254.169.254/latest/meta-data', 'linkLocal'],
    ['http://100.64.0.1/', 'carrierGradeNat'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://[::1]/', 'loopback'],
    ['http://[::]/', 'unspecified'],
    ['http://[fe80::1]/', 'linkLocal'],
    ['http://[fc00::1]/', 'uniqueLocal'],
    ['http://[fd12:3456::1]/', 'uniqueLocal'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:169.254.169.254]/', 'linkLocal'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://localhost:8080/hook', 'loopback'],
  ];
  for (const [url, why] of refused) {
    it(`given ${url}, then it is refused as ${why}`, async () => {
      assert.match(await refusal(url), new RegExp(`a ${why} address`));
    });
  }

  it('given a non-http scheme, credentials or garbage, then it is refused with the reason', async () => {
    assert.match(await refusal('ftp://example.com/x'), /https or http/);
    assert.match(await refusal('file:///etc/passwd'), /https or http/);
    assert.match(await refusal('https://user:pw@example.com/'), /user name or password/);
    assert.match(await refusal('not a url'), /not an absolute URL/);
    assert.match(await refusal('https://no-such-host.invalid/'), /could not be resolved/);
  });

  it('given a public address, then it is accepted and pinned', async () => {
    const target = await resolveWebhookTarget('https://93.184.215.14/hook', false);
    assert.deepEqual([target.address, target.family, target.url.pathname], ['93.184.215.14', 4, '/hook']);
    const v6 = await resolveWebhookTarget('https://[2606:4700:4700::1111]/', false);
    assert.deepEqual([v6.address, v6.family], ['2606:4700:4700::1111', 6]);
    assert.equal(forbiddenRange('8.8.8.8'), null);
  });

  it('given WEBHOOK_ALLOW_PRIVATE_URLS, then private hosts are accepted', async () => {
    const target = await resolveWebhookTarget('http://localhost:9/hook', true);
    assert.ok(['127.0.0.1', '::1'].includes(target.address));
  });
});

describe('webhook transport', () => {
  async function server(handler: http.RequestListener) {
    const s = http.createServer(handler);
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return { port: (s.address() as AddressInfo).port, close: () => new Promise<void>((resolve) => s.close(() => resolve())).then(() => s.closeAllConnections()) };
  }

  it('given a host name, then the connection goes to the pinned address, not to a fresh DNS answer', async () => {
    let host = '';
    const s = await server((req, res) => {
      host = req.headers.host ?? '';
      res.end('pinned');
    });
    const target = { url: new URL(`http://rebinding.invalid:${s.port}/hook`), address: '127.0.0.1', family: 4 as const };
    const result = await postWebhook(target, { 'content-type': 'application/json' }, '{}');
    await s.close();
    assert.equal(result.statusCode, 200);
    assert.equal(result.responseExcerpt, 'pinned');
    assert.equal(host, `rebinding.invalid:${s.port}`);
  });

  it('given a large response, then only the first 4 KiB are kept', async () => {
    const s = await server((_req, res) => res.writeHead(500).end('x'.repeat(100_000)));
    const result = await postWebhook({ url: new URL(`http://127.0.0.1:${s.port}/`), address: '127.0.0.1', family: 4 }, {}, '{}');
    await s.close();
    assert.equal(result.statusCode, 500);
    assert.equal(result.responseExcerpt?.length, 4096);
  });

  it('given a receiver that never answers, then the attempt ends at the response timeout', async () => {
    const s = await server(() => {});
    const limits = { connectTimeoutMs: 1000, responseTimeoutMs: 100, excerptBytes: 4096 };
    const result = await postWebhook({ url: new URL(`http://127.0.0.1:${s.port}/`), address: '127.0.0.1', family: 4 }, {}, '{}', limits);
    await s.close();
    assert.equal(result.statusCode, null);
    assert.match(result.error ?? '', /no complete response within 0.1 s/);
    assert.ok(result.durationMs >= 90 && result.durationMs < 1000);
  });

  it('given a redirect, then it is not followed', async () => {
    const s = await server((_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/' }).end());
    const result = await postWebhook({ url: new URL(`http://127.0.0.1:${s.port}/`), address: '127.0.0.1', family: 4 }, {}, '{}');
    await s.close();
    assert.equal(result.statusCode, 302);
  });

  it('given nothing listening, then the error is reported, not thrown', async () => {
    const s = await server(() => {});
    await s.close();
    const result = await postWebhook({ url: new URL(`http://127.0.0.1:${s.port}/`), address: '127.0.0.1', family: 4 }, {}, '{}');
    assert.equal(result.statusCode, null);
    assert.match(result.error ?? '', /ECONNREFUSED/);
  });
});
