import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { newId } from '../../src/ids.ts';
import { readCode } from '../../src/modules/invites/alphabet.ts';
import { BATCH_JOB_ATTEMPTS } from '../../src/modules/invites/batch.ts';
import { registerBatchJobs } from '../../src/modules/invites/batch-jobs.ts';
import { createJobRunner, JOB_LEASE_MS, type JobRunner } from '../../src/modules/jobs/runner.ts';
import { FakeClock } from '../harness/deps.ts';
import { DIALECTS } from '../harness/env.ts';
import { startTestServer, TEST_SECRET_KEYS, type TestServer } from '../harness/server.ts';
import { inviteWorkspace, type InviteWorkspace } from './setup.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** 16 unambiguous characters and 6 of them per code: 16.7 million codes, so a 20,000 batch meets a few clashes inside its strata. */
const SMALL_FORMAT = { alphabet: '23456789ABCDEFGH', bodyLength: 6, prefix: 'VIP', suffix: '', retentionDays: 183, expiringLeadHours: 24 };

async function batchCodes(server: TestServer, batchId: string): Promise<{ total: number; distinct: number; codes: string[] }> {
  const rows = await server.deps.db.kysely.selectFrom('invites').select(['code', 'origin', 'purpose', 'owner_key', 'max_uses']).where('batch_id', '=', batchId).execute();
  return { total: rows.length, distinct: new Set(rows.map((r) => r.code)).size, codes: rows.map((r) => r.code) };
}

for (const dialect of DIALECTS) {
  describe(`invite batches: generation job, progress, resumption, cancel (${dialect})`, () => {
    let server: TestServer;
    let clock: FakeClock;
    let ws: InviteWorkspace;
    let other: InviteWorkspace;
    let runner: JobRunner;
    before(async () => {
      clock = new FakeClock(Date.UTC(2030, 2, 3, 10));
      server = await startTestServer(dialect, { clock });
      ws = await inviteWorkspace(server.url, server.deps);
      other = await inviteWorkspace(server.url, server.deps);
      runner = createJobRunner(server.deps);
      registerBatchJobs(runner);
    });
    after(() => server.stop());

    test('given a batch of 20,000, when its worker is killed mid-batch and the job is picked up after its lease, then it resumes where the committed chunks ended: exactly 20,000 distinct valid codes, one completion event', async () => {
      const settings = await ws.api.request('PUT', `${ws.base}/invite-settings`, SMALL_FORMAT);
      assert.equal(settings.status, 200, settings.text);
      const created = await ws.api.post(`${ws.base}/invite-batches`, {
        count: 20_000,
        owner: { userId: 'shop-9', displayName: '九号店' },
        purpose: 'tracking',
        tags: { channel: 'offline-cards' },
        validity: '180d',
        maxUses: 1,
      });
      assert.equal(created.status, 202, created.text);
      const batch = created.body;
      assert.equal(batch.state, 'queued');
      assert.deepEqual([batch.generated, batch.total], [0, 20_000]);
      assert.deepEqual(batch.settings.owner, { type: 'user', id: 'shop-9', displayName: '九号店' });

      // A worker process of its own runs the job in chunks of 100 and is killed while it works.
      const worker = spawn(process.execPath, ['--import', 'tsx', 'test/invites/batch-worker.ts'], {
        cwd: REPO_ROOT,
        env: { ...process.env, WORKER_DATABASE_URL: server.database.url, WORKER_DATA_DIR: server.database.dataDir, WORKER_SECRET_KEYS: TEST_SECRET_KEYS, WORKER_CLOCK: String(clock.now()), WORKER_CHUNK: '100' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      worker.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<NodeJS.Signals | number | null>((resolve) => worker.once('exit', (code, signal) => resolve(signal ?? code)));
      const seen: number[] = [];
      let progress = batch;
      while (progress.generated < 3000) {
        const read = await ws.api.get(`${ws.base}/invite-batches/${batch.id}`);
        assert.equal(read.status, 200, read.text);
        progress = read.body;
        seen.push(progress.generated);
        assert.ok(progress.generated < 20_000, `the worker finished before it could be killed (${stderr})`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      worker.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL', stderr);
      assert.ok(seen.some((n) => n > 0 && n < 3000), `progress was visible along the way: ${seen.slice(-5).join(', ')}`);

      const killed = (await ws.api.get(`${ws.base}/invite-batches/${batch.id}`)).body;
      assert.equal(killed.state, 'running');
      assert.ok(killed.generated >= 3000 && killed.generated < 20_000 && killed.generated % 100 === 0, `stopped at ${killed.generated}`);
      // Only whole chunks were committed: the one in flight at the kill left nothing behind.
      assert.equal((await batchCodes(server, batch.id)).total, killed.generated);

      clock.advance(JOB_LEASE_MS + 1000);
      await runner.runDueOnce();
      const done = (await ws.api.get(`${ws.base}/invite-batches/${batch.id}`)).body;
      assert.equal(done.state, 'done');
      assert.equal(done.generated, 20_000);
      assert.ok(done.finishedAt);
      const stored = await batchCodes(server, batch.id);
      assert.deepEqual([stored.total, stored.distinct], [20_000, 20_000]);
      const format = { alphabet: SMALL_FORMAT.alphabet, bodyLength: 6, prefix: 'VIP', suffix: '' };
      assert.deepEqual(stored.codes.filter((code) => !readCode(format, code).wellFormed), []);
      // Every first character of the body starts its share of the codes.
      const firsts = new Map<string, number>();
      for (const code of stored.codes) firsts.set(code[3]!, (firsts.get(code[3]!) ?? 0) + 1);
      assert.deepEqual([...firsts.values()], Array(16).fill(1250));

      const job = await server.deps.db.kysely.selectFrom('jobs').selectAll().where('id', '=', `invites.batch:${batch.id}`).executeTakeFirstOrThrow();
      assert.deepEqual([job.status, job.attempts], ['done', 2]);
      const events = await server.deps.db.kysely.selectFrom('events').select(['type', 'payload']).where('workspace_id', '=', ws.workspaceId).where('type', 'in', ['invite.batch_completed', 'invite.created']).execute();
      assert.deepEqual(events.map((e) => e.type), ['invite.batch_completed']);
      assert.equal(JSON.parse(events[0]!.payload).batch.generated, 20_000);

      const listed = await ws.api.get(`${ws.base}/invites?batchId=${batch.id}&limit=3`);
      assert.equal(listed.body.items.length, 3);
      for (const invite of listed.body.items) {
        assert.equal(invite.batchId, batch.id);
        assert.equal(invite.origin, 'batch');
        assert.equal(invite.purpose, 'tracking');
        assert.deepEqual(invite.tags, { channel: 'offline-cards' });
        assert.deepEqual(invite.owner, { type: 'user', id: 'shop-9', displayName: '九号店' });
        assert.equal(invite.expiresAt, new Date(Date.parse(batch.createdAt) + 180 * 24 * 3600 * 1000).toISOString());
      }
      // A batch code redeems like any other.
      const redeemed = await ws.redeem(listed.body.items[0].code.toLowerCase(), 'card-holder');
      assert.equal(redeemed.status, 200, redeemed.text);
      assert.equal(redeemed.body.owner.id, 'shop-9');
    });

    test('given batches, when they are listed, read and exported by another workspace, then it finds none of them (404) and its own list is empty', async () => {
      const mine = await ws.api.post(`${ws.base}/invite-batches`, { count: 5, owner: { userId: 'u1' }, purpose: 'referral' });
      assert.equal(mine.status, 202, mine.text);
      for (const path of [`/invite-batches/${mine.body.id}`, `/invite-batches/${mine.body.id}/export`]) {
        const read = await other.api.get(`${other.base}${path}`);
        assert.equal(read.status, 404, `${path}: ${read.text}`);
        assert.equal(read.body.code, 'not_found');
      }
      const cancel = await other.api.post(`${other.base}/invite-batches/${mine.body.id}/cancel`);
      assert.equal(cancel.status, 404);
      assert.deepEqual((await other.api.get(`${other.base}/invite-batches`)).body.items, []);
      const listed = await ws.api.get(`${ws.base}/invite-batches?kind=generate&limit=1`);
      assert.equal(listed.body.items[0].id, mine.body.id);
      assert.ok(listed.body.nextCursor);
      await runner.runDueOnce();
    });

    test('given a queued batch, when it is cancelled, then its job makes no code, cancelling again changes nothing, and a finished batch cannot be cancelled (409)', async () => {
      const queued = (await ws.api.post(`${ws.base}/invite-batches`, { count: 50_000, owner: { userId: 'u2' }, purpose: 'referral' })).body;
      const cancelled = await ws.api.post(`${ws.base}/invite-batches/${queued.id}/cancel`);
      assert.equal(cancelled.status, 200, cancelled.text);
      assert.equal(cancelled.body.state, 'cancelled');
      await runner.runDueOnce();
      assert.equal((await batchCodes(server, queued.id)).total, 0);
      const again = await ws.api.post(`${ws.base}/invite-batches/${queued.id}/cancel`, {});
      assert.deepEqual(again.body, cancelled.body);

      const small = (await ws.api.post(`${ws.base}/invite-batches`, { count: 3, owner: { userId: 'u3' }, purpose: 'referral' })).body;
      await runner.runDueOnce();
      const finished = await ws.api.post(`${ws.base}/invite-batches/${small.id}/cancel`);
      assert.equal(finished.status, 409);
      assert.equal(finished.body.code, 'invite_batch_finished');
      const audit = await server.deps.db.kysely.selectFrom('audit_log').select('action').where('target_id', '=', queued.id).orderBy('id').execute();
      assert.deepEqual(audit.map((a) => a.action), ['invite_batch.created', 'invite_batch.cancelled']);
    });

    test('given bad batch requests, then 400 names the field and nothing is queued', async () => {
      const before = await server.deps.db.kysely.selectFrom('invite_batches').select('id').execute();
      const owner = { userId: 'bad' };
      const cases: [Record<string, unknown>, string][] = [
        [{ count: 0, owner, purpose: 'referral' }, '/count'],
        [{ count: 1_000_001, owner, purpose: 'referral' }, '/count'],
        // Over the pro plan's 100,000 per batch (and 1% of the small format's 16.7 million codes).
        [{ count: 200_000, owner, purpose: 'referral' }, '/count'],
        [{ count: 10, owner, purpose: 'campaign' }, '/campaignId'],
        [{ count: 10, owner: { memberId: newId() }, purpose: 'referral' }, '/owner/memberId'],
        [{ count: 10, owner, purpose: 'referral', validity: 'custom' }, '/expiresAt'],
      ];
      for (const [body, pointer] of cases) {
        const refused = await ws.api.post(`${ws.base}/invite-batches`, body);
        assert.equal(refused.status, 400, `${JSON.stringify(body)}: ${refused.text}`);
        assert.equal(refused.body.errors[0].pointer, pointer, refused.text);
      }
      assert.equal((await server.deps.db.kysely.selectFrom('invite_batches').select('id').execute()).length, before.length);
    });

    test("given the plan's inviteCodesPerBatch, then a larger batch is refused with 400 naming the limit, a free workspace stops at 1,000, and a limit the owner raises applies", async () => {
      const free = await inviteWorkspace(server.url, server.deps, 'free');
      const overFree = await free.api.post(`${free.base}/invite-batches`, { count: 1001, owner: { userId: 'f1' }, purpose: 'referral' });
      assert.equal(overFree.status, 400, overFree.text);
      assert.deepEqual(overFree.body.errors, [{ in: 'body', pointer: '/count', message: "is more than 1000, the most codes one batch may generate on this workspace's plan (free; limit inviteCodesPerBatch)" }]);
      assert.deepEqual(overFree.body.limit, { name: 'inviteCodesPerBatch', value: 1000, plan: 'free' });
      const atFree = await free.api.post(`${free.base}/invite-batches`, { count: 1000, owner: { userId: 'f1' }, purpose: 'referral' });
      assert.equal(atFree.status, 202, atFree.text);
      assert.equal((await free.api.post(`${free.base}/invite-batches/${atFree.body.id}/cancel`)).status, 200);

      const overPro = await ws.api.post(`${ws.base}/invite-batches`, { count: 100_001, owner: { userId: 'p1' }, purpose: 'referral' });
      assert.equal(overPro.status, 400, overPro.text);
      assert.deepEqual(overPro.body.limit, { name: 'inviteCodesPerBatch', value: 100_000, plan: 'pro' });
      const raised = await ws.client.patch(`/api/v1/workspaces/${ws.workspaceId}`, { limits: { inviteCodesPerBatch: 1_000_000 } });
      assert.equal(raised.status, 200, raised.text);
      assert.equal(raised.body.limits.inviteCodesPerBatch, 1_000_000);
      const accepted = await ws.api.post(`${ws.base}/invite-batches`, { count: 100_001, owner: { userId: 'p1' }, purpose: 'referral' });
      assert.equal(accepted.status, 202, accepted.text);
      assert.equal((await ws.api.post(`${ws.base}/invite-batches/${accepted.body.id}/cancel`)).status, 200);
      // Past the plan, the format's room still bounds a batch: 1% of the small format's 16.7 million codes is 167,772.
      const crowded = await ws.api.post(`${ws.base}/invite-batches`, { count: 200_000, owner: { userId: 'p1' }, purpose: 'referral' });
      assert.equal(crowded.status, 400, crowded.text);
      assert.match(crowded.body.errors[0].message, /1% of the codes the workspace's format can make/);
      const plans = await ws.api.get('/api/v1/plans');
      assert.deepEqual(plans.body.items.map((p: any) => [p.plan, p.limits.inviteCodesPerBatch]), [['free', 1000], ['pro', 100_000], ['enterprise', 1_000_000]]);
    });

    test('given a batch whose job runs all died, when the runner gives up on it (max attempts), then the batch is failed with the reason in the same step, not running for ever', async () => {
      const created = await ws.api.post(`${ws.base}/invite-batches`, { count: 10, owner: { userId: 'doomed' }, purpose: 'referral' });
      assert.equal(created.status, 202, created.text);
      const batchId: string = created.body.id;
      const db = server.deps.db.kysely;
      // What workers killed on every attempt leave behind: the batch marked running by the last
      // one, its job claimed for the last allowed attempt, and that claim's lease run out.
      await db.updateTable('invite_batches').set({ state: 'running', started_at: clock.now() }).where('id', '=', batchId).execute();
      await db
        .updateTable('jobs')
        .set({ status: 'running', attempts: BATCH_JOB_ATTEMPTS, locked_by: 'killed-worker', locked_until: clock.now() - 1 })
        .where('id', '=', `invites.batch:${batchId}`)
        .execute();
      await runner.runDueOnce();
      const job = await db.selectFrom('jobs').selectAll().where('id', '=', `invites.batch:${batchId}`).executeTakeFirstOrThrow();
      assert.deepEqual([job.status, job.last_error], ['failed', 'the worker running the last attempt stopped before finishing it'], 'the runner gave up without running the handler');

      const read = await ws.api.get(`${ws.base}/invite-batches/${batchId}`);
      assert.equal(read.body.state, 'failed', read.text);
      assert.equal(read.body.error, `The batch job gave up after ${BATCH_JOB_ATTEMPTS} attempts; the last never finished (the process running it stopped or ran out of time); 0 of 10 codes were made. Export or revoke them, or generate a new batch`);
      assert.equal(read.body.finishedAt, new Date(clock.now()).toISOString());
      const listed = await ws.api.get(`${ws.base}/invite-batches?state=failed`);
      assert.deepEqual(listed.body.items.map((b: any) => b.id), [batchId]);
    });

    test('given a batch whose last attempt throws, when the runner gives up, then the batch is failed at once with a reason that keeps internals in the log', async () => {
      const created = await ws.api.post(`${ws.base}/invite-batches`, { count: 10, owner: { userId: 'broken' }, purpose: 'referral' });
      assert.equal(created.status, 202, created.text);
      const batchId: string = created.body.id;
      const db = server.deps.db.kysely;
      // A stored format the job cannot read makes every run throw.
      await db.updateTable('invite_batches').set({ format: '{' }).where('id', '=', batchId).execute();
      await db.updateTable('jobs').set({ attempts: BATCH_JOB_ATTEMPTS - 1 }).where('id', '=', `invites.batch:${batchId}`).execute();
      await runner.runDueOnce();
      const job = await db.selectFrom('jobs').selectAll().where('id', '=', `invites.batch:${batchId}`).executeTakeFirstOrThrow();
      assert.equal(job.status, 'failed');
      const read = await ws.api.get(`${ws.base}/invite-batches/${batchId}`);
      assert.equal(read.body.state, 'failed', read.text);
      assert.equal(read.body.error, 'An internal error stopped the batch (see the server log); 0 of 10 codes were made. Export or revoke them, or generate a new batch');
    });
  });
}
