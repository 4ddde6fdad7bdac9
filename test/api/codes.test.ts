import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { registerCodeJobs } from '../../src/modules/codes/jobs.ts';
import { createJobRunner } from '../../src/modules/jobs/runner.ts';
import { Client } from '../harness/client.ts';
import { FakeClock } from '../harness/deps.ts';
import { DIALECTS } from '../harness/env.ts';
import { operator } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

const tokenOf = (url: string) => url.split('/j/')[1]!;

for (const dialect of DIALECTS) {
  describe(`join codes API (${dialect})`, () => {
    let server: TestServer;
    let clock: FakeClock;
    let owner: Awaited<ReturnType<typeof operator>>;
    let base: string;
    let groupId: string;
    before(async () => {
      clock = new FakeClock(Date.UTC(2030, 0, 6, 9));
      server = await startTestServer(dialect, { clock });
      owner = await operator(server.url, server.deps);
      base = `/api/v1/workspaces/${owner.workspaceId}/codes`;
      const group = await owner.client.post(`/api/v1/workspaces/${owner.workspaceId}/groups`, { kind: 'hosted', name: 'Spring Camp 1群' });
      assert.equal(group.status, 201, group.text);
      groupId = group.body.id;
    });
    after(() => server.stop());

    test('given a free workspace, when a code is created with defaults, then it lives 168 h, caps 100 scans a day, carries its tags and a code.created event is written', async () => {
      const created = await owner.client.post(base, { groupId, tags: { utm_source: 'weibo', utm_campaign: 'spring', channel: 'poster-A' } });
      assert.equal(created.status, 201, created.text);
      const code = created.body;
      assert.equal(code.validityHours, 168);
      assert.equal(code.scansPerDayCap, 100);
      assert.equal(code.name, 'Spring Camp 1群');
      assert.equal(code.state, 'active');
      assert.equal(code.expiresAt, new Date(Date.UTC(2030, 0, 6, 9) + 168 * HOUR).toISOString());
      assert.match(code.url, new RegExp(`^${server.deps.config.publicUrl}/j/[A-Za-z0-9_-]{76}$`));
      assert.match(code.checkCode, /^[2-9A-HJ-NP-Z]{5}$/);
      assert.deepEqual(code.tags, { utm_source: 'weibo', utm_campaign: 'spring', channel: 'poster-A' });
      assert.equal(code.passwordRequired, false);
      const fetched = await owner.client.get(`${base}/${code.id}`);
      assert.deepEqual(fetched.body, code, 'the URL and check code stay the same between reads');
      const event = await server.deps.db.kysely.selectFrom('events').selectAll().where('type', '=', 'code.created').executeTakeFirstOrThrow();
      assert.equal(JSON.parse(event.payload).code.id, code.id);
      const audit = await server.deps.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'code.created').executeTakeFirstOrThrow();
      assert.equal(audit.target_id, code.id);
    });

    test('given plan limits, when validity or daily cap exceed them or the window is backwards, then 400 names the field', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ groupId, validityHours: 169 }, '/validityHours'],
        [{ groupId, validityHours: null }, '/validityHours'],
        [{ groupId, scansPerDayCap: 101 }, '/scansPerDayCap'],
        [{ groupId, scansPerDayCap: null }, '/scansPerDayCap'],
        [{ groupId, activeFrom: '2030-02-01T00:00:00Z', activeUntil: '2030-01-31T00:00:00Z' }, '/activeUntil'],
        [{ groupId, activeFrom: '2030-02-01T00:00:00Z', activeUntil: '2030-02-01T00:00:00Z' }, '/activeUntil'],
        [{ groupId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }, '/groupId'],
      ];
      for (const [body, pointer] of cases) {
        const response = await owner.client.post(base, body);
        assert.equal(response.status, 400, `${JSON.stringify(body)}: ${response.text}`);
        assert.ok(response.body.errors.some((e: { pointer: string }) => e.pointer === pointer), `${pointer} in ${response.text}`);
      }
      const ok = await owner.client.post(base, { groupId, validityHours: 24, scansPerDayCap: 5, password: 'open sesame' });
      assert.equal(ok.status, 201, ok.text);
      assert.equal(ok.body.passwordRequired, true);
      const backwards = await owner.client.patch(`${base}/${ok.body.id}`, { activeFrom: '2030-03-01T00:00:00Z', activeUntil: '2030-02-01T00:00:00Z' });
      assert.equal(backwards.status, 400);
    });

    test('given an enterprise workspace, then permanent codes and unlimited scans are allowed', async () => {
      const enterprise = await operator(server.url, server.deps, { plan: 'enterprise' });
      const group = await enterprise.client.post(`/api/v1/workspaces/${enterprise.workspaceId}/groups`, { kind: 'external', name: 'WeCom', platform: 'wecom' });
      const code = await enterprise.client.post(`/api/v1/workspaces/${enterprise.workspaceId}/codes`, { groupId: group.body.id, validityHours: null });
      assert.equal(code.status, 201, code.text);
      assert.equal(code.body.expiresAt, null);
      assert.equal(code.body.scansPerDayCap, null);
    });

    test('given a code, when it is patched, paused and resumed, then the view follows and code.updated is recorded without the password', async () => {
      const code = (await owner.client.post(base, { groupId })).body;
      const patched = await owner.client.patch(`${base}/${code.id}`, { name: 'Poster B', tags: { channel: 'shop' }, password: 'secret-pass', scansTotalCap: 1000, joinsPerHourCap: 30 });
      assert.equal(patched.status, 200, patched.text);
      assert.equal(patched.body.name, 'Poster B');
      assert.equal(patched.body.passwordRequired, true);
      assert.equal(patched.body.scansTotalCap, 1000);
      assert.equal(patched.body.joinsPerHourCap, 30);
      assert.equal((await owner.client.patch(`${base}/${code.id}`, { status: 'paused' })).body.state, 'paused');
      const resumed = await owner.client.patch(`${base}/${code.id}`, { status: 'active', password: null });
      assert.equal(resumed.body.state, 'active');
      assert.equal(resumed.body.passwordRequired, false);
      const events = await server.deps.db.kysely.selectFrom('events').select('payload').where('type', '=', 'code.updated').execute();
      assert.ok(events.every((e) => !e.payload.includes('secret-pass') && !e.payload.includes('scrypt')));
      assert.equal((await owner.client.patch(`${base}/${code.id}`, { status: 'revoked' })).status, 400, 'revoking has its own endpoint');
    });

    test('given a code, when it is reset, then it gets a new URL and check code at once and code.rotated says reset; revoke is final and idempotent', async () => {
      const code = (await owner.client.post(base, { groupId })).body;
      const reset = await owner.client.post(`${base}/${code.id}/reset`);
      assert.equal(reset.status, 200, reset.text);
      assert.notEqual(reset.body.url, code.url);
      assert.ok(Date.parse(reset.body.tokenIssuedAt) > Date.parse(code.tokenIssuedAt), 'a reset in the same second still moves issued-at');
      const rotated = await server.deps.db.kysely.selectFrom('events').selectAll().where('type', '=', 'code.rotated').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.equal(JSON.parse(rotated.payload).reason, 'reset');
      assert.equal(JSON.parse(rotated.payload).code.url, reset.body.url);
      const revoked = await owner.client.post(`${base}/${code.id}/revoke`, { reason: 'leaked in a public chat' });
      assert.equal(revoked.status, 200, revoked.text);
      assert.equal(revoked.body.status, 'revoked');
      assert.ok(revoked.body.revokedAt);
      const again = await owner.client.post(`${base}/${code.id}/revoke`);
      assert.equal(again.status, 200, 'no body and already revoked: unchanged');
      const revokedEvents = await server.deps.db.kysely.selectFrom('events').selectAll().where('type', '=', 'code.revoked').execute();
      assert.equal(revokedEvents.filter((e) => JSON.parse(e.payload).code.id === code.id).length, 1);
      assert.equal((await owner.client.post(`${base}/${code.id}/reset`)).status, 400);
      assert.equal((await owner.client.patch(`${base}/${code.id}`, { name: 'x' })).status, 400);
    });

    test('given codes, when listed by group and status, then filters and cursors agree', async () => {
      const other = (await owner.client.post(`/api/v1/workspaces/${owner.workspaceId}/groups`, { kind: 'hosted', name: 'Other' })).body;
      const mine = (await owner.client.post(base, { groupId: other.id })).body;
      const byGroup = await owner.client.get(`${base}?groupId=${other.id}`);
      assert.deepEqual(byGroup.body.items.map((c: { id: string }) => c.id), [mine.id]);
      const revoked = await owner.client.get(`${base}?status=revoked`);
      assert.ok(revoked.body.items.length >= 1 && revoked.body.items.every((c: { status: string }) => c.status === 'revoked'));
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await owner.client.get(`${base}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.body.items.map((c) => c.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, (await owner.client.get(`${base}?limit=200`)).body.items.map((c: { id: string }) => c.id));
    });

    test('given a weekly rotation, when the clock passes next_rotation_at and the job runs, then the code rotates once with reason scheduled and the old token dies', async () => {
      const code = (await owner.client.post(base, { groupId, rotation: 'weekly' })).body;
      assert.equal(code.nextRotationAt, new Date(clock.now() + 7 * DAY).toISOString());
      const runner = createJobRunner(server.deps);
      registerCodeJobs(runner);
      await runner.runDueOnce();
      const unchanged = await server.deps.db.kysely.selectFrom('codes').select('token').where('id', '=', code.id).executeTakeFirstOrThrow();
      assert.equal(unchanged.token, tokenOf(code.url), 'not due yet');
      clock.advance(7 * DAY + 61_000);
      await runner.runDueOnce();
      await runner.runDueOnce();
      const row = await server.deps.db.kysely.selectFrom('codes').selectAll().where('id', '=', code.id).executeTakeFirstOrThrow();
      assert.notEqual(row.token, tokenOf(code.url));
      assert.equal(row.next_rotation_at, Date.parse(code.nextRotationAt) + 7 * DAY);
      const events = (await server.deps.db.kysely.selectFrom('events').selectAll().where('type', '=', 'code.rotated').execute()).filter((e) => JSON.parse(e.payload).code.id === code.id);
      assert.equal(events.length, 1);
      assert.equal(JSON.parse(events[0]!.payload).reason, 'scheduled');
      const old = await new Client(server.url).get(`/j/${tokenOf(code.url)}`);
      assert.equal(old.status, 410);
      const fresh = await new Client(server.url).get(`/j/${row.token}`);
      assert.equal(fresh.status, 200);
    });
  });
}
