import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_ALPHABET, readCode } from '../../src/modules/invites/alphabet.ts';
import { registerReserveJobs } from '../../src/modules/invites/reserve-jobs.ts';
import { createJobRunner, type JobRunner } from '../../src/modules/jobs/runner.ts';
import { FakeClock } from '../harness/deps.ts';
import { DIALECTS } from '../harness/env.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';
import { inviteWorkspace, type InviteWorkspace } from './setup.ts';

const DEFAULT_FORMAT = { alphabet: DEFAULT_ALPHABET, bodyLength: 8, prefix: '', suffix: '' };

for (const dialect of DIALECTS) {
  describe(`invite reserve pool: top-up and hand-out on throttle (${dialect})`, () => {
    let server: TestServer;
    let clock: FakeClock;
    let ws: InviteWorkspace;
    let runner: JobRunner;

    const reserve = async () => (await ws.api.get(`${ws.base}/invite-reserve`)).body;
    const reserveCodes = async () => (await server.deps.db.kysely.selectFrom('invite_reserve').select('code').where('workspace_id', '=', ws.workspaceId).execute()).map((r) => r.code);
    const createFor = (userId: string) => ws.api.post(`${ws.base}/invites`, { owner: { userId }, purpose: 'referral' });
    async function useQuota(userId: string): Promise<void> {
      for (let i = 0; i < 2; i++) assert.equal((await createFor(userId)).status, 201);
    }
    async function putReserve(body: Record<string, unknown>): Promise<Record<string, any>> {
      const put = await ws.api.request('PUT', `${ws.base}/invite-reserve`, body);
      assert.equal(put.status, 200, put.text);
      await runner.runDueOnce();
      return reserve();
    }

    before(async () => {
      clock = new FakeClock(Date.UTC(2030, 3, 1, 8));
      server = await startTestServer(dialect, { clock });
      ws = await inviteWorkspace(server.url, server.deps);
      // Two codes per owner per day, so owners are throttled quickly.
      const limits = await ws.client.patch(`/api/v1/workspaces/${ws.workspaceId}`, { limits: { inviteCodesPerOwnerPerDay: 2 } });
      assert.equal(limits.status, 200, limits.text);
      runner = createJobRunner(server.deps);
      registerReserveJobs(runner);
    });
    after(() => server.stop());

    test('given no reserve, when an owner is over the daily quota, then creating is refused with 429 invite_quota_exceeded', async () => {
      assert.deepEqual(await reserve(), { targetSize: 0, onThrottle: false, perOwnerPerDay: null, available: 0 });
      await useQuota('no-reserve');
      const refused = await createFor('no-reserve');
      assert.equal(refused.status, 429);
      assert.equal(refused.body.code, 'invite_quota_exceeded');
    });

    test('given a target and reserve on throttle, when the top-up runs, then the reserve holds that many well-formed codes no issued code has, and an owner over the quota gets one of them (origin reserve)', async () => {
      const filled = await putReserve({ targetSize: 30, onThrottle: true, perOwnerPerDay: null });
      assert.deepEqual(filled, { targetSize: 30, onThrottle: true, perOwnerPerDay: null, available: 30 });
      const waiting = await reserveCodes();
      assert.equal(new Set(waiting).size, 30);
      for (const code of waiting) assert.deepEqual(readCode(DEFAULT_FORMAT, code), { wellFormed: true });
      const issued = await server.deps.db.kysely.selectFrom('invites').select('code').where('workspace_id', '=', ws.workspaceId).where('code', 'in', waiting).execute();
      assert.deepEqual(issued, []);

      const handed = await createFor('no-reserve');
      assert.equal(handed.status, 201, handed.text);
      assert.equal(handed.body.origin, 'reserve');
      assert.ok(waiting.includes(handed.body.code));
      assert.ok(!(await reserveCodes()).includes(handed.body.code));
      const event = await server.deps.db.kysely.selectFrom('events').select('payload').where('type', '=', 'invite.created').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.equal(JSON.parse(event.payload).invite.origin, 'reserve');
      // Under the quota, codes are fresh as ever.
      const fresh = await createFor('someone-new');
      assert.equal(fresh.body.origin, 'api');
      assert.ok(!waiting.includes(fresh.body.code));
      const audit = await server.deps.db.kysely.selectFrom('audit_log').select('details').where('action', '=', 'invite_reserve.updated').executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(audit.details), { targetSize: 30, onThrottle: true, perOwnerPerDay: null });
    });

    test('given 40 concurrent creations by throttled owners and 29 codes in the reserve, then exactly 29 succeed, each with a different reserve code, the rest get 429 and the reserve is empty', async () => {
      const before = await reserveCodes();
      assert.equal(before.length, 29);
      await useQuota('crowd');
      const answers = await Promise.all(Array.from({ length: 40 }, () => createFor('crowd')));
      const created = answers.filter((a) => a.status === 201).map((a) => a.body);
      assert.equal(created.length, 29, answers.filter((a) => a.status !== 201 && a.status !== 429).map((a) => a.text).join('\n'));
      assert.equal(answers.filter((a) => a.status === 429 && a.body.code === 'invite_quota_exceeded').length, 11);
      assert.deepEqual(new Set(created.map((c) => c.origin)), new Set(['reserve']));
      assert.deepEqual(created.map((c) => c.code).sort(), [...before].sort());
      assert.deepEqual(await reserveCodes(), []);
    });

    test('given perOwnerPerDay 1, when a throttled owner asks twice, then the first gets a reserve code and the second the quota refusal while the reserve still has codes', async () => {
      await putReserve({ targetSize: 5, onThrottle: true, perOwnerPerDay: 1 });
      await useQuota('capped');
      assert.equal((await createFor('capped')).body.origin, 'reserve');
      const second = await createFor('capped');
      assert.equal(second.status, 429);
      assert.equal(second.body.code, 'invite_quota_exceeded');
      assert.equal((await reserve()).available, 4);
    });

    test('given a new code format, when the top-up runs, then codes of the old format are dropped and the reserve refills in the new one; target 0 empties it at the next scheduled run', async () => {
      const settings = await ws.api.request('PUT', `${ws.base}/invite-settings`, { alphabet: DEFAULT_ALPHABET, bodyLength: 10, prefix: 'R', suffix: '', retentionDays: 183, expiringLeadHours: 24 });
      assert.equal(settings.status, 200, settings.text);
      const refilled = await putReserve({ targetSize: 6, onThrottle: false, perOwnerPerDay: null });
      assert.equal(refilled.available, 6);
      for (const code of await reserveCodes()) assert.match(code, /^R[2-9A-HJ-NP-Z]{11}$/);
      // Reserve on throttle off: the reserve waits, and throttled owners are refused.
      await useQuota('off');
      assert.equal((await createFor('off')).status, 429);

      await ws.api.request('PUT', `${ws.base}/invite-reserve`, { targetSize: 0, onThrottle: false, perOwnerPerDay: null });
      clock.advance(300_000);
      await runner.runDueOnce();
      assert.equal((await reserve()).available, 0);
    });

    test('given reserve settings out of range, then 400 names the field', async () => {
      for (const [body, pointer] of [
        [{ targetSize: 100_001, onThrottle: true, perOwnerPerDay: null }, '/targetSize'],
        [{ targetSize: 10, onThrottle: 'yes', perOwnerPerDay: null }, '/onThrottle'],
        [{ targetSize: 10, onThrottle: true, perOwnerPerDay: 0 }, '/perOwnerPerDay'],
        [{ targetSize: 10, onThrottle: true }, '/perOwnerPerDay'],
      ] as const) {
        const refused = await ws.api.request('PUT', `${ws.base}/invite-reserve`, body);
        assert.equal(refused.status, 400, refused.text);
        assert.ok(refused.body.errors.some((e: { pointer: string }) => e.pointer === pointer), refused.text);
      }
    });
  });
}
