import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findOrCreateMember } from '../../src/modules/members/identity.ts';
import { joinGroup } from '../../src/modules/members/join.ts';
import { FakeClock } from '../harness/deps.ts';
import { DIALECTS } from '../harness/env.ts';
import { operator } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

const HOUR = 3600 * 1000;

for (const dialect of DIALECTS) {
  describe(`revoking a code with its blast radius (${dialect})`, () => {
    const clock = new FakeClock(Date.now());
    let server: TestServer;
    let owner: Awaited<ReturnType<typeof operator>>;
    before(async () => {
      server = await startTestServer(dialect, { clock });
      owner = await operator(server.url, server.deps);
    });
    after(() => server.stop());

    /** A group, a code for it, and members who joined through the code at the given ages (hours). */
    async function scenario(joinedHoursAgo: number[]) {
      const base = `/api/v1/workspaces/${owner.workspaceId}`;
      const group = (await owner.client.post(`${base}/groups`, { kind: 'hosted', name: `Camp ${Math.random()}` })).body;
      const code = (await owner.client.post(`${base}/codes`, { groupId: group.id, name: 'Leaked poster' })).body;
      const start = clock.ms;
      const memberIds: string[] = [];
      for (const [i, age] of joinedHoursAgo.entries()) {
        clock.ms = start - age * HOUR;
        const member = await findOrCreateMember(server.deps.db.kysely, clock.ms, { workspaceId: owner.workspaceId, email: `m${i}-${group.id}@example.com`, displayName: `M${i}` });
        const joined = await joinGroup(server.deps, { workspaceId: owner.workspaceId, groupId: group.id, memberId: member.id, codeId: code.id, tags: {}, joinsPerHourCap: null });
        assert.ok(joined.ok);
        memberIds.push(member.id);
      }
      clock.ms = start;
      return { base, group, code, memberIds };
    }

    const statuses = (groupId: string) =>
      server.deps.db.kysely.selectFrom('group_members').select(['member_id', 'status']).where('group_id', '=', groupId).orderBy('joined_at').execute();

    test('given members who joined through a leaked code, when it is revoked with remove over 24 h, then exactly the recent ones are removed in the same action', async () => {
      const { base, group, code, memberIds } = await scenario([30, 10, 2]);
      const revoked = await owner.client.post(`${base}/codes/${code.id}/revoke`, { reason: 'poster leaked', blastRadius: { hours: 24, action: 'remove' } });
      assert.equal(revoked.status, 200, revoked.text);
      assert.equal(revoked.body.status, 'revoked');
      assert.equal(revoked.body.affectedMembers, 2);
      assert.deepEqual(
        (await statuses(group.id)).map((m) => [m.member_id, m.status]),
        [
          [memberIds[0], 'active'],
          [memberIds[1], 'removed'],
          [memberIds[2], 'removed'],
        ],
      );
      assert.equal((await owner.client.get(`${base}/groups/${group.id}`)).body.memberCount, 1);
      const removedEvents = await server.deps.db.kysely.selectFrom('events').select('payload').where('type', '=', 'member.removed').execute();
      assert.equal(removedEvents.filter((e) => JSON.parse(e.payload).codeId === code.id).length, 2);
      const audit = await owner.client.get(`${base}/audit-log?action=code.revoked`);
      const entry = audit.body.items.find((item: { targetId: string }) => item.targetId === code.id);
      assert.deepEqual(entry.details.blastRadius, { hours: 24, action: 'remove', affectedMembers: 2 });
    });

    test('given the review action, when the code is revoked, then recent members are held for review and their seats freed', async () => {
      const { base, group, code } = await scenario([1, 50]);
      const revoked = await owner.client.post(`${base}/codes/${code.id}/revoke`, { blastRadius: { hours: 6, action: 'review' } });
      assert.equal(revoked.body.affectedMembers, 1);
      assert.deepEqual((await statuses(group.id)).map((m) => m.status).sort(), ['active', 'review']);
      assert.equal((await owner.client.get(`${base}/groups/${group.id}`)).body.memberCount, 1);
    });

    test('given a bad blast radius, when revoking, then 400 and the code stays active', async () => {
      const { base, code } = await scenario([1]);
      for (const blastRadius of [{ hours: 0, action: 'remove' }, { hours: 5, action: 'ban' }, { hours: 5 }]) {
        assert.equal((await owner.client.post(`${base}/codes/${code.id}/revoke`, { blastRadius })).status, 400);
      }
      assert.equal((await owner.client.get(`${base}/codes/${code.id}`)).body.status, 'active');
    });
  });
}
