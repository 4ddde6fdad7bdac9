import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../app.ts';
import type { AppInstance } from '../../http/types.ts';
import { DIALECTS } from '../../../test/harness/env.ts';
import { openHarness, type Harness } from '../../../test/harness/deps.ts';
import { openSession, SESSION_COOKIE } from '../staff/sessions.ts';
import { seedWorkspace } from './test-fixtures.ts';

const PUBLIC_URL = 'https://93.184.215.14/hooks/joincode';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

for (const dialect of DIALECTS) {
  describe(`webhook routes on ${dialect}`, () => {
    let h: Harness;
    let app: AppInstance;
    let base: string;
    let otherBase: string;
    let call: (method: Method, url: string, body?: unknown) => Promise<{ status: number; body: any }>;
    let callAsOther: typeof call;

    before(async () => {
      h = await openHarness(dialect);
      app = await buildApp(h.deps);
      await app.ready();
      const signIn = async () => {
        const seeded = await seedWorkspace(h.deps);
        const session = await openSession(h.deps, seeded.actor.id!, '127.0.0.1', 'test');
        const headers = { cookie: `${SESSION_COOKIE}=${session.token}`, 'x-csrf-token': session.csrfToken };
        const send = async (method: Method, url: string, body?: unknown) => {
          const response = await app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
          return { status: response.statusCode, body: response.body ? response.json() : null };
        };
        return { send, base: `/api/v1/workspaces/${seeded.workspaceId}` };
      };
      const [owner, other] = [await signIn(), await signIn()];
      [call, base, callAsOther, otherBase] = [owner.send, owner.base, other.send, other.base];
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    it('given GET /event-types without credentials, then every event type is listed with its description', async () => {
      const response = await app.inject({ method: 'GET', url: '/api/v1/event-types' });
      assert.equal(response.statusCode, 200);
      const items = response.json().items as { type: string; description: string }[];
      assert.ok(items.some((i) => i.type === 'webhook.test' && i.description.length > 0));
    });

    it('given an owner, then an endpoint goes through create, list, get, disable, re-enable, rotate and delete', async () => {
      const created = await call('POST', `${base}/webhooks`, { url: PUBLIC_URL, description: 'CRM', eventTypes: ['staff.joined'] });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const { secret, ...endpoint } = created.body;
      assert.match(secret, /^whsec_/);
      assert.deepEqual({ ...endpoint, id: undefined, createdAt: undefined }, {
        id: undefined,
        url: PUBLIC_URL,
        description: 'CRM',
        eventTypes: ['staff.joined'],
        status: 'active',
        failingSince: null,
        disabledAt: null,
        createdAt: undefined,
      });
      assert.match(endpoint.createdAt, ISO);
      const path = `${base}/webhooks/${endpoint.id}`;

      const list = await call('GET', `${base}/webhooks`);
      assert.equal(list.status, 200);
      assert.deepEqual(list.body, { items: [endpoint], nextCursor: null });
      assert.deepEqual((await call('GET', path)).body, endpoint);

      const disabled = await call('PATCH', path, { status: 'disabled', eventTypes: ['*'] });
      assert.equal(disabled.status, 200);
      assert.deepEqual([disabled.body.status, disabled.body.eventTypes], ['disabled', ['*']]);
      assert.match(disabled.body.disabledAt, ISO);
      const enabled = await call('PATCH', path, { status: 'active' });
      assert.deepEqual([enabled.body.status, enabled.body.disabledAt], ['active', null]);

      const rotated = await call('POST', `${path}/rotate-secret`);
      assert.equal(rotated.status, 200);
      assert.match(rotated.body.secret, /^whsec_/);
      assert.notEqual(rotated.body.secret, secret);

      assert.equal((await call('DELETE', path)).status, 204);
      assert.equal((await call('GET', path)).status, 404);
    });

    it('given a test event, then its delivery is listed, shown with its payload, and can be replayed', async () => {
      const { body: endpoint } = await call('POST', `${base}/webhooks`, { url: PUBLIC_URL, eventTypes: ['*'] });
      const test = await call('POST', `${base}/webhooks/${endpoint.id}/test`);
      assert.equal(test.status, 202);
      const deliveries = await call('GET', `${base}/webhooks/${endpoint.id}/deliveries?limit=10`);
      assert.equal(deliveries.status, 200);
      assert.equal(deliveries.body.items.length, 1);
      const [item] = deliveries.body.items;
      assert.deepEqual(
        { id: item.id, eventType: item.eventType, status: item.status, attemptCount: item.attemptCount, lastStatusCode: item.lastStatusCode, lastError: item.lastError },
        { id: test.body.deliveryId, eventType: 'webhook.test', status: 'pending', attemptCount: 0, lastStatusCode: null, lastError: null },
      );
      assert.match(item.nextAttemptAt, ISO);

      const detail = await call('GET', `${base}/webhook-deliveries/${item.id}`);
      assert.equal(detail.status, 200);
      assert.deepEqual(detail.body.attempts, []);
      assert.equal(detail.body.payload.endpointId, endpoint.id);
      assert.equal((await call('POST', `${base}/webhook-deliveries/${item.id}/replay`)).status, 202);

      await call('PATCH', `${base}/webhooks/${endpoint.id}`, { status: 'disabled' });
      const refused = await call('POST', `${base}/webhook-deliveries/${item.id}/replay`);
      assert.deepEqual([refused.status, refused.body.code], [422, 'not_replayable']);
    });

    it('given a private or malformed URL, then 422 unsafe_webhook_url says why; unknown event types are a 400', async () => {
      const metadata = await call('POST', `${base}/webhooks`, { url: 'http://169.254.169.254/latest', eventTypes: ['*'] });
      assert.deepEqual([metadata.status, metadata.body.code], [422, 'unsafe_webhook_url']);
      assert.match(metadata.body.detail, /169\.254\.169\.254, a linkLocal address/);
      const ftp = await call('POST', `${base}/webhooks`, { url: 'ftp://example.com/', eventTypes: ['*'] });
      assert.deepEqual([ftp.status, ftp.body.code], [422, 'unsafe_webhook_url']);
      const unknown = await call('POST', `${base}/webhooks`, { url: PUBLIC_URL, eventTypes: ['nope'] });
      assert.deepEqual([unknown.status, unknown.body.code], [400, 'validation_failed']);
    });

    it('given many endpoints, then the list pages with a cursor, newest first', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) ids.push((await call('POST', `${base}/webhooks`, { url: PUBLIC_URL, eventTypes: ['*'] })).body.id);
      const first = await call('GET', `${base}/webhooks?limit=2`);
      assert.deepEqual(first.body.items.map((e: { id: string }) => e.id), [ids[2], ids[1]]);
      const second = await call('GET', `${base}/webhooks?limit=2&cursor=${first.body.nextCursor}`);
      assert.equal(second.body.items[0].id, ids[0]);
    });

    it("given another workspace's endpoint and delivery ids, then they are 404 there", async () => {
      const { body: endpoint } = await call('POST', `${base}/webhooks`, { url: PUBLIC_URL, eventTypes: ['*'] });
      const { body: test } = await call('POST', `${base}/webhooks/${endpoint.id}/test`);
      for (const [method, url] of [
        ['GET', `${otherBase}/webhooks/${endpoint.id}`],
        ['PATCH', `${otherBase}/webhooks/${endpoint.id}`],
        ['DELETE', `${otherBase}/webhooks/${endpoint.id}`],
        ['POST', `${otherBase}/webhooks/${endpoint.id}/rotate-secret`],
        ['POST', `${otherBase}/webhooks/${endpoint.id}/test`],
        ['GET', `${otherBase}/webhooks/${endpoint.id}/deliveries`],
        ['GET', `${otherBase}/webhook-deliveries/${test.deliveryId}`],
        ['POST', `${otherBase}/webhook-deliveries/${test.deliveryId}/replay`],
      ] as const) {
        const response = await callAsOther(method, url, method === 'PATCH' ? { description: 'x' } : undefined);
        assert.deepEqual([response.status, response.body.code], [404, 'not_found'], `${method} ${url}`);
      }
    });
  });
}
