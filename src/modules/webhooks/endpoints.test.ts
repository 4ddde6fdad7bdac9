import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { recordEvent } from '../events/outbox.ts';
import { DIALECTS } from '../../../test/harness/env.ts';
import { openHarness, type Harness } from '../../../test/harness/deps.ts';
import { getDeliveryDetail, listEndpointDeliveries, replayDelivery } from './deliveries.ts';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  rotateWebhookSecret,
  sendTestEvent,
  updateWebhookEndpoint,
} from './endpoints.ts';
import { fanOutEvents } from './fan-out.ts';
import { openSecret } from './secrets.ts';
import { seedWorkspace, withPrivateUrls, type Seeded } from './test-fixtures.ts';

const URL_A = 'http://127.0.0.1:9/a';

function rejectsWith(code: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.code, code);
    if (pattern) assert.match(error.detail ?? '', pattern);
    return true;
  };
}

for (const dialect of DIALECTS) {
  describe(`webhook endpoints on ${dialect}`, () => {
    let h: Harness;
    let deps: Deps;
    let ws: Seeded;
    let other: Seeded;
    // Every test makes its own endpoints, so the two workspaces can be shared.
    before(async () => {
      h = await openHarness(dialect, { env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
      deps = h.deps;
      ws = await seedWorkspace(deps);
      other = await seedWorkspace(deps);
    });
    after(() => h.close());
    beforeEach(() => fanOutEvents(deps));

    const db = () => deps.db.kysely;
    const deliveriesOf = (endpointId: string) => db().selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).execute();
    const emit = (workspaceId: string | null, type: 'api_key.created' | 'staff.joined') => recordEvent(db(), { workspaceId, type, payload: { x: 1 } }, h.clock.now());

    it('given a new endpoint, then its secret is a whsec_ secret shown once and stored sealed', async () => {
      const created = await createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: URL_A, description: 'CRM', eventTypes: ['staff.joined', 'staff.joined'] });
      assert.match(created.secret, /^whsec_[A-Za-z0-9+/]{32}$/);
      assert.equal(Buffer.from(created.secret.slice(6), 'base64').length, 24);
      assert.deepEqual(created.eventTypes, ['staff.joined']);
      const row = await db().selectFrom('webhook_endpoints').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
      assert.ok(!row.secret.includes(created.secret.slice(6)));
      assert.equal(openSecret(deps.config.secretKeys, created.id, row.secret), created.secret);
      assert.throws(() => openSecret(deps.config.secretKeys, 'another-endpoint', row.secret));
      const view = await getWebhookEndpoint(deps, ws.workspaceId, created.id);
      assert.equal('secret' in view, false);
      const audit = await db().selectFrom('audit_log').select('action').where('target_id', '=', created.id).execute();
      assert.deepEqual(audit.map((a) => a.action), ['webhook_endpoint.created']);
    });

    it('given unknown event types or an unsafe URL, then creation is refused', async () => {
      await assert.rejects(createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: URL_A, eventTypes: ['nope.nope'] }), rejectsWith('validation_failed', /nope\.nope/));
      const strict = withPrivateUrls(deps, false);
      await assert.rejects(createWebhookEndpoint(strict, ws.actor, ws.workspaceId, { url: 'http://169.254.169.254/', eventTypes: ['*'] }), rejectsWith('unsafe_webhook_url', /linkLocal/));
      await assert.rejects(updateWebhookEndpoint(strict, ws.actor, ws.workspaceId, (await createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: URL_A, eventTypes: ['*'] })).id, { url: 'http://localhost/' }), rejectsWith('unsafe_webhook_url', /loopback/));
    });

    it('given events, then fan-out creates one delivery per subscribed active endpoint of the same workspace, once', async () => {
      const all = await createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: URL_A, eventTypes: ['*'] });
      const joined = await createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: URL_A, eventTypes: ['staff.joined'] });
      const off = await createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: URL_A, eventTypes: ['*'] });
      await updateWebhookEndpoint(deps, ws.actor, ws.workspaceId, off.id, { status: 'disabled' });
      const elsewhere = await createWebhookEndpoint(deps, other.actor, other.workspaceId, { url: URL_A, eventTypes: ['*'] });
      await emit(ws.workspaceId, 'api_key.created');
      await emit(ws.workspaceId, 'staff.joined');
      await emit(null, 'staff.joined');
      assert.equal(await fanOutEvents(deps), 3);
      assert.equal(await fanOutEvents(deps), 0);
      assert.deepEqual((await deliveriesOf(all.id)).map((d) => d.event_type).sort(), ['api_key.created', 'staff.joined']);
      assert.deepEqual((await deliveriesOf(joined.id)).map((d) => d.event_type), ['staff.joined']);
      assert.equal((await deliveriesOf(off.id)).length, 0);
      assert.equal((await deliveriesOf(elsewhere.id)).length, 0);
      const waiting = await db().selectFrom('events').select('id').where('dispatched_at', 'is', null).execute();
      assert.equal(waiting.length, 0);
    });

    it('given concurrent fan-outs (two processes on PostgreSQL), then no event is delivered twice', async () => {
      const all = await createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: URL_A, eventTypes: ['*'] });
      for (let i = 0; i < 450; i += 1) await emit(ws.workspaceId, 'staff.joined');
      // SQLite is one process with one connection; PostgreSQL gets a second pool, as a second process has.
      const second = dialect === 'postgres' ? { ...deps, db: h.openAnother() } : deps;
      const counts = await Promise.all([fanOutEvents(deps), fanOutEvents(second), fanOutEvents(deps)]);
      assert.equal(counts.reduce((a, b) => a + b, 0), 450);
      const rows = await deliveriesOf(all.id);
      assert.equal(rows.length, 450);
      assert.equal(new Set(rows.map((r) => r.event_id)).size, 450);
    });

    it('given a test event, then only that endpoint gets it', async () => {
      const target = await createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: URL_A, eventTypes: ['webhook.test'] });
      const bystander = await createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: URL_A, eventTypes: ['*'] });
      const { deliveryId } = await sendTestEvent(deps, ws.workspaceId, target.id);
      await fanOutEvents(deps);
      assert.deepEqual((await deliveriesOf(target.id)).map((d) => d.id), [deliveryId]);
      assert.equal((await deliveriesOf(bystander.id)).length, 0);
      const detail = await getDeliveryDetail(deps, ws.workspaceId, deliveryId);
      assert.deepEqual([detail.eventType, detail.status, detail.attempts], ['webhook.test', 'pending', []]);
      assert.equal(detail.payload.endpointId, target.id);
    });

    it("given another workspace's ids, then every lookup and change is a 404", async () => {
      const mine = await createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: URL_A, eventTypes: ['*'] });
      const { deliveryId } = await sendTestEvent(deps, ws.workspaceId, mine.id);
      const notFound = rejectsWith('not_found');
      const theirs = other.workspaceId;
      await assert.rejects(getWebhookEndpoint(deps, theirs, mine.id), notFound);
      await assert.rejects(updateWebhookEndpoint(deps, other.actor, theirs, mine.id, { description: 'x' }), notFound);
      await assert.rejects(rotateWebhookSecret(deps, other.actor, theirs, mine.id), notFound);
      await assert.rejects(sendTestEvent(deps, theirs, mine.id), notFound);
      await assert.rejects(deleteWebhookEndpoint(deps, other.actor, theirs, mine.id), notFound);
      await assert.rejects(listEndpointDeliveries(deps, theirs, mine.id, undefined, 10), notFound);
      await assert.rejects(getDeliveryDetail(deps, theirs, deliveryId), notFound);
      await assert.rejects(replayDelivery(deps, other.actor, theirs, deliveryId), notFound);
      assert.equal((await getWebhookEndpoint(deps, ws.workspaceId, mine.id)).id, mine.id);
    });

    it('given a disabled endpoint, then replay is refused; re-enabling clears the failure streak and allows it', async () => {
      const ep = await createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: URL_A, eventTypes: ['*'] });
      const { deliveryId } = await sendTestEvent(deps, ws.workspaceId, ep.id);
      await db().updateTable('webhook_endpoints').set({ status: 'disabled', disabled_at: 1, failing_since: 1 }).where('id', '=', ep.id).execute();
      await assert.rejects(replayDelivery(deps, ws.actor, ws.workspaceId, deliveryId), rejectsWith('not_replayable', /disabled/));
      const enabled = await updateWebhookEndpoint(deps, ws.actor, ws.workspaceId, ep.id, { status: 'active' });
      assert.deepEqual([enabled.status, enabled.failingSince, enabled.disabledAt], ['active', null, null]);
      await replayDelivery(deps, ws.actor, ws.workspaceId, deliveryId);
      await db().updateTable('webhook_deliveries').set({ locked_until: h.clock.now() + 1000 }).where('id', '=', deliveryId).execute();
      await assert.rejects(replayDelivery(deps, ws.actor, ws.workspaceId, deliveryId), rejectsWith('not_replayable', /in progress/));
    });

    it('given rotate and delete, then the secret changes and the endpoint goes with its deliveries', async () => {
      const ep = await createWebhookEndpoint(deps, ws.actor, ws.workspaceId, { url: URL_A, eventTypes: ['*'] });
      const { deliveryId } = await sendTestEvent(deps, ws.workspaceId, ep.id);
      const { secret } = await rotateWebhookSecret(deps, ws.actor, ws.workspaceId, ep.id);
      assert.notEqual(secret, ep.secret);
      const row = await db().selectFrom('webhook_endpoints').select('secret').where('id', '=', ep.id).executeTakeFirstOrThrow();
      assert.equal(openSecret(deps.config.secretKeys, ep.id, row.secret), secret);
      await deleteWebhookEndpoint(deps, ws.actor, ws.workspaceId, ep.id);
      await assert.rejects(getWebhookEndpoint(deps, ws.workspaceId, ep.id), rejectsWith('not_found'));
      assert.equal((await db().selectFrom('webhook_deliveries').select('id').where('id', '=', deliveryId).execute()).length, 0);
      const audit = await db().selectFrom('audit_log').select('action').where('target_id', '=', ep.id).orderBy('id').execute();
      assert.deepEqual(audit.map((a) => a.action), ['webhook_endpoint.created', 'webhook_endpoint.secret_rotated', 'webhook_endpoint.deleted']);
    });
  });
}
