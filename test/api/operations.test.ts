import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '../harness/client.ts';
import { DIALECTS } from '../harness/env.ts';
import { operator } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

for (const dialect of DIALECTS) {
  describe(`operations endpoints (${dialect})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(dialect, { redis: true });
    });
    after(() => server.stop());

    test('given traffic, when /metrics is scraped, then it has latency by route pattern, outbox lag and job counts', async () => {
      const op = await operator(server.url, server.deps);
      await op.client.get(`/api/v1/workspaces/${op.workspaceId}`);
      const metrics = await new Client(server.url).get('/metrics');
      assert.equal(metrics.status, 200);
      assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
      assert.match(metrics.text, /joincode_http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/workspaces\/:workspaceId"/);
      assert.doesNotMatch(metrics.text, new RegExp(op.workspaceId), 'ids must not become label values');
      // Creating the operator wrote a workspace.created event that no dispatcher has picked up here.
      const lag = /^joincode_outbox_lag_seconds (\S+)$/m.exec(metrics.text);
      assert.ok(lag && Number(lag[1]) >= 0);
      assert.match(metrics.text, /^# TYPE joincode_jobs gauge$/m);
    });

    test('given the database and Redis answer, when /readyz is asked, then it says both are ok', async () => {
      const ready = await new Client(server.url).get('/readyz');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body.checks, { database: 'ok', redis: 'ok' });
    });

    test('given any response, then it carries the request id and security headers', async () => {
      const response = await new Client(server.url).get('/healthz', { 'x-request-id': 'caller-chosen-id-42' });
      assert.equal(response.headers.get('x-request-id'), 'caller-chosen-id-42');
      assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      const generated = await new Client(server.url).get('/healthz', { 'x-request-id': 'bad id with spaces' });
      assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9A-Z]{26}$/);
    });
  });
}

describe('readiness when Redis is gone', () => {
  test('given REDIS_URL names a server that does not answer, when /readyz is asked, then 503 not_ready names Redis', async () => {
    const server = await startTestServer('sqlite', { env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const ready = await new Client(server.url).get('/readyz');
      assert.equal(ready.status, 503);
      assert.equal(ready.body.code, 'not_ready');
      assert.match(ready.body.detail, /redis/);
      assert.equal((await new Client(server.url).get('/healthz')).status, 200);
    } finally {
      await server.stop();
    }
  });
});

describe('the console at /console/', () => {
  test('given the built console, when pages and assets are asked for, then the shell is served for app paths and missing assets are 404', async () => {
    const server = await startTestServer('sqlite');
    try {
      const client = new Client(server.url);
      const bare = await client.get('/console');
      assert.equal(bare.status, 302);
      assert.equal(bare.headers.get('location'), '/console/');
      for (const path of ['/console/', '/console/sign-in', '/console/w/01ARZ3NDEKTSV4RRFFQ69G5FAV/staff']) {
        const page = await client.get(path);
        assert.equal(page.status, 200, path);
        assert.match(page.text, /<div id="root">/);
        assert.equal(page.headers.get('cache-control'), 'no-cache');
      }
      const missing = await client.get('/console/assets/old-build-123.js');
      assert.equal(missing.status, 404);
      assert.equal(missing.body.code, 'not_found');
    } finally {
      await server.stop();
    }
  });
});

describe('operations endpoints: /metrics behind METRICS_TOKEN', () => {
  const TOKEN = 'scrape-token-0123456789abcdef';
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite', { env: { METRICS_TOKEN: TOKEN } });
  });
  after(() => server.stop());

  test('given METRICS_TOKEN, when /metrics is asked without it, with another or as a session, then 401 problem+json asking for a bearer token; with it, the metrics', async () => {
    const anyone = new Client(server.url);
    const op = await operator(server.url, server.deps);
    for (const [who, headers] of [
      ['nobody', {}],
      ['a wrong token', { authorization: 'Bearer scrape-token-0123456789abcdeX' }],
      ['the token without Bearer', { authorization: TOKEN }],
      ['a longer token', { authorization: `Bearer ${TOKEN}x` }],
    ] as const) {
      const refused = await anyone.get('/metrics', headers);
      assert.equal(refused.status, 401, who);
      assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/, who);
      assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="metrics"', who);
      assert.equal(refused.body.code, 'unauthenticated', who);
      assert.doesNotMatch(refused.text, /joincode_/, who);
    }
    assert.equal((await op.client.get('/metrics')).status, 401, "an operator's session is not the scrape token");
    const scraped = await anyone.get('/metrics', { authorization: `Bearer ${TOKEN}` });
    assert.equal(scraped.status, 200, scraped.text);
    assert.match(scraped.text, /^# TYPE joincode_jobs gauge$/m);
  });
});
