import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeClock } from '../harness/deps.ts';
import { FormBrowser } from '../harness/forms.ts';
import { DIALECTS } from '../harness/env.ts';
import { operator, staffMember } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';
import { arrive, confirm, integrationSecret, join, leave, scan, tokenOf } from './flow.ts';

/**
 * A hosted pool filled by real joins and leaves through the member pages: routing by each rule,
 * overflow decided by membership (never page views), and the next numbered group made from the
 * template — exactly one even when joins race for it.
 */
for (const dialect of DIALECTS) {
  describe(`live codes: a hosted pool (${dialect})`, () => {
    let server: TestServer;
    let owner: Awaited<ReturnType<typeof operator>>;
    let api: string;
    let secret: string;
    let adminId: string;
    let members = 0;

    async function group(name: string, capacity: number): Promise<string> {
      const created = await owner.client.post(`${api}/groups`, { kind: 'hosted', name, capacity, welcomeText: 'Hi {name}' });
      assert.equal(created.status, 201, created.text);
      return created.body.id;
    }
    async function liveCode(body: Record<string, unknown>) {
      const created = await owner.client.post(`${api}/live-codes`, body);
      assert.equal(created.status, 201, created.text);
      return { id: created.body.id as string, token: tokenOf(created.body.code.url) };
    }
    const joinAs = (token: string, options: { ua?: string; query?: string } = {}) => {
      members += 1;
      return join(server, secret, owner.workspaceId, token, `member-${members}`, options);
    };
    const landingTitle = async (token: string) => {
      const page = await scan(server, token);
      assert.equal(page.status, 200, page.text.slice(0, 300));
      return /<h1>([^<]*)<\/h1>/.exec(page.text)![1];
    };
    const memberCount = async (groupId: string) => (await owner.client.get(`${api}/groups/${groupId}`)).body.memberCount as number;

    before(async () => {
      server = await startTestServer(dialect, { clock: new FakeClock(Date.UTC(2030, 2, 1, 9)) });
      owner = await operator(server.url, server.deps, { plan: 'pro' });
      api = `/api/v1/workspaces/${owner.workspaceId}`;
      secret = await integrationSecret(owner.client, owner.workspaceId);
      adminId = (await staffMember(server.url, server.deps, owner.workspaceId, 'admin')).staffId;
    });
    after(() => server.stop());

    test('given fill_in_order over two groups of 2 and a template, when members join and leave, then they fill in order, a leave frees a seat for the next join, page views change nothing, and a full pool grows "Spring Camp 3群"', async () => {
      const first = await group('Spring Camp 1群', 2);
      const second = await group('Spring Camp 2群', 2);
      const live = await liveCode({
        name: 'Spring Camp',
        rule: 'fill_in_order',
        groups: [{ groupId: first }, { groupId: second }],
        template: { namePattern: 'Spring Camp {n}群', welcomeText: 'Welcome {name} to {group}!', valueStatement: '扫码入群领资料', capacity: 3, adminIds: [owner.staffId, adminId] },
        tags: { channel: 'poster-A' },
      });
      const view = (await owner.client.get(`${api}/live-codes/${live.id}`)).body;
      assert.equal(view.code.kind, 'live');
      assert.equal(view.code.expiresAt, null, 'permanent even on a plan whose join codes last at most 30 days');
      assert.equal(view.nextGroupNumber, 3);

      const pageViews = [];
      for (let i = 0; i < 12; i += 1) pageViews.push(await landingTitle(live.token));
      assert.deepEqual(new Set(pageViews), new Set(['Spring Camp 1群']), 'scans route to the first group');
      assert.equal(await memberCount(first), 0, 'twelve scans without a join take no seat');

      const a = await joinAs(live.token);
      const b = await joinAs(live.token);
      assert.deepEqual([a.groupId, b.groupId], [first, first]);
      assert.equal(await landingTitle(live.token), 'Spring Camp 2群', 'the first group is full: scans overflow to the second');
      const c = await joinAs(live.token);
      assert.equal(c.groupId, second);

      await leave(a.member, first);
      assert.equal(await landingTitle(live.token), 'Spring Camp 1群', 'the leave freed a seat in the first group');
      const d = await joinAs(live.token);
      assert.equal(d.groupId, first, 'the next join takes the freed seat');
      const e = await joinAs(live.token);
      assert.equal(e.groupId, second);
      assert.deepEqual([await memberCount(first), await memberCount(second)], [2, 2]);

      const groupsBefore = (await owner.client.get(`${api}/groups?limit=200`)).body.items.length;
      assert.equal(await landingTitle(live.token), 'Spring Camp 3群', 'every group is full: the landing page shows the group the next join creates');
      assert.equal((await owner.client.get(`${api}/groups?limit=200`)).body.items.length, groupsBefore, 'a page view creates nothing');

      const f = await joinAs(live.token);
      assert.equal(f.status, 303, f.text);
      const created = (await owner.client.get(`${api}/groups/${f.groupId}`)).body;
      assert.equal(created.name, 'Spring Camp 3群');
      assert.equal(created.capacity, 3);
      assert.equal(created.memberCount, 1);
      assert.equal(created.valueStatement, '扫码入群领资料');
      const groupPage = await f.member.browser.get(`/g/${f.groupId}`);
      assert.match(groupPage.text, /Welcome member-\d+ to Spring Camp 3群!/, 'the template\'s welcome text');
      const admins = await server.deps.db.kysely.selectFrom('group_admins').select('staff_id').where('group_id', '=', f.groupId!).orderBy('staff_id').execute();
      assert.deepEqual(admins.map((r) => r.staff_id), [owner.staffId, adminId].sort());
      const events = await server.deps.db.kysely.selectFrom('events').select('payload').where('type', '=', 'group.created').where('workspace_id', '=', owner.workspaceId).execute();
      const auto = events.map((e) => JSON.parse(e.payload)).filter((p) => p.liveCodeId === live.id);
      assert.equal(auto.length, 1);
      assert.equal(auto[0].autoCreated, true);
      assert.equal(auto[0].groupNumber, 3);
      assert.equal(auto[0].group.name, 'Spring Camp 3群');
      assert.deepEqual(auto[0].adminIds, [owner.staffId, adminId].sort());

      const after = (await owner.client.get(`${api}/live-codes/${live.id}`)).body;
      assert.equal(after.nextGroupNumber, 4);
      assert.deepEqual(
        after.entries.map((entry: { groupId: string; groupNumber: number | null; usable: boolean; unusableReason: string | null; group: { memberCount: number; capacity: number } }) => [entry.groupId, entry.groupNumber, entry.unusableReason, entry.group.memberCount, entry.group.capacity]),
        [
          [first, null, 'group_full', 2, 2],
          [second, null, 'group_full', 2, 2],
          [f.groupId, 3, null, 1, 3],
        ],
      );
      // The code side works as for any code: listed as live, stats count the joins it brought.
      const listed = (await owner.client.get(`${api}/codes?kind=live`)).body.items;
      assert.ok(listed.some((code: { id: string; kind: string; groupId: string | null }) => code.id === live.id && code.kind === 'live' && code.groupId === null));
      const stats = (await owner.client.get(`${api}/codes/${live.id}/stats?days=1`)).body;
      assert.equal(stats.totals.joins, 6);
      assert.equal(stats.totals.stillMembers, 5);
      assert.equal(stats.totals.scans, 12 + 3, 'every page view is a scan; joining is not');
      const joined = await server.deps.db.kysely.selectFrom('group_members').select(['code_id', 'tags']).where('member_id', 'in', server.deps.db.kysely.selectFrom('members').select('id').where('external_user_id', '=', f.member.sub)).executeTakeFirstOrThrow();
      assert.equal(joined.code_id, live.id);
      assert.deepEqual(JSON.parse(joined.tags), { channel: 'poster-A' });
    });

    test('given a member already in one of the pool\'s groups, when they join through the live code again, then they stay in that group and take no second seat', async () => {
      const only = await group('Repeat 1群', 5);
      const other = await group('Repeat 2群', 5);
      const live = await liveCode({ name: 'Repeat', rule: 'round_robin', groups: [{ groupId: only }, { groupId: other }] });
      const first = await joinAs(live.token);
      assert.equal(first.groupId, only);
      const again = await confirm(await arrive(server, secret, owner.workspaceId, live.token, first.member.sub), live.token);
      assert.equal(again.groupId, only);
      assert.deepEqual([await memberCount(only), await memberCount(other)], [1, 0]);
    });

    test('given least_full, then each join goes to the emptiest group relative to its capacity (ties to the first), and a full pool without a template refuses with 409', async () => {
      const big = await group('Least 1群', 4);
      const small = await group('Least 2群', 2);
      const live = await liveCode({ name: 'Least full', rule: 'least_full', groups: [{ groupId: big }, { groupId: small }] });
      const placed = [];
      for (let i = 0; i < 6; i += 1) placed.push((await joinAs(live.token)).groupId);
      assert.deepEqual(placed, [big, small, big, big, small, big]);
      const page = await scan(server, live.token);
      assert.equal(page.status, 409);
      assert.match(page.text, /data-reason="group_full"/);
      const refused = await new FormBrowser(server.url).get(`/j/${live.token}/join`);
      assert.equal(refused.status, 409);
      assert.match(refused.text, /full/i);
    });

    test('given round_robin, then joins take the groups in turn, and scans in between do not move the turn', async () => {
      const groups = [await group('Turn 1群', 5), await group('Turn 2群', 5), await group('Turn 3群', 5)];
      const live = await liveCode({ name: 'Turns', rule: 'round_robin', groups: groups.map((groupId) => ({ groupId })) });
      const placed = [];
      for (let i = 0; i < 6; i += 1) {
        for (let s = 0; s < 3; s += 1) await scan(server, live.token);
        placed.push((await joinAs(live.token)).groupId);
      }
      assert.deepEqual(placed, [...groups, ...groups]);
    });

    test('given a full pool with a template, when several members join at the same moment, then exactly one new group is created and all of them are in it', async () => {
      const full = await group('Rush 1群', 1);
      const live = await liveCode({ name: 'Rush', rule: 'fill_in_order', groups: [{ groupId: full }], template: { namePattern: 'Rush {n}群', capacity: 10 } });
      assert.equal((await joinAs(live.token)).groupId, full);
      const waiting = [];
      for (let i = 0; i < 8; i += 1) {
        members += 1;
        waiting.push(await arrive(server, secret, owner.workspaceId, live.token, `rush-${members}`));
      }
      const results = await Promise.all(waiting.map((member) => confirm(member, live.token)));
      assert.ok(results.every((r) => r.status === 303), JSON.stringify(results.map((r) => r.status)));
      assert.equal(new Set(results.map((r) => r.groupId)).size, 1, 'everyone in the one new group');
      const created = (await owner.client.get(`${api}/groups/${results[0]!.groupId}`)).body;
      assert.equal(created.name, 'Rush 2群');
      assert.equal(created.memberCount, 8);
      const rushGroups = (await owner.client.get(`${api}/groups?limit=200`)).body.items.filter((g: { name: string }) => g.name.startsWith('Rush '));
      assert.equal(rushGroups.length, 2);
      const view = (await owner.client.get(`${api}/live-codes/${live.id}`)).body;
      assert.equal(view.entries.length, 2);
      assert.equal(view.nextGroupNumber, 3);
    });
  });
}
