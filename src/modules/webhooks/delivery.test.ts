import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { Deps } from '../../deps.ts';
import { recordEvent } from '../events/outbox.ts';
import { DIALECTS } from '../../../test/harness/env.ts';
import { openHarness, type Harness } from '../../../test/harness/deps.ts';
import { replayDelivery } from './deliveries.ts';
import { ATTEMPTS_PER_SERIES, createDeliveryWorker, deliverDueWebhooks, RETRY_DELAYS_MS } from './delivery.ts';
import { SUSTAINED_FAILURE_MS } from './endpoint-health.ts';
import { createWebhookEndpoint } from './endpoints.ts';
import { fanOutEvents } from './fan-out.ts';
import { seedWorkspace, startReceiver, withPrivateUrls, type Receiver, type Seeded } from './test-fixtures.ts';

for (const dialect of DIALECTS) {
  describe(`webhook delivery on ${dialect}`, () => {
    let h: Harness;
    let deps: Deps;
    let receiver: Receiver;
    let ws: Seeded;
    before(async () => {
      // Near real time: receivers (and standardwebhooks' verify) reject signatures older than 5 minutes.
      h = await openHarness(dialect, { start: Date.now(), env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
      deps = h.deps;
      receiver = await startReceiver();
      ws = await seedWorkspace(deps);
      await fanOutEvents(deps); // workspace.created, before any endpoint exists
    });
    after(async () => {
      await receiver.close();
      await h.close();
    });
    beforeEach(async () => {
      receiver.requests.length = 0;
      receiver.respond = { status: 200, body: 'ok' };
      // Each test starts without earlier tests' endpoints, deliveries and mails.
      await deps.db.kysely.deleteFrom('webhook_endpoints').execute();
      await deps.db.kysely.deleteFrom('mail_outbox').execute();
    });

    const db = () => deps.db.kysely;
    const delivery = (id: string) => db().selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const endpoint = (id: string) => db().selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    async function oneDelivery(endpointId: string) {
      return db().selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).executeTakeFirstOrThrow();
    }
    async function emit(payload: Record<string, unknown> = { apiKeyId: 'k1', name: 'ci' }) {
      const eventId = await recordEvent(db(), { workspaceId: ws.workspaceId, type: 'api_key.created', payload }, h.clock.now());
      await fanOutEvents(deps);
      return eventId;
    }

    it('given an event, then the endpoint receives it signed per Standard Webhooks and the attempt is logged', async () => {
      const { id, secret } = await createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: receiver.url, eventTypes: ['api_key.created'] });
      const eventId = await emit();
      assert.equal(await deliverDueWebhooks(deps), 1);

      assert.equal(receiver.requests.length, 1);
      const [request] = receiver.requests;
      assert.ok(request);
      const headers = request.headers as Record<string, string>;
      assert.deepEqual(new Webhook(secret).verify(request.body, headers), {
        type: 'api_key.created',
        timestamp: new Date(h.clock.now()).toISOString(),
        data: { apiKeyId: 'k1', name: 'ci', workspaceId: ws.workspaceId },
      });
      assert.equal(headers['webhook-id'], eventId);
      assert.equal(headers['content-type'], 'application/json');
      assert.equal(headers['user-agent'], 'joincode-webhooks/1');
      assert.throws(() => new Webhook(`whsec_${Buffer.alloc(24).toString('base64')}`).verify(request.body, headers), /No matching signature/);

      const row = await oneDelivery(id);
      assert.deepEqual([row.status, row.attempt_count, row.last_status_code, row.next_attempt_at], ['succeeded', 1, 200, null]);
      const attempts = await db().selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', row.id).execute();
      assert.equal(attempts.length, 1);
      assert.deepEqual([attempts[0]?.status_code, attempts[0]?.response_excerpt, attempts[0]?.attempted_at], [200, 'ok', h.clock.now()]);
      assert.equal(await deliverDueWebhooks(deps), 0, 'nothing left to do');
    });

    it('given a receiver answering 500, then retries follow 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h and the endpoint is disabled after a day of failure', async () => {
      const { id } = await createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: receiver.url, eventTypes: ['*'] });
      receiver.respond = { status: 500, body: 'down for maintenance' };
      await emit();
      const { id: deliveryId } = await oneDelivery(id);
      const started = h.clock.now();
      for (let attempt = 1; attempt <= ATTEMPTS_PER_SERIES; attempt += 1) {
        assert.equal(await deliverDueWebhooks(deps), 1, `attempt ${attempt} is due`);
        const row = await delivery(deliveryId);
        assert.equal(row.attempt_count, attempt);
        assert.equal(row.last_status_code, 500);
        const ep = await endpoint(id);
        assert.equal(ep.failing_since, started, 'failing since the first failure');
        if (attempt === ATTEMPTS_PER_SERIES) {
          assert.deepEqual([row.status, row.next_attempt_at], ['failed', null]);
          break;
        }
        const base = RETRY_DELAYS_MS[attempt - 1]!;
        const wait = row.next_attempt_at! - h.clock.now();
        assert.ok(wait >= base && wait <= base * 1.1, `attempt ${attempt}: waits ${wait} ms, schedule says ${base} ms + ≤10% jitter`);
        const disableDue = h.clock.now() - started >= SUSTAINED_FAILURE_MS;
        assert.equal(ep.status, disableDue ? 'disabled' : 'active');
        h.clock.advance(wait - 1);
        assert.equal(await deliverDueWebhooks(deps), 0, 'not before its time');
        h.clock.advance(1);
      }
      assert.equal(receiver.requests.length, ATTEMPTS_PER_SERIES);
      assert.equal(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size, 1, 'the same webhook-id on every retry');

      const ep = await endpoint(id);
      assert.deepEqual([ep.status, ep.disabled_at], ['disabled', h.clock.now()]);
      const event = await db().selectFrom('events').selectAll().where('type', '=', 'webhook_endpoint.disabled').where('workspace_id', '=', ws.workspaceId).executeTakeFirstOrThrow();
      assert.equal(JSON.parse(event.payload).endpointId, id);
      const mails = await db().selectFrom('mail_outbox').selectAll().where('workspace_id', '=', ws.workspaceId).execute();
      assert.deepEqual(mails.map((m) => m.to_address), [ws.ownerEmail]);
      assert.match(mails[0]!.subject, /disabled/);
      const attempts = await db().selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', deliveryId).execute();
      assert.deepEqual(new Set(attempts.map((a) => a.response_excerpt)), new Set(['down for maintenance']));
    });

    it('given a failing endpoint that succeeds again, then its failing streak is cleared', async () => {
      const { id } = await createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: receiver.url, eventTypes: ['*'] });
      receiver.respond = { status: 503, body: '' };
      await emit();
      await deliverDueWebhooks(deps);
      assert.equal((await endpoint(id)).failing_since, h.clock.now());
      receiver.respond = { status: 204, body: '' };
      h.clock.advance(RETRY_DELAYS_MS[0]! * 1.1);
      await deliverDueWebhooks(deps);
      const ep = await endpoint(id);
      assert.deepEqual([ep.failing_since, ep.status], [null, 'active']);
      assert.equal((await oneDelivery(id)).status, 'succeeded');
    });

    it('given 410 Gone, then the endpoint is disabled at once and its other deliveries wait', async () => {
      const { id } = await createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: receiver.url, eventTypes: ['*'] });
      receiver.respond = { status: 410, body: 'gone' };
      await emit({ n: 1 });
      await deliverDueWebhooks(deps);
      assert.equal((await endpoint(id)).status, 'disabled');
      await emit({ n: 2 });
      assert.equal(await deliverDueWebhooks(deps), 0);
      const mails = await db().selectFrom('mail_outbox').select('text_body').where('workspace_id', '=', ws.workspaceId).execute();
      assert.match(mails[0]!.text_body, /410 Gone/);
    });

    it('given private URLs are not allowed at delivery time, then the attempt fails without a request', async () => {
      const { id } = await createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: receiver.url, eventTypes: ['*'] });
      await emit();
      await deliverDueWebhooks(withPrivateUrls(deps, false));
      assert.equal(receiver.requests.length, 0);
      const row = await oneDelivery(id);
      assert.equal(row.status, 'pending');
      assert.match(row.last_error ?? '', /127\.0\.0\.1, a loopback address/);
    });

    it('given concurrent deliverers (two processes on PostgreSQL), then each delivery is attempted once', async () => {
      const { id } = await createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: receiver.url, eventTypes: ['*'] });
      for (let i = 0; i < 50; i += 1) await recordEvent(db(), { workspaceId: ws.workspaceId, type: 'staff.joined', payload: { i } }, h.clock.now());
      await fanOutEvents(deps);
      const second = dialect === 'postgres' ? { ...deps, db: h.openAnother() } : deps;
      const counts = await Promise.all([deliverDueWebhooks(deps), deliverDueWebhooks(second), deliverDueWebhooks(deps)]);
      assert.equal(counts.reduce((a, b) => a + b, 0), 50);
      assert.equal(receiver.requests.length, 50);
      assert.equal(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size, 50);
      const rows = await db().selectFrom('webhook_deliveries').select(['status', 'attempt_count']).where('endpoint_id', '=', id).execute();
      assert.ok(rows.every((r) => r.status === 'succeeded' && r.attempt_count === 1));
    });

    it('given a started delivery worker, then it delivers on its own and stop() waits for attempts in flight', async () => {
      await createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: receiver.url, eventTypes: ['*'] });
      await emit();
      const worker = createDeliveryWorker(deps, { pollMs: 10 });
      worker.start();
      while (receiver.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      await worker.stop();
      const rows = await db().selectFrom('webhook_deliveries').select('status').where('workspace_id', '=', ws.workspaceId).execute();
      assert.deepEqual(rows.map((r) => r.status), ['succeeded']);
    });

    it('given a failed delivery, then replay starts a new series with the full retry schedule and keeps the attempt count', async () => {
      const { id } = await createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: receiver.url, eventTypes: ['*'] });
      await emit();
      const row = await oneDelivery(id);
      // As if a whole series had failed.
      await db().updateTable('webhook_deliveries').set({ status: 'failed', attempt_count: 8, series_attempts: 8, next_attempt_at: null }).where('id', '=', row.id).execute();
      receiver.respond = { status: 500, body: '' };
      await replayDelivery(deps, ws.actor, ws.workspaceId, row.id);
      const replayed = await delivery(row.id);
      assert.deepEqual([replayed.status, replayed.next_attempt_at], ['pending', h.clock.now()]);
      assert.equal(await deliverDueWebhooks(deps), 1);
      const after = await delivery(row.id);
      assert.deepEqual([after.status, after.attempt_count, after.series_attempts], ['pending', 9, 1]);
      const wait = after.next_attempt_at! - h.clock.now();
      assert.ok(wait >= RETRY_DELAYS_MS[0]! && wait <= RETRY_DELAYS_MS[0]! * 1.1, 'back at the first step of the schedule');
      const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'webhook_delivery.replayed').where('target_id', '=', row.id).execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]?.actor_id, ws.actor.id);
    });
  });
}
