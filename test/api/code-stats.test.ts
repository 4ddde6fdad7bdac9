import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findOrCreateMember } from '../../src/modules/members/identity.ts';
import { joinGroup, leaveGroup } from '../../src/modules/members/join.ts';
import { Client } from '../harness/client.ts';
import { FakeClock } from '../harness/deps.ts';
import { DIALECTS } from '../harness/env.ts';
import { operator, PASSWORD, staffMember } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

const HOUR = 3600 * 1000;
const at = (month: number, day: number, hour = 10, rest = 0) => Date.UTC(2030, month, day, hour) + rest;
const tokenOf = (url: string) => url.split('/j/')[1]!;

for (const dialect of DIALECTS) {
  describe(`join code stats API (${dialect})`, () => {
    let server: TestServer;
    let clock: FakeClock;
    let owner: Awaited<ReturnType<typeof operator>>;
    let base: string;
    let groupId: string;
    let codeId: string;
    let otherCodeId: string;

    const scan = async (url: string, expected: number) => {
      const response = await new Client(server.url).get(`/j/${tokenOf(url)}`);
      assert.equal(response.status, expected, response.text.slice(0, 300));
    };
    const join = async (email: string, tags: Record<string, unknown>, code = codeId) => {
      const member = await findOrCreateMember(server.deps.db.kysely, clock.now(), { workspaceId: owner.workspaceId, email, displayName: email });
      const joined = await joinGroup(server.deps, { workspaceId: owner.workspaceId, groupId, memberId: member.id, codeId: code, tags, joinsPerHourCap: null });
      assert.equal(joined.ok, true);
      return member;
    };

    before(async () => {
      clock = new FakeClock(at(11, 21, 9) - 365 * 24 * HOUR); // 2029-12-21 09:00 UTC
      server = await startTestServer(dialect, { clock });
      owner = await operator(server.url, server.deps);
      base = `/api/v1/workspaces/${owner.workspaceId}/codes`;
      const group = await owner.client.post(`/api/v1/workspaces/${owner.workspaceId}/groups`, { kind: 'hosted', name: 'Stats 群' });
      assert.equal(group.status, 201, group.text);
      groupId = group.body.id;
      const code = await owner.client.post(base, { groupId, tags: { utm_source: 'weibo', channel: 'poster-A' } });
      assert.equal(code.status, 201, code.text);
      codeId = code.body.id;
      const other = await owner.client.post(base, { groupId, tags: { channel: 'elsewhere' } });
      otherCodeId = other.body.id;

      // 2029-12-21: one scan, outside a 14-day range ending 2030-01-10, inside a 30-day one.
      await scan(code.body.url, 200);
      // 2030-01-08: the poster token expired meanwhile; a reset issues a fresh one. Two scans.
      clock.ms = at(0, 8);
      assert.equal((await owner.client.signIn(owner.email, PASSWORD)).status, 200, 'a new session after 18 days');
      let current = (await owner.client.post(`${base}/${codeId}/reset`)).body.url as string;
      await scan(current, 200);
      await scan(current, 200);
      await scan(other.body.url, 410); // another code (expired): never counted here
      // 2030-01-09: new tags; one admitted scan at the last millisecond of the day, one refused (paused).
      clock.ms = at(0, 9, 12);
      assert.equal((await owner.client.patch(`${base}/${codeId}`, { tags: { utm_source: 'wechat' } })).status, 200);
      await join('m1@example.com', { utm_source: 'wechat' });
      assert.equal((await owner.client.patch(`${base}/${codeId}`, { status: 'paused' })).status, 200);
      await scan(current, 423);
      assert.equal((await owner.client.patch(`${base}/${codeId}`, { status: 'active' })).status, 200);
      clock.ms = at(0, 9, 23, 59 * 60_000 + 59_999);
      await scan(current, 200);
      // 2030-01-10 00:00:00.000: one admitted scan; then a password: the form counts as admitted too.
      clock.ms = at(0, 10, 0);
      await scan(current, 200);
      current = (await owner.client.patch(`${base}/${codeId}`, { password: 'open sesame' })).body.url as string;
      await scan(current, 200);
      const m2 = await join('m2@example.com', { utm_source: 'wechat' });
      await join('m3@example.com', { utm_source: 'weibo', channel: 'poster-A' });
      await join('m4@example.com', {}, null as unknown as string); // no code: not this code's join
      await join('m5@example.com', { channel: 'elsewhere' }, otherCodeId);
      clock.ms = at(0, 10, 12);
      assert.equal(await leaveGroup(server.deps, { workspaceId: owner.workspaceId, groupId, memberId: m2.id }), true);
    });
    after(() => server.stop());

    test('given scans and joins over several UTC days, when stats are read with the default range, then every day of 14 appears and counts, channels and totals add up', async () => {
      const response = await owner.client.get(`${base}/${codeId}/stats`);
      assert.equal(response.status, 200, response.text);
      const stats = response.body;
      assert.equal(stats.days.length, 14);
      assert.equal(stats.days[0].day, '2029-12-28');
      assert.equal(stats.days[13].day, '2030-01-10');
      const byDay = Object.fromEntries(stats.days.map((d: { day: string }) => [d.day, d]));
      assert.deepEqual(byDay['2030-01-08'], { day: '2030-01-08', scans: 2, admitted: 2, joins: 0 });
      assert.deepEqual(byDay['2030-01-09'], { day: '2030-01-09', scans: 2, admitted: 1, joins: 1 });
      assert.deepEqual(byDay['2030-01-10'], { day: '2030-01-10', scans: 2, admitted: 2, joins: 2 });
      assert.deepEqual(byDay['2030-01-01'], { day: '2030-01-01', scans: 0, admitted: 0, joins: 0 }, 'empty days are zeros');
      assert.deepEqual(stats.totals, { scans: 6, admitted: 5, joins: 3, stillMembers: 2 });
      assert.deepEqual(stats.channels, [
        { channel: 'wechat', scans: 4, joins: 2 },
        { channel: 'poster-A', scans: 2, joins: 1 },
      ]);
    });

    test('given a longer range, then older scans come in; given one day, only today', async () => {
      const month = (await owner.client.get(`${base}/${codeId}/stats?days=30`)).body;
      assert.equal(month.days.length, 30);
      assert.equal(month.days[0].day, '2029-12-12');
      assert.deepEqual(month.days.find((d: { day: string }) => d.day === '2029-12-21'), { day: '2029-12-21', scans: 1, admitted: 1, joins: 0 });
      assert.equal(month.totals.scans, 7);
      assert.deepEqual(month.channels[1], { channel: 'poster-A', scans: 3, joins: 1 });
      const today = (await owner.client.get(`${base}/${codeId}/stats?days=1`)).body;
      assert.deepEqual(today.days, [{ day: '2030-01-10', scans: 2, admitted: 2, joins: 2 }]);
      const most = await owner.client.get(`${base}/${codeId}/stats?days=90`);
      assert.equal(most.status, 200);
      assert.equal(most.body.days.length, 90);
    });

    test('given bad ranges, another workspace or a reader role, then 400, 404 and read access behave', async () => {
      for (const days of ['0', '91', '-1', '1.5', 'week']) {
        const response = await owner.client.get(`${base}/${codeId}/stats?days=${days}`);
        assert.equal(response.status, 400, `days=${days}: ${response.text}`);
      }
      assert.equal((await owner.client.get(`${base}/${codeId}/stats?hours=3`)).status, 400);
      assert.equal((await owner.client.get(`${base}/01ARZ3NDEKTSV4RRFFQ69G5FAV/stats`)).status, 404);
      const stranger = await operator(server.url, server.deps);
      assert.equal((await stranger.client.get(`/api/v1/workspaces/${stranger.workspaceId}/codes/${codeId}/stats`)).status, 404, "another workspace's code is not found");
      const analyst = await staffMember(server.url, server.deps, owner.workspaceId, 'analyst');
      const read = await analyst.client.get(`${base}/${codeId}/stats?days=7`);
      assert.equal(read.status, 200, read.text);
      assert.equal(read.body.days.length, 7);
      const anonymous = await new Client(server.url).get(`${base}/${codeId}/stats`);
      assert.equal(anonymous.status, 401);
    });
  });
}
