import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newId } from '../../src/ids.ts';
import { FakeClock } from '../harness/deps.ts';
import { DIALECTS } from '../harness/env.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';
import { eventsOf, insertInviteRows, inviteWorkspace, type InviteWorkspace } from './setup.ts';

const HOUR = 3600 * 1000;

for (const dialect of DIALECTS) {
  describe(`invite codes: bulk revoke by ids, filter or batch, and the code filter (${dialect})`, () => {
    let server: TestServer;
    let clock: FakeClock;
    let ws: InviteWorkspace;
    let other: InviteWorkspace;
    const db = () => server.deps.db.kysely;
    const bulk = (target: InviteWorkspace, body: unknown, headers?: Record<string, string>) => target.api.post(`${target.base}/invites/bulk-revoke`, body, headers);
    const statusOf = async (ids: string[]) => (await db().selectFrom('invites').select(['id', 'status']).where('id', 'in', ids).execute()).map((r) => r.status).sort();
    const bulkAudits = async (workspaceId: string) =>
      (await db().selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId).where('action', '=', 'invite.bulk_revoked').orderBy('id').execute()).map((a) => ({
        ...a,
        details: JSON.parse(a.details) as Record<string, any>,
      }));

    const insertCodes = (workspaceId: string, count: number, overrides: Record<string, unknown> = {}) => insertInviteRows(server.deps, workspaceId, count, overrides);

    before(async () => {
      clock = new FakeClock(Date.UTC(2030, 5, 1, 9));
      server = await startTestServer(dialect, { clock });
      ws = await inviteWorkspace(server.url, server.deps, 'enterprise');
      other = await inviteWorkspace(server.url, server.deps, 'enterprise');
    });
    after(() => server.stop());

    test('given codes in every state, when revoked by ids, then the live ones are revoked with one invite.revoked each, the ended ones are counted, and one audit entry names the selection and counts', async () => {
      const active = await ws.create({ owner: { userId: 'ids-owner', displayName: 'Ids' }, purpose: 'referral' });
      const used = await ws.create({ owner: { userId: 'ids-owner' }, purpose: 'referral' });
      assert.equal((await ws.redeem(used.code, 'ids-redeemer')).status, 200);
      const expired = await ws.create({ owner: { userId: 'ids-owner' }, purpose: 'referral', validity: 'custom', expiresAt: new Date(clock.now() + HOUR).toISOString() });
      const revoked = await ws.create({ owner: { userId: 'ids-owner' }, purpose: 'referral' });
      assert.equal((await ws.api.post(`${ws.base}/invites/${revoked.id}/revoke`, { reason: 'earlier' })).status, 200);
      const [archived] = await insertCodes(ws.workspaceId, 1, { code: 'ARCHIVED0001', status: 'expired', ended_at: clock.now() - 30 * 24 * HOUR, archived_at: clock.now() - 20 * 24 * HOUR });
      clock.advance(2 * HOUR);

      const ids = [active.id, used.id, expired.id, revoked.id, archived!];
      const result = await bulk(ws, { ids, reason: 'leaked in a public group' });
      assert.equal(result.status, 200, result.text);
      assert.deepEqual(result.body, { matched: 5, revoked: 3, alreadyEnded: 2 });

      for (const invite of [active, used, expired]) {
        const read = (await ws.api.get(`${ws.base}/invites/${invite.id}`)).body;
        assert.equal(read.state, 'revoked');
        assert.equal(read.revokedReason, 'leaked in a public group');
        const events = await eventsOf(server.deps, 'invite.revoked', invite.id);
        assert.equal(events.length, 1, 'one invite.revoked per code, as the single revoke records');
        assert.deepEqual(events[0], { invite: read, reason: 'leaked in a public group' });
      }
      // The code used up keeps the moment it ended; the others end now.
      const usedRow = await db().selectFrom('invites').select(['ended_at']).where('id', '=', used.id).executeTakeFirstOrThrow();
      assert.equal(Number(usedRow.ended_at), clock.now() - 2 * HOUR);
      assert.equal((await eventsOf(server.deps, 'invite.revoked', revoked.id)).length, 1, 'the code revoked before got no second event');
      assert.equal((await ws.api.get(`${ws.base}/invites/${revoked.id}`)).body.revokedReason, 'earlier');
      assert.equal((await db().selectFrom('invites').select('status').where('id', '=', archived!).executeTakeFirstOrThrow()).status, 'expired', 'archived history stays as it was');

      const [audit, ...more] = await bulkAudits(ws.workspaceId);
      assert.deepEqual(more, [], 'one audit entry for the whole action');
      assert.equal(audit!.actor_type, 'api_key');
      assert.deepEqual(audit!.details, { selection: { ids }, reason: 'leaked in a public group', matched: 5, revoked: 3, alreadyEnded: 2 });
      // Per-code audit rows would be one per code; the bulk action writes none of them.
      assert.equal((await db().selectFrom('audit_log').select('id').where('action', '=', 'invite.revoked').where('target_id', 'in', [active.id, used.id, expired.id]).execute()).length, 0);
    });

    test('given a filter, when revoked by it, then exactly the codes GET …/invites lists with that filter are revoked, on every page, and the code filter reads text as redeem does', async () => {
      const mine = [];
      for (let i = 0; i < 3; i++) mine.push(await ws.create({ owner: { userId: 'filter-owner' }, purpose: 'tracking', tags: { channel: 'poster' } }));
      const keep = await ws.create({ owner: { userId: 'filter-owner' }, purpose: 'referral' });
      const elsewhere = await ws.create({ owner: { userId: 'someone-else' }, purpose: 'tracking', tags: { channel: 'poster' } });
      const filter = { ownerUserId: 'filter-owner', purpose: 'tracking' };
      const listed = await ws.api.get(`${ws.base}/invites?ownerUserId=filter-owner&purpose=tracking&limit=1`);
      assert.equal(listed.body.items.length, 1);
      assert.ok(listed.body.nextCursor, 'the selection spans pages of the list');

      const result = await bulk(ws, { filter });
      assert.equal(result.status, 200, result.text);
      assert.deepEqual(result.body, { matched: 3, revoked: 3, alreadyEnded: 0 });
      assert.deepEqual(await statusOf(mine.map((i) => i.id)), ['revoked', 'revoked', 'revoked']);
      assert.deepEqual(await statusOf([keep.id, elsewhere.id]), ['active', 'active']);
      const again = await bulk(ws, { filter });
      assert.deepEqual(again.body, { matched: 3, revoked: 0, alreadyEnded: 3 }, 'revoking again changes nothing');
      const audits = await bulkAudits(ws.workspaceId);
      assert.deepEqual(audits.at(-1)!.details, { selection: { filter }, reason: null, matched: 3, revoked: 0, alreadyEnded: 3 });

      // The code filter: part of a code typed in lower case with a space and a full-width dash.
      const code: string = keep.code;
      const typed = `${code.slice(1, 4).toLowerCase()} ${code.slice(4, 6)}－${code.slice(6, 8).toLowerCase()}`;
      const found = await ws.api.get(`${ws.base}/invites?code=${encodeURIComponent(typed)}`);
      assert.equal(found.status, 200, found.text);
      assert.ok(found.body.items.some((i: any) => i.id === keep.id));
      assert.ok(found.body.items.every((i: any) => i.code.includes(code.slice(1, 8))));
      assert.deepEqual((await ws.api.get(`${ws.base}/invites?code=${code}&state=active`)).body.items.map((i: any) => i.id), [keep.id]);
      assert.deepEqual((await other.api.get(`${other.base}/invites?code=${code}`)).body.items, [], "another workspace's list never shows it");
      const byCode = await bulk(ws, { filter: { code: code.toLowerCase(), ownerUserId: 'filter-owner' } });
      assert.deepEqual(byCode.body, { matched: 1, revoked: 1, alreadyEnded: 0 });
      assert.deepEqual(await statusOf([keep.id, elsewhere.id]), ['active', 'revoked']);
    });

    test('given a batch, when revoked by batch id, then every code it made is revoked; a batch still generating is refused (409) until cancelled, and another workspace cannot name it (404)', async () => {
      const created = await ws.api.post(`${ws.base}/invite-batches`, { count: 4, owner: { userId: 'batch-owner' }, purpose: 'referral' });
      assert.equal(created.status, 202, created.text);
      const batchId = created.body.id;
      const running = await bulk(ws, { batchId });
      assert.equal(running.status, 409, running.text);
      assert.equal(running.body.code, 'invite_batch_running');
      assert.equal(running.body.state, 'queued');
      assert.match(running.body.detail, /cancel it first/);
      assert.equal((await ws.api.post(`${ws.base}/invite-batches/${batchId}/cancel`)).status, 200);
      // Its codes, as if the job had made some before the cancel.
      const ids = await insertCodes(ws.workspaceId, 3, { batch_id: batchId });
      const result = await bulk(ws, { batchId, reason: 'cards lost' });
      assert.equal(result.status, 200, result.text);
      assert.deepEqual(result.body, { matched: 3, revoked: 3, alreadyEnded: 0 });
      assert.deepEqual(await statusOf(ids), ['revoked', 'revoked', 'revoked']);
      const audit = (await bulkAudits(ws.workspaceId)).at(-1)!;
      assert.deepEqual([audit.target_type, audit.target_id], ['invite_batch', batchId]);
      assert.deepEqual(audit.details, { selection: { batchId }, reason: 'cards lost', matched: 3, revoked: 3, alreadyEnded: 0 });

      const foreign = await bulk(other, { batchId });
      assert.equal(foreign.status, 404, foreign.text);
      assert.equal(foreign.body.code, 'not_found');
      const foreignIds = await bulk(other, { ids });
      assert.equal(foreignIds.status, 400, "another workspace's codes are not its codes");
    });

    test('given the same request with an Idempotency-Key, then the retry answers the first counts again and writes no second audit entry', async () => {
      const invite = await ws.create({ owner: { userId: 'retry-owner' }, purpose: 'referral' });
      const headers = { 'idempotency-key': `bulk-${invite.id}` };
      const first = await bulk(ws, { ids: [invite.id] }, headers);
      assert.deepEqual(first.body, { matched: 1, revoked: 1, alreadyEnded: 0 });
      const before = (await bulkAudits(ws.workspaceId)).length;
      const retry = await bulk(ws, { ids: [invite.id] }, headers);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(retry.body, first.body);
      assert.equal((await bulkAudits(ws.workspaceId)).length, before);
    });

    test('given bad selections, then 400 (or 404) names what is wrong and nothing is revoked', async () => {
      const victim = await ws.create({ owner: { userId: 'bad-owner' }, purpose: 'referral' });
      const audits = (await bulkAudits(ws.workspaceId)).length;
      const cases: [unknown, string, string][] = [
        [{}, 'body', '/'],
        [{ reason: 'no selection' }, 'body', '/'],
        [{ ids: [victim.id], batchId: newId() }, 'body', '/'],
        [{ ids: [] }, 'body', '/ids'],
        [{ ids: [victim.id, victim.id] }, 'body', '/ids'],
        [{ ids: Array.from({ length: 1001 }, () => newId()) }, 'body', '/ids'],
        [{ ids: ['not-an-id'] }, 'body', '/ids/0'],
        [{ ids: [victim.id, newId()] }, 'body', '/ids/1'],
        [{ filter: {} }, 'body', '/filter'],
        [{ filter: { code: '%' } }, 'body', '/filter/code'],
        [{ filter: { code: ' - ' } }, 'body', '/filter/code'],
        [{ filter: { state: 'gone' } }, 'body', '/filter/state'],
        [{ filter: { colour: 'red' } }, 'body', '/filter/colour'],
        [{ ids: [victim.id], reason: 'x'.repeat(501) }, 'body', '/reason'],
      ];
      for (const [body, where, pointer] of cases) {
        const refused = await bulk(ws, body);
        assert.equal(refused.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${refused.text}`);
        assert.equal(refused.body.code, 'validation_failed');
        assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.ok(
          refused.body.errors.some((e: any) => e.in === where && e.pointer === pointer),
          `${JSON.stringify(body).slice(0, 80)} names ${pointer}: ${JSON.stringify(refused.body.errors)}`,
        );
      }
      const unknownBatch = await bulk(ws, { batchId: newId() });
      assert.equal(unknownBatch.status, 404);
      for (const code of ['%', 'AB_C', '邀请']) {
        const listed = await ws.api.get(`${ws.base}/invites?code=${encodeURIComponent(code)}`);
        assert.equal(listed.status, 400, listed.text);
        assert.deepEqual(listed.body.errors, [{ in: 'querystring', pointer: '/code', message: 'must be part of a code: letters and digits (spaces and dashes are ignored)' }]);
      }
      assert.equal((await ws.api.get(`${ws.base}/invites/export?code=%25`)).status, 400, 'the export takes the same filter');
      assert.equal((await ws.api.get(`${ws.base}/invites/${victim.id}`)).body.state, 'active');
      assert.equal((await bulkAudits(ws.workspaceId)).length, audits);
    });

    test('given a selection that fails part-way, then nothing of it is revoked and no event is written (one transaction)', async () => {
      const ids = await insertCodes(other.workspaceId, 600);
      // The last code's stored routing cannot be read: presenting it for its event throws, on the second page.
      await db().updateTable('invites').set({ routing: '{not json' }).where('id', '=', ids.at(-1)!).execute();
      const events = async () => (await db().selectFrom('events').select('id').where('workspace_id', '=', other.workspaceId).where('type', '=', 'invite.revoked').execute()).length;
      const failed = await bulk(other, { filter: { ownerUserId: 'bulk-owner' } });
      assert.equal(failed.status, 500, failed.text);
      assert.deepEqual(await statusOf(ids.slice(0, 3)), ['active', 'active', 'active']);
      assert.equal((await db().selectFrom('invites').select('id').where('workspace_id', '=', other.workspaceId).where('status', '=', 'revoked').execute()).length, 0);
      assert.equal(await events(), 0);
      assert.deepEqual(await bulkAudits(other.workspaceId), []);
      await db().deleteFrom('invites').where('workspace_id', '=', other.workspaceId).execute();
    });
  });
}
