import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Deps } from '../../deps.ts';
import { createJobRunner, JOB_LEASE_MS, retryDelayMs, SCHEDULE_CLOCK_SKEW_MS } from './runner.ts';
import { tickId } from './schedule.ts';
import { DIALECTS } from '../../../test/harness/env.ts';
import { openHarness, type Harness } from '../../../test/harness/deps.ts';

const DAY = 24 * 3600 * 1000;

for (const dialect of DIALECTS) {
  describe(`job runner on ${dialect}`, () => {
    let h: Harness;
    before(async () => {
      h = await openHarness(dialect);
    });
    after(() => h.close());
    beforeEach(async () => {
      await h.deps.db.kysely.deleteFrom('jobs').execute();
    });

    const job = (id: string) => h.deps.db.kysely.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    it('given a job enqueued in a rolled-back transaction, then it never exists; in a committed one, it runs once', async () => {
      const runner = createJobRunner(h.deps);
      const seen: unknown[] = [];
      runner.define<{ n: number }>({ name: 'note', handler: async (payload) => void seen.push(payload) });
      await assert.rejects(
        h.deps.db.kysely.transaction().execute(async (tx) => {
          await runner.enqueue(tx, 'note', { n: 1 });
          throw new Error('change failed');
        }),
      );
      const id = await h.deps.db.kysely.transaction().execute((tx) => runner.enqueue(tx, 'note', { n: 2 }));
      await runner.runDueOnce();
      assert.equal(await runner.runDueOnce(), 0);
      assert.deepEqual(seen, [{ n: 2 }]);
      const row = await job(id);
      assert.equal(row.status, 'done');
      assert.equal(row.finished_at, h.clock.now());
    });

    it('given a job due later, then it waits until the clock reaches run_at; an explicit id makes enqueue idempotent', async () => {
      const runner = createJobRunner(h.deps);
      let runs = 0;
      runner.define({ name: 'later', handler: async () => void (runs += 1) });
      await runner.enqueue(h.deps.db.kysely, 'later', null, { id: 'once', runAt: h.clock.now() + 60_000 });
      await runner.enqueue(h.deps.db.kysely, 'later', null, { id: 'once', runAt: h.clock.now() });
      await runner.runDueOnce();
      assert.equal(runs, 0);
      h.clock.advance(60_000);
      assert.equal(await runner.runDueOnce(), 1);
      assert.equal(runs, 1);
    });

    it('given a failing handler, then it retries with exponential back-off and ends failed with the last error', async () => {
      const runner = createJobRunner(h.deps);
      let calls = 0;
      runner.define({ name: 'flaky', maxAttempts: 3, handler: async (_p, ctx) => {
        calls += 1;
        assert.equal(ctx.attempt, calls);
        throw new Error(`boom ${calls}`);
      } });
      const id = await runner.enqueue(h.deps.db.kysely, 'flaky', {});
      await runner.runDueOnce();
      let row = await job(id);
      assert.equal(row.status, 'pending');
      assert.equal(row.run_at, h.clock.now() + retryDelayMs(1));
      assert.equal(row.last_error, 'boom 1');
      h.clock.advance(retryDelayMs(1) - 1);
      assert.equal(await runner.runDueOnce(), 0, 'not before the back-off has passed');
      h.clock.advance(1);
      assert.equal(await runner.runDueOnce(), 1);
      row = await job(id);
      assert.equal(row.run_at, h.clock.now() + retryDelayMs(2));
      assert.equal(retryDelayMs(2), 2 * retryDelayMs(1));
      h.clock.advance(retryDelayMs(2));
      assert.equal(await runner.runDueOnce(), 1);
      row = await job(id);
      assert.equal(row.status, 'failed');
      assert.equal(row.attempts, 3);
      assert.equal(row.last_error, 'boom 3');
      assert.equal(row.finished_at, h.clock.now());
      h.clock.advance(DAY);
      await runner.runDueOnce();
      assert.equal(calls, 3);
    });

    it('given a worker that died holding a job, then another claims it once the lease lapses', async () => {
      const dead = createJobRunner(h.deps, { workerId: 'dead' });
      dead.define({ name: 'work', maxAttempts: 2, handler: () => new Promise(() => {}) });
      const id = await dead.enqueue(h.deps.db.kysely, 'work', {});
      // Simulate the claim a crashed process made.
      await h.deps.db.kysely.updateTable('jobs').set({ status: 'running', locked_by: 'dead', locked_until: h.clock.now() + JOB_LEASE_MS, attempts: 1 }).where('id', '=', id).execute();
      const alive = createJobRunner(h.deps, { workerId: 'alive' });
      let runs = 0;
      alive.define({ name: 'work', maxAttempts: 2, handler: async () => void (runs += 1) });
      await alive.runDueOnce();
      assert.equal(runs, 0, 'the lease still holds');
      h.clock.advance(JOB_LEASE_MS + 1);
      await alive.runDueOnce();
      assert.equal(runs, 1);
      const row = await job(id);
      assert.equal(row.status, 'done');
      assert.equal(row.attempts, 2);
    });

    it('given a lost job that already used its last attempt, then it is failed instead of run again', async () => {
      const runner = createJobRunner(h.deps);
      let runs = 0;
      runner.define({ name: 'once', maxAttempts: 1, handler: async () => void (runs += 1) });
      const id = await runner.enqueue(h.deps.db.kysely, 'once', {});
      await h.deps.db.kysely.updateTable('jobs').set({ status: 'running', locked_by: 'gone', locked_until: h.clock.now() - 1, attempts: 1 }).where('id', '=', id).execute();
      await runner.runDueOnce();
      assert.equal(runs, 0);
      assert.equal((await job(id)).status, 'failed');
    });

    it('given an onGaveUp hook, then it runs once, with the last error, in the transaction that fails the job; not on the attempts before', async () => {
      const runner = createJobRunner(h.deps);
      const heard: unknown[] = [];
      runner.define({ name: 'noted', handler: async () => {} });
      runner.define<{ n: number }>({
        name: 'doomed',
        maxAttempts: 2,
        handler: async (_p, ctx) => Promise.reject(new Error(`boom ${ctx.attempt}`)),
        onGaveUp: async (payload, ctx) => {
          heard.push({ payload, jobId: ctx.jobId, attempts: ctx.attempts, lost: ctx.lost, error: (ctx.error as Error).message });
          await runner.enqueue(ctx.tx, 'noted', null, { id: 'owner-reacted', runAt: h.clock.now() + DAY });
        },
      });
      const id = await runner.enqueue(h.deps.db.kysely, 'doomed', { n: 7 });
      await runner.runDueOnce();
      assert.deepEqual(heard, [], 'a retry is still to come');
      h.clock.advance(retryDelayMs(1));
      await runner.runDueOnce();
      assert.deepEqual(heard, [{ payload: { n: 7 }, jobId: id, attempts: 2, lost: false, error: 'boom 2' }]);
      assert.deepEqual([(await job(id)).status, (await job('owner-reacted')).status], ['failed', 'pending']);
      h.clock.advance(DAY);
      await runner.runDueOnce();
      assert.equal(heard.length, 1);
    });

    it('given a process that dies before its onGaveUp hook commits, then the job is not failed, and once the lease lapses a restarted runner gives up on it again and the hook runs', async () => {
      const handler = async () => Promise.reject(new Error('boom'));
      const dying = createJobRunner(h.deps, { workerId: 'dying' });
      dying.define({ name: 'noted', handler: async () => {} });
      dying.define({
        name: 'doomed',
        maxAttempts: 1,
        handler,
        onGaveUp: async (_p, ctx) => {
          await dying.enqueue(ctx.tx, 'noted', null, { id: 'owner-reacted', runAt: h.clock.now() + DAY });
          // Where the process would die: the transaction never commits.
          throw new Error('process killed');
        },
      });
      const id = await dying.enqueue(h.deps.db.kysely, 'doomed', {});
      await dying.runDueOnce();
      let row = await job(id);
      assert.deepEqual([row.status, row.locked_by, row.attempts], ['running', 'dying', 1], 'still claimed by the dead worker');
      const reacted = () => h.deps.db.kysely.selectFrom('jobs').select('id').where('id', '=', 'owner-reacted').executeTakeFirst();
      assert.equal(await reacted(), undefined, "the hook's writes went with the transaction");

      const restarted = createJobRunner(h.deps, { workerId: 'restarted' });
      const heard: { attempts: number; lost: boolean; error: unknown }[] = [];
      restarted.define({ name: 'noted', handler: async () => {} });
      restarted.define({
        name: 'doomed',
        maxAttempts: 1,
        handler,
        onGaveUp: async (_p, ctx) => {
          heard.push({ attempts: ctx.attempts, lost: ctx.lost, error: ctx.error });
          await restarted.enqueue(ctx.tx, 'noted', null, { id: 'owner-reacted', runAt: h.clock.now() + DAY });
        },
      });
      await restarted.runDueOnce();
      assert.deepEqual(heard, [], 'not while the lease holds');
      h.clock.advance(JOB_LEASE_MS + 1);
      await restarted.runDueOnce();
      assert.deepEqual(heard, [{ attempts: 1, lost: true, error: undefined }]);
      row = await job(id);
      assert.deepEqual([row.status, row.last_error], ['failed', 'the worker running the last attempt stopped before finishing it']);
      assert.ok(await reacted());
      h.clock.advance(JOB_LEASE_MS + 1);
      await restarted.runDueOnce();
      assert.equal(heard.length, 1, 'once committed, the hook does not run again');
    });

    it('given a schedule, then each slot runs once, every N seconds and on cron', async () => {
      h.clock.ms = Date.UTC(2030, 0, 1, 2, 59, 58);
      const runner = createJobRunner(h.deps);
      const runs: string[] = [];
      runner.define({ name: 'tick', handler: async (payload: string, ctx) => void runs.push(`${payload}@${ctx.jobId}`) });
      runner.schedule({ name: 'fast', every: { seconds: 10 }, job: 'tick', payload: 'fast' });
      runner.schedule({ name: 'nightly', every: { cron: '0 3 * * *' }, job: 'tick', payload: 'nightly' });
      await runner.runDueOnce();
      await runner.runDueOnce();
      h.clock.advance(1_000);
      await runner.runDueOnce();
      h.clock.advance(1_000); // 03:00:00, a new slot for both
      await runner.runDueOnce();
      await runner.runDueOnce();
      const fastSlot = Date.UTC(2030, 0, 1, 2, 59, 50);
      const three = Date.UTC(2030, 0, 1, 3);
      assert.deepEqual(runs.sort(), [
        `fast@${tickId('fast', fastSlot)}`,
        `fast@${tickId('fast', three)}`,
        `nightly@${tickId('nightly', Date.UTC(2029, 11, 31, 3))}`,
        `nightly@${tickId('nightly', three)}`,
      ].sort());
    });

    it('given two processes ticking the same slots at once, then every tick runs exactly once', async () => {
      h.clock.ms = Date.UTC(2030, 0, 2);
      const runs = new Map<string, number>();
      const processes = ['a', 'b'].map((workerId) => {
        const deps: Deps = { ...h.deps, db: h.openAnother() };
        const runner = createJobRunner(deps, { workerId });
        runner.define({ name: 'count', handler: async (_p, ctx) => {
          runs.set(ctx.jobId, (runs.get(ctx.jobId) ?? 0) + 1);
          await new Promise((resolve) => setTimeout(resolve, 5));
        } });
        runner.schedule({ name: 'every-second', every: { seconds: 1 }, job: 'count' });
        return runner;
      });
      for (let slot = 0; slot < 20; slot += 1) {
        await Promise.all(processes.flatMap((runner) => [runner.runDueOnce(), runner.runDueOnce()]));
        h.clock.advance(1_000);
      }
      assert.equal(runs.size, 20);
      assert.deepEqual([...new Set(runs.values())], [1]);
    });

    it('given a tick still running when the next slot comes, then the next tick waits for it instead of overlapping', async () => {
      h.clock.ms = Date.UTC(2030, 0, 3);
      const runner = createJobRunner(h.deps);
      const runs: string[] = [];
      runner.define({ name: 'poll', handler: async (_p, ctx) => void runs.push(ctx.jobId) });
      runner.schedule({ name: 'poll', every: { seconds: 10 }, job: 'poll' });
      const first = tickId('poll', h.clock.now());
      await runner.enqueue(h.deps.db.kysely, 'poll', null, { id: first });
      await h.deps.db.kysely.updateTable('jobs').set({ status: 'running', locked_by: 'elsewhere', locked_until: h.clock.now() + JOB_LEASE_MS }).where('id', '=', first).execute();
      h.clock.advance(10_000);
      await runner.runDueOnce();
      assert.deepEqual(runs, [], 'the next slot is held back');
      await h.deps.db.kysely.updateTable('jobs').set({ status: 'done', locked_by: null }).where('id', '=', first).execute();
      h.clock.advance(1_000);
      await runner.runDueOnce();
      assert.deepEqual(runs, [tickId('poll', h.clock.now() - 1_000)], 'the held-back slot runs once the previous tick is done');
    });

    it('given finished jobs, then the purge removes those past retention and done ticks of past slots only', async () => {
      const runner = createJobRunner(h.deps);
      runner.define({ name: 'noop', handler: async () => {} });
      runner.schedule({ name: 'minutely', every: { seconds: 60 }, job: 'noop' });
      const old = await runner.enqueue(h.deps.db.kysely, 'noop', {});
      await runner.runDueOnce();
      h.clock.advance(7 * DAY + 60_000);
      const recent = await runner.enqueue(h.deps.db.kysely, 'noop', {});
      await runner.runDueOnce();
      const ticks = async () => (await h.deps.db.kysely.selectFrom('jobs').select('id').where('id', 'like', 'sched:minutely:%').execute()).map((r) => r.id);
      for (let i = 0; i < 10; i += 1) {
        h.clock.advance(60_000);
        await runner.runDueOnce();
      }
      assert.equal((await ticks()).length, 11);
      await runner.enqueue(h.deps.db.kysely, 'jobs.purge', null);
      await runner.runDueOnce();
      const ids = (await h.deps.db.kysely.selectFrom('jobs').select('id').execute()).map((r) => r.id);
      assert.ok(!ids.includes(old), 'done longer than 7 days ago');
      assert.ok(ids.includes(recent), 'done recently');
      const kept = await ticks();
      const horizon = h.clock.now() - SCHEDULE_CLOCK_SKEW_MS;
      assert.equal(kept.length, 6, 'ticks within the clock-skew window and the one current at its start');
      assert.ok(kept.every((id) => Number(id.split(':')[2]) >= horizon - 60_000));
    });

    it('given jobs in every state, then counts() reports each status', async () => {
      const runner = createJobRunner(h.deps);
      runner.define({ name: 'ok', handler: async () => {} });
      runner.define({ name: 'bad', maxAttempts: 1, handler: async () => Promise.reject(new Error('no')) });
      await runner.enqueue(h.deps.db.kysely, 'ok', {});
      await runner.enqueue(h.deps.db.kysely, 'bad', {});
      await runner.enqueue(h.deps.db.kysely, 'ok', {}, { runAt: h.clock.now() + 1000 });
      await runner.runDueOnce();
      const counts = await runner.counts();
      assert.equal(counts.done, 2, 'ok and the purge tick');
      assert.equal(counts.failed, 1);
      assert.equal(counts.pending, 1);
      assert.equal(counts.running, 0);
    });

    it('given a started runner, then it runs due jobs on its own and stop() waits for the running handler', async () => {
      const runner = createJobRunner(h.deps, { pollMs: 5 });
      let release = () => {};
      let started = () => {};
      const hasStarted = new Promise<void>((resolve) => (started = resolve));
      runner.define({ name: 'slow', handler: () => {
        started();
        return new Promise<void>((resolve) => (release = resolve));
      } });
      const id = await runner.enqueue(h.deps.db.kysely, 'slow', {});
      runner.start();
      await hasStarted;
      let stopped = false;
      const stopping = runner.stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(stopped, false);
      release();
      await stopping;
      assert.equal((await job(id)).status, 'done');
    });
  });
}
