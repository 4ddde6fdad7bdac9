import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.ts';
import { newId } from '../../src/ids.ts';
import { BULK_REVOKE_JOB_ATTEMPTS } from '../../src/modules/invites/bulk-revoke-background.ts';
import { registerBulkRevokeJobs } from '../../src/modules/invites/bulk-revoke-jobs.ts';
import { createJobRunner, type JobRunner } from '../../src/modules/jobs/runner.ts';
import { Client } from '../harness/client.ts';
import { FakeClock } from '../harness/deps.ts';
import { DIALECTS } from '../harness/env.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';
import { insertInviteRows, inviteWorkspace, type InviteWorkspace } from './setup.ts';

/** The request's limit for this suite (the default is 100,000): selections of a few thousand codes go to the background. */
const MAX = 1000;
/** Codes per transaction of the job in this suite, so a selection takes several chunks. */
const CHUNK = 200;

for (const dialect of DIALECTS) {
  describe(`invite codes: bulk revokes over INVITE_BULK_REVOKE_MAX run in the background (${dialect})`, () => {
    let server: TestServer;
    let clock: FakeClock;
    let runner: JobRunner;
    const db = () => server.deps.db.kysely;
    const newRunner = () => {
      const fresh = createJobRunner(server.deps);
      registerBulkRevokeJobs(fresh, { chunkSize: CHUNK });
      return fresh;
    };
    const fresh = () => inviteWorkspace(server.url, server.deps, 'enterprise');
    const bulk = (ws: InviteWorkspace, body: unknown, headers?: Record<string, string>) => ws.api.post(`${ws.base}/invites/bulk-revoke`, body, headers);
    const read = (ws: InviteWorkspace, id: string) => ws.api.get(`${ws.base}/invite-bulk-revokes/${id}`);
    const statuses = async (ids: string[]) => new Set((await db().selectFrom('invites').select('status').where('id', 'in', ids).execute()).map((r) => r.status));
    const audits = async (workspaceId: string) =>
      (await db().selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId).where('action', '=', 'invite.bulk_revoked').orderBy('id').execute()).map((a) => ({
        ...a,
        details: JSON.parse(a.details) as Record<string, any>,
      }));
    const events = async (workspaceId: string, type: string) =>
      (await db().selectFrom('events').select('payload').where('workspace_id', '=', workspaceId).where('type', '=', type).orderBy('id').execute()).map((e) => JSON.parse(e.payload) as Record<string, any>);

    /** The database refuses to change this code, as if the process died in the middle of its chunk. */
    async function interruptAt(inviteId: string): Promise<void> {
      if (dialect === 'sqlite') {
        await sql.raw(`create trigger interrupt_bulk_revoke before update on invites when old.id = '${inviteId}' begin select raise(abort, 'interrupted mid-chunk'); end`).execute(db());
        return;
      }
      await sql.raw(`create or replace function interrupt_bulk_revoke() returns trigger language plpgsql as $$ begin raise exception 'interrupted mid-chunk'; end $$`).execute(db());
      await sql.raw(`create trigger interrupt_bulk_revoke before update on invites for each row when (old.id = '${inviteId}') execute function interrupt_bulk_revoke()`).execute(db());
    }
    const stopInterrupting = () => sql.raw(dialect === 'sqlite' ? 'drop trigger interrupt_bulk_revoke' : 'drop trigger interrupt_bulk_revoke on invites').execute(db());

    before(async () => {
      clock = new FakeClock(Date.UTC(2030, 6, 1, 9));
      server = await startTestServer(dialect, { clock, env: { INVITE_BULK_REVOKE_MAX: String(MAX) } });
      runner = newRunner();
    });
    after(() => server.stop());

    test('given a filter over the limit, when posted, then 202 with a queued bulk revoke and its Location; the job revokes exactly the codes matched at the request, skips those ended already, and writes one audit entry and one invite.bulk_revoked event', async () => {
      assert.equal(loadConfig({ SECRET_KEYS: `k1:${Buffer.alloc(32).toString('base64')}` }).inviteBulkRevokeMax, 100_000, 'the default limit');
      const ws = await fresh();
      const ids = await insertInviteRows(server.deps, ws.workspaceId, 1200);
      await db().updateTable('invites').set({ status: 'revoked', ended_at: clock.now(), revoked_reason: 'earlier' }).where('id', 'in', ids.slice(0, 10)).execute();
      await db().updateTable('invites').set({ status: 'expired', ended_at: clock.now(), archived_at: clock.now() }).where('id', 'in', ids.slice(10, 12)).execute();
      const filter = { ownerUserId: 'bulk-owner' };

      const accepted = await bulk(ws, { filter, reason: 'leaked list' });
      assert.equal(accepted.status, 202, accepted.text);
      const op = accepted.body;
      assert.equal(accepted.headers.get('location'), `/api/v1/workspaces/${ws.workspaceId}/invite-bulk-revokes/${op.id}`);
      assert.deepEqual(
        { ...op, id: undefined },
        {
          id: undefined,
          status: 'queued',
          selection: { filter },
          reason: 'leaked list',
          matched: 1200,
          revoked: 0,
          alreadyEnded: 0,
          error: null,
          createdAt: new Date(clock.now()).toISOString(),
          startedAt: null,
          finishedAt: null,
          updatedAt: new Date(clock.now()).toISOString(),
        },
      );
      assert.deepEqual((await read(ws, op.id)).body, op);
      assert.equal((await statuses(ids.slice(12))).has('revoked'), false, 'nothing is revoked before the job runs');

      // Codes made after the request match the filter too, but were not part of it.
      clock.advance(1000);
      const later = await insertInviteRows(server.deps, ws.workspaceId, 5, {}, 'LATE');
      await runner.runDueOnce();

      const done = (await read(ws, op.id)).body;
      assert.equal(done.status, 'succeeded', JSON.stringify(done));
      assert.deepEqual([done.matched, done.revoked, done.alreadyEnded], [1200, 1188, 12]);
      assert.equal(done.finishedAt, new Date(clock.now()).toISOString());
      assert.deepEqual(await statuses(ids.slice(12)), new Set(['revoked']));
      assert.deepEqual(await statuses(later), new Set(['active']), 'codes created after the request are left alone');
      const reasons = await db().selectFrom('invites').select(['revoked_reason', 'status']).where('id', 'in', [ids[0]!, ids[10]!, ids[500]!]).orderBy('id').execute();
      assert.deepEqual(reasons, [
        { revoked_reason: 'earlier', status: 'revoked' },
        { revoked_reason: null, status: 'expired' },
        { revoked_reason: 'leaked list', status: 'revoked' },
      ]);

      const [audit, ...more] = await audits(ws.workspaceId);
      assert.deepEqual(more, [], 'one audit entry for the whole action');
      assert.equal(audit!.actor_type, 'api_key', 'the requester, not the job');
      assert.deepEqual(audit!.details, { selection: { filter }, reason: 'leaked list', matched: 1200, revoked: 1188, alreadyEnded: 12, bulkRevokeId: op.id });
      assert.deepEqual(await events(ws.workspaceId, 'invite.bulk_revoked'), [{ bulkRevoke: done }]);
      assert.deepEqual(await events(ws.workspaceId, 'invite.revoked'), [], 'no event per code');

      // Finished, it no longer holds the selection: the same filter again takes the later codes.
      const again = await bulk(ws, { filter });
      assert.equal(again.status, 202, again.text);
      await runner.runDueOnce();
      const second = (await read(ws, again.body.id)).body;
      assert.deepEqual([second.status, second.matched, second.revoked, second.alreadyEnded], ['succeeded', 1205, 5, 1200]);
    });

    test('given a batch over the limit, when the job is interrupted between chunks and a restarted process picks it up, then it resumes after the last committed chunk: no code revoked twice, none left out', async () => {
      const ws = await fresh();
      const batch = await ws.api.post(`${ws.base}/invite-batches`, { count: 4, owner: { userId: 'cards' }, purpose: 'referral' });
      assert.equal(batch.status, 202, batch.text);
      const batchId: string = batch.body.id;
      const codes = await insertInviteRows(server.deps, ws.workspaceId, 1100, { batch_id: batchId });
      const generating = await bulk(ws, { batchId });
      assert.equal(generating.status, 409, generating.text);
      assert.equal(generating.body.code, 'invite_batch_running', 'a batch still generating is refused in the background path too');
      assert.equal((await ws.api.post(`${ws.base}/invite-batches/${batchId}/cancel`)).status, 200);
      await db().updateTable('invites').set({ status: 'revoked', ended_at: clock.now() }).where('id', 'in', codes.slice(0, 5)).execute();

      await interruptAt(codes[450]!);
      const accepted = await bulk(ws, { batchId, reason: 'cards leaked' });
      assert.equal(accepted.status, 202, accepted.text);
      const id: string = accepted.body.id;
      assert.deepEqual(accepted.body.selection, { batchId });

      // While it runs, the same codes again (by batch or by the same filter) are refused with its id.
      for (const body of [{ batchId }, { filter: { batchId } }]) {
        const twice = await bulk(ws, body);
        assert.equal(twice.status, 409, twice.text);
        assert.equal(twice.body.code, 'invite_bulk_revoke_running');
        assert.equal(twice.body.bulkRevokeId, id);
        assert.match(twice.headers.get('content-type') ?? '', /^application\/problem\+json/);
      }

      const firstRun = clock.now();
      await runner.runDueOnce();
      const interrupted = (await read(ws, id)).body;
      assert.equal(interrupted.status, 'running');
      assert.deepEqual([interrupted.revoked, interrupted.alreadyEnded], [395, 5], 'two chunks committed, the third rolled back');
      assert.deepEqual(await statuses(codes.slice(400)), new Set(['active']));

      await stopInterrupting();
      clock.advance(60_000);
      runner = newRunner();
      await runner.runDueOnce();

      const done = (await read(ws, id)).body;
      assert.equal(done.status, 'succeeded', JSON.stringify(done));
      assert.deepEqual([done.matched, done.revoked, done.alreadyEnded], [1100, 1095, 5]);
      assert.deepEqual(await statuses(codes), new Set(['revoked']));
      // The first run's codes kept its time: the restarted run did not touch them again.
      const touched = await db().selectFrom('invites').select(['updated_at']).where('id', 'in', [codes[5]!, codes[399]!, codes[400]!, codes[1099]!]).orderBy('id').execute();
      assert.deepEqual(touched.map((r) => Number(r.updated_at)), [firstRun, firstRun, clock.now(), clock.now()]);
      const job = await db().selectFrom('jobs').select(['status', 'attempts']).where('id', '=', `invites.bulk-revoke:${id}`).executeTakeFirstOrThrow();
      assert.deepEqual([job.status, job.attempts], ['done', 2]);

      const [audit, ...more] = await audits(ws.workspaceId);
      assert.deepEqual(more, []);
      assert.deepEqual([audit!.target_type, audit!.target_id], ['invite_batch', batchId]);
      assert.deepEqual(audit!.details, { selection: { batchId }, reason: 'cards leaked', matched: 1100, revoked: 1095, alreadyEnded: 5, bulkRevokeId: id });
      assert.equal((await events(ws.workspaceId, 'invite.bulk_revoked')).length, 1);
    });

    test('given the same request with an Idempotency-Key, then the retry answers the same bulk revoke (202, Location included) and queues nothing more', async () => {
      const ws = await fresh();
      await insertInviteRows(server.deps, ws.workspaceId, MAX + 1);
      const headers = { 'idempotency-key': `bulk-${ws.workspaceId}` };
      const first = await bulk(ws, { filter: { state: 'active' } }, headers);
      assert.equal(first.status, 202, first.text);
      const retry = await bulk(ws, { filter: { state: 'active' } }, headers);
      assert.equal(retry.status, 202, retry.text);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(retry.body, first.body);
      assert.equal(retry.headers.get('location'), `${ws.base}/invite-bulk-revokes/${first.body.id}`);
      assert.equal(retry.headers.get('location'), first.headers.get('location'));
      const stored = await db().selectFrom('invite_bulk_revokes').select('id').where('workspace_id', '=', ws.workspaceId).execute();
      assert.deepEqual(stored.map((r) => r.id), [first.body.id]);
      await runner.runDueOnce();
      assert.equal((await read(ws, first.body.id)).body.revoked, MAX + 1);
    });

    test('given bulk revokes queued, running and finished, when listed, then newest first, status=active names those still queued or running, pages follow the cursor, and another workspace sees none', async () => {
      const ws = await fresh();
      const other = await fresh();
      await insertInviteRows(server.deps, ws.workspaceId, MAX + 1);
      const list = async (query: string) => {
        const answer = await ws.api.get(`${ws.base}/invite-bulk-revokes?${query}`);
        assert.equal(answer.status, 200, answer.text);
        return answer.body as { items: { id: string; status: string }[]; nextCursor: string | null };
      };
      // Three selections of the same codes: matched counts codes ended already, so each goes to the background.
      const done = (await bulk(ws, { filter: { purpose: 'referral' } })).body;
      await runner.runDueOnce();
      const queued = (await bulk(ws, { filter: { ownerUserId: 'bulk-owner' } })).body;
      const running = (await bulk(ws, { filter: { ownerUserId: 'bulk-owner', purpose: 'referral' } })).body;
      await db().updateTable('invite_bulk_revokes').set({ status: 'running', started_at: clock.now() }).where('id', '=', running.id).execute();

      assert.deepEqual((await list('')).items.map((b) => [b.id, b.status]), [[running.id, 'running'], [queued.id, 'queued'], [done.id, 'succeeded']]);
      assert.deepEqual((await list('status=active')).items.map((b) => b.id), [running.id, queued.id]);
      assert.deepEqual((await list('status=succeeded')).items.map((b) => b.id), [done.id]);
      const first = await list('limit=2');
      assert.deepEqual(first.items.map((b) => b.id), [running.id, queued.id]);
      const second = await list(`limit=2&cursor=${first.nextCursor}`);
      assert.deepEqual([second.items.map((b) => b.id), second.nextCursor], [[done.id], null]);
      assert.deepEqual((await other.api.get(`${other.base}/invite-bulk-revokes`)).body.items, []);
      for (const query of ['status=paused', 'limit=0', 'cursor=nonsense', 'extra=1']) {
        const refused = await ws.api.get(`${ws.base}/invite-bulk-revokes?${query}`);
        assert.equal(refused.status, 400, `${query}: ${refused.text}`);
        assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
      }
      await db().updateTable('invite_bulk_revokes').set({ status: 'queued', started_at: null }).where('id', '=', running.id).execute();
      await runner.runDueOnce();
      assert.deepEqual((await list('status=active')).items, []);
    });

    test('given a bulk revoke id that is unknown, malformed or another workspace’s, then 404 (or 400) problem+json', async () => {
      const ws = await fresh();
      const other = await fresh();
      await insertInviteRows(server.deps, ws.workspaceId, MAX + 1);
      const accepted = await bulk(ws, { filter: { purpose: 'referral' } });
      assert.equal(accepted.status, 202, accepted.text);
      for (const [target, id, status] of [
        [ws, newId(), 404],
        [other, accepted.body.id, 404],
        [ws, 'not-an-id', 400],
      ] as const) {
        const refused = await read(target, id);
        assert.equal(refused.status, status, `${id}: ${refused.text}`);
        assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.equal(refused.body.code, status === 404 ? 'not_found' : 'validation_failed');
      }
      const readOnly = await ws.client.post(`${ws.base}/api-keys`, { name: 'reader', scopes: ['invites:read'] });
      assert.equal(readOnly.status, 201, readOnly.text);
      const reader = new Client(server.url, { apiKey: readOnly.body.secret });
      assert.equal((await reader.get(`${ws.base}/invite-bulk-revokes/${accepted.body.id}`)).status, 200, 'invites:read may follow it');
      assert.equal((await reader.post(`${ws.base}/invites/bulk-revoke`, { filter: { purpose: 'referral' } })).status, 403);
      await runner.runDueOnce();
    });

    test('given a bulk revoke whose job runs all died, when the runner gives up on it, then it is failed at once with the reason, its audit entry and event, and no longer holds its selection', async () => {
      const ws = await fresh();
      await insertInviteRows(server.deps, ws.workspaceId, MAX + 1);
      const accepted = await bulk(ws, { filter: { ownerUserId: 'bulk-owner' } });
      assert.equal(accepted.status, 202, accepted.text);
      const id: string = accepted.body.id;
      // What workers killed on every attempt leave behind: the bulk revoke running, its job claimed
      // for the last allowed attempt, and that claim's lease run out.
      await db().updateTable('invite_bulk_revokes').set({ status: 'running', started_at: clock.now() }).where('id', '=', id).execute();
      await db()
        .updateTable('jobs')
        .set({ status: 'running', attempts: BULK_REVOKE_JOB_ATTEMPTS, locked_by: 'killed-worker', locked_until: clock.now() - 1 })
        .where('id', '=', `invites.bulk-revoke:${id}`)
        .execute();
      await runner.runDueOnce();

      const failed = (await read(ws, id)).body;
      assert.equal(failed.status, 'failed', JSON.stringify(failed));
      assert.equal(
        failed.error,
        `The bulk revoke job gave up after ${BULK_REVOKE_JOB_ATTEMPTS} attempts; the last never finished (the process running it stopped or ran out of time); 0 of the ${MAX + 1} codes were revoked and stay revoked. Revoke the rest again with the same selection`,
      );
      assert.equal(failed.finishedAt, new Date(clock.now()).toISOString());
      const [audit, ...more] = await audits(ws.workspaceId);
      assert.deepEqual(more, []);
      assert.equal(audit!.details.error, failed.error);
      assert.deepEqual(await events(ws.workspaceId, 'invite.bulk_revoked'), [{ bulkRevoke: failed }]);
      const retried = await bulk(ws, { filter: { ownerUserId: 'bulk-owner' } });
      assert.equal(retried.status, 202, retried.text);
      await runner.runDueOnce();
      assert.equal((await read(ws, retried.body.id)).body.status, 'succeeded');
    });

    test('given a bulk revoke whose last attempt throws part-way, when the runner gives up, then it is failed with a reason that keeps internals in the log, and the chunks committed stay revoked', async () => {
      const ws = await fresh();
      const codes = await insertInviteRows(server.deps, ws.workspaceId, MAX + 1);
      const accepted = await bulk(ws, { filter: { ownerUserId: 'bulk-owner' } });
      assert.equal(accepted.status, 202, accepted.text);
      const id: string = accepted.body.id;
      await db().updateTable('jobs').set({ attempts: BULK_REVOKE_JOB_ATTEMPTS - 1 }).where('id', '=', `invites.bulk-revoke:${id}`).execute();
      await interruptAt(codes[450]!);
      try {
        await runner.runDueOnce();
      } finally {
        await stopInterrupting();
      }
      const failed = (await read(ws, id)).body;
      assert.equal(failed.status, 'failed', JSON.stringify(failed));
      assert.equal(failed.error, `An internal error stopped the bulk revoke (see the server log); 400 of the ${MAX + 1} codes were revoked and stay revoked. Revoke the rest again with the same selection`);
      assert.deepEqual([failed.revoked, failed.alreadyEnded], [400, 0]);
      assert.deepEqual(await statuses(codes.slice(0, 400)), new Set(['revoked']));
      assert.deepEqual(await statuses(codes.slice(400)), new Set(['active']));
      assert.equal((await audits(ws.workspaceId)).length, 1);
    });
  });
}
