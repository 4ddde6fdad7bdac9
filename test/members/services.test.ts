import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/modules/audit/actor.ts';
import { createGroup } from '../../src/modules/groups/service.ts';
import {
  createIdentityThrottle,
  EMAIL_CODE_TTL_MS,
  findOrCreateMember,
  openMemberSession,
  requestEmailCode,
  resolveMemberSession,
  verifyEmailCode,
} from '../../src/modules/members/identity.ts';
import { checkIdentityToken, getIntegrationSecret, rotateIntegrationSecret, signIdentityToken, verifyIdentityToken } from '../../src/modules/members/integration.ts';
import { joinGroup, leaveGroup } from '../../src/modules/members/join.ts';
import { createOperator } from '../../src/modules/staff/accounts.ts';
import { openHarness, type Harness } from '../harness/deps.ts';
import { DIALECTS } from '../harness/env.ts';
import { PASSWORD } from '../harness/factories.ts';

let counter = 0;

async function workspaceWithGroup(h: Harness, capacity: number) {
  counter += 1;
  const { workspace } = await createOperator(h.deps, { email: `svc${counter}-${Date.now()}@example.com`, password: PASSWORD, displayName: 'Op', workspaceName: `W${counter}` });
  const group = await createGroup(h.deps, SYSTEM_ACTOR, workspace.id, { kind: 'hosted', name: 'Camp 1群', capacity, welcomeText: 'Hi {name}' });
  return { workspaceId: workspace.id, group };
}

async function lastCode(h: Harness, workspaceId: string, to: string): Promise<string> {
  const mail = await h.deps.db.kysely.selectFrom('mail_outbox').selectAll().where('workspace_id', '=', workspaceId).where('to_address', '=', to).orderBy('id', 'desc').executeTakeFirstOrThrow();
  return /\b(\d{6})\b/.exec(mail.text_body)![1]!;
}

for (const dialect of DIALECTS) {
  describe(`members: identity and joining (${dialect})`, () => {
    let h: Harness;
    before(async () => {
      h = await openHarness(dialect);
    });
    after(() => h.close());

    test('given 300 concurrent joins into a group of capacity 50, then exactly 50 are admitted and member_count is 50', async () => {
      const { workspaceId, group } = await workspaceWithGroup(h, 50);
      const members = [];
      for (let i = 0; i < 300; i += 1) members.push(await findOrCreateMember(h.deps.db.kysely, h.clock.now(), { workspaceId, email: `m${i}@example.com`, displayName: `m${i}` }));
      // On PostgreSQL half the joins come through a second pool, as a second process would.
      const other = dialect === 'postgres' ? { ...h.deps, db: h.openAnother() } : h.deps;
      const results = await Promise.all(
        members.map((m, i) => joinGroup(i % 2 === 0 ? h.deps : other, { workspaceId, groupId: group.id, memberId: m.id, codeId: null, tags: {}, joinsPerHourCap: null })),
      );
      assert.equal(results.filter((r) => r.ok).length, 50);
      assert.ok(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'full'));
      const row = await h.deps.db.kysely.selectFrom('groups').select('member_count').where('id', '=', group.id).executeTakeFirstOrThrow();
      assert.equal(row.member_count, 50);
      const active = await h.deps.db.kysely.selectFrom('group_members').select((eb) => eb.fn.countAll<number>().as('n')).where('group_id', '=', group.id).where('status', '=', 'active').executeTakeFirstOrThrow();
      assert.equal(Number(active.n), 50);
      const events = await h.deps.db.kysely.selectFrom('events').selectAll().where('type', '=', 'member.joined').where('workspace_id', '=', workspaceId).execute();
      assert.equal(events.length, 50);
    });

    test('given one member joining 20 times at once and again later, then one membership, member_count 1, and already-member answers', async () => {
      const { workspaceId, group } = await workspaceWithGroup(h, 10);
      const m = await findOrCreateMember(h.deps.db.kysely, h.clock.now(), { workspaceId, email: 'same@example.com', displayName: 'same' });
      const input = { workspaceId, groupId: group.id, memberId: m.id, codeId: 'CODE1', tags: { channel: 'poster' }, joinsPerHourCap: null };
      const results = await Promise.all(Array.from({ length: 20 }, () => joinGroup(h.deps, input)));
      assert.ok(results.every((r) => r.ok));
      assert.equal(results.filter((r) => r.ok && !r.alreadyMember).length, 1);
      const again = await joinGroup(h.deps, input);
      assert.ok(again.ok && again.alreadyMember);
      const row = await h.deps.db.kysely.selectFrom('groups').select('member_count').where('id', '=', group.id).executeTakeFirstOrThrow();
      assert.equal(row.member_count, 1);
      const membership = await h.deps.db.kysely.selectFrom('group_members').selectAll().where('group_id', '=', group.id).executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(membership.tags), { channel: 'poster' });
      assert.equal(membership.code_id, 'CODE1');
    });

    test('given a member who leaves, then status left, the seat is given back, member.left is written, and a rejoin is a new membership', async () => {
      const { workspaceId, group } = await workspaceWithGroup(h, 1);
      const a = await findOrCreateMember(h.deps.db.kysely, h.clock.now(), { workspaceId, email: 'a@example.com', displayName: 'a' });
      const b = await findOrCreateMember(h.deps.db.kysely, h.clock.now(), { workspaceId, email: 'b@example.com', displayName: 'b' });
      const join = (memberId: string) => joinGroup(h.deps, { workspaceId, groupId: group.id, memberId, codeId: null, tags: {}, joinsPerHourCap: null });
      assert.ok((await join(a.id)).ok);
      assert.deepEqual(await join(b.id), { ok: false, reason: 'full' });
      assert.equal(await leaveGroup(h.deps, { workspaceId, groupId: group.id, memberId: a.id }), true);
      assert.equal(await leaveGroup(h.deps, { workspaceId, groupId: group.id, memberId: a.id }), false, 'leaving twice gives back one seat only');
      const left = await h.deps.db.kysely.selectFrom('group_members').selectAll().where('member_id', '=', a.id).executeTakeFirstOrThrow();
      assert.equal(left.status, 'left');
      assert.equal(left.left_at, h.clock.now());
      assert.ok((await join(b.id)).ok);
      const event = await h.deps.db.kysely.selectFrom('events').selectAll().where('type', '=', 'member.left').where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
      assert.equal(JSON.parse(event.payload).memberId, a.id);
      assert.equal((await h.deps.db.kysely.selectFrom('groups').select('member_count').where('id', '=', group.id).executeTakeFirstOrThrow()).member_count, 1);
    });

    test('given a code capped at 3 joins per hour, when 10 join at once, then 3 get in, and an hour later more can', async () => {
      const { workspaceId, group } = await workspaceWithGroup(h, 100);
      const members = [];
      for (let i = 0; i < 12; i += 1) members.push(await findOrCreateMember(h.deps.db.kysely, h.clock.now(), { workspaceId, email: `t${i}@example.com`, displayName: `t${i}` }));
      const join = (memberId: string) => joinGroup(h.deps, { workspaceId, groupId: group.id, memberId, codeId: 'CAPPED', tags: {}, joinsPerHourCap: 3 });
      const results = await Promise.all(members.slice(0, 10).map((m) => join(m.id)));
      assert.equal(results.filter((r) => r.ok).length, 3);
      assert.ok(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'throttled'));
      h.clock.advance(3600 * 1000 + 1);
      assert.ok((await join(members[10]!.id)).ok);
      assert.equal((await h.deps.db.kysely.selectFrom('groups').select('member_count').where('id', '=', group.id).executeTakeFirstOrThrow()).member_count, 4);
    });

    test('given an archived group, then joins are refused as closed', async () => {
      const { workspaceId, group } = await workspaceWithGroup(h, 10);
      await h.deps.db.kysely.updateTable('groups').set({ status: 'archived' }).where('id', '=', group.id).execute();
      const m = await findOrCreateMember(h.deps.db.kysely, h.clock.now(), { workspaceId, email: 'z@example.com', displayName: 'z' });
      assert.deepEqual(await joinGroup(h.deps, { workspaceId, groupId: group.id, memberId: m.id, codeId: null, tags: {}, joinsPerHourCap: null }), { ok: false, reason: 'closed' });
    });

    test('given an emailed code, then the right one signs in once, 5 wrong ones kill it, and it expires after 10 minutes', async () => {
      const { workspaceId } = await workspaceWithGroup(h, 10);
      const throttle = createIdentityThrottle(h.deps.limiter);
      const ip = '203.0.113.1';
      await requestEmailCode(h.deps, throttle, { workspaceId, email: 'Ann@Example.com', ip, locale: 'en', groupName: 'Camp' });
      const code = await lastCode(h, workspaceId, 'ann@example.com');
      const ok = await verifyEmailCode(h.deps, throttle, { workspaceId, email: 'ann@example.com', code, ip });
      assert.ok(ok.ok);
      assert.equal(ok.member.email, 'ann@example.com');
      assert.equal((await verifyEmailCode(h.deps, throttle, { workspaceId, email: 'ann@example.com', code, ip })).ok, false, 'single use');
      const token = await openMemberSession(h.deps, ok.member);
      assert.equal((await resolveMemberSession(h.deps, token))?.member.id, ok.member.id);
      const stored = await h.deps.db.kysely.selectFrom('email_codes').selectAll().where('email', '=', 'ann@example.com').executeTakeFirstOrThrow();
      assert.ok(!stored.code_hash.includes(code), 'stored hashed');

      await requestEmailCode(h.deps, throttle, { workspaceId, email: 'bob@example.com', ip, locale: 'zh-CN', groupName: 'Camp' });
      const bobCode = await lastCode(h, workspaceId, 'bob@example.com');
      const wrong = bobCode === '000000' ? '111111' : '000000';
      const outcomes = [];
      for (let i = 0; i < 5; i += 1) outcomes.push(await verifyEmailCode(h.deps, throttle, { workspaceId, email: 'bob@example.com', code: wrong, ip }));
      assert.deepEqual(outcomes.map((o) => (o.ok ? 'ok' : o.reason)), ['wrong', 'wrong', 'wrong', 'wrong', 'locked']);
      const afterLock = await verifyEmailCode(h.deps, throttle, { workspaceId, email: 'bob@example.com', code: bobCode, ip });
      assert.deepEqual(afterLock.ok ? 'ok' : afterLock.reason, 'locked');

      await requestEmailCode(h.deps, throttle, { workspaceId, email: 'cy@example.com', ip, locale: 'en', groupName: 'Camp' });
      const cyCode = await lastCode(h, workspaceId, 'cy@example.com');
      h.clock.advance(EMAIL_CODE_TTL_MS);
      const late = await verifyEmailCode(h.deps, throttle, { workspaceId, email: 'cy@example.com', code: cyCode, ip });
      assert.deepEqual(late.ok ? 'ok' : late.reason, 'expired');
    });

    test('given many code requests, then 5 per address and 20 per client address an hour get through', async () => {
      const { workspaceId } = await workspaceWithGroup(h, 10);
      const throttle = createIdentityThrottle(h.deps.limiter);
      const send = (email: string, ip: string) => requestEmailCode(h.deps, throttle, { workspaceId, email, ip, locale: 'en', groupName: 'Camp' }).then(() => 'sent', (e: { code?: string }) => e.code);
      const perAddress = [];
      for (let i = 0; i < 6; i += 1) perAddress.push(await send('flood@example.com', `198.51.100.${i}`));
      assert.deepEqual(perAddress, ['sent', 'sent', 'sent', 'sent', 'sent', 'rate_limited']);
      const perIp = [];
      for (let i = 0; i < 21; i += 1) perIp.push(await send(`p${i}@example.com`, '198.51.100.200'));
      assert.equal(perIp.filter((r) => r === 'sent').length, 20);
      assert.equal(perIp[20], 'rate_limited');
    });

    test('given integrator tokens, then only a fresh HS256 token for this workspace signed with a live secret is accepted, and rotation keeps the old secret for its grace period', async () => {
      const { workspaceId } = await workspaceWithGroup(h, 10);
      assert.equal((await getIntegrationSecret(h.deps, workspaceId)).secret, null);
      const first = (await rotateIntegrationSecret(h.deps, SYSTEM_ACTOR, workspaceId, 0)).secret!;
      assert.match(first, /^jcis_/);
      const now = Math.floor(h.clock.now() / 1000);
      const claims = { sub: 'user-42', name: 'Ann', iat: now, exp: now + 600, aud: workspaceId };
      const check = async (token: string) => {
        const r = await verifyIdentityToken(h.deps, workspaceId, token);
        return r.ok ? `ok:${r.claims.sub}:${r.claims.name}` : r.reason;
      };
      assert.equal(await check(signIdentityToken(first, claims)), 'ok:user-42:Ann');
      assert.equal(await check(signIdentityToken('jcis_wrong', claims)), 'bad_signature');
      assert.equal(await check(signIdentityToken(first, { ...claims, exp: now - 1 })), 'expired');
      assert.equal(await check(signIdentityToken(first, { ...claims, aud: 'OTHER' })), 'wrong_audience');
      assert.equal(await check(signIdentityToken(first, { ...claims, iat: now + 120 })), 'not_yet_valid');
      assert.equal(await check(signIdentityToken(first, { ...claims, exp: now + 7200 })), 'too_long');
      assert.equal(await check(signIdentityToken(first, claims, { alg: 'HS512', typ: 'JWT' })), 'bad_algorithm');
      const [head, body] = signIdentityToken(first, claims, { alg: 'none', typ: 'JWT' }).split('.');
      assert.equal(await check(`${head}.${body}.`), 'bad_algorithm');
      assert.equal(await check('not.a.jwt'), 'malformed');

      const second = (await rotateIntegrationSecret(h.deps, SYSTEM_ACTOR, workspaceId, 10)).secret!;
      assert.notEqual(second, first);
      assert.equal(await check(signIdentityToken(first, claims)), 'ok:user-42:Ann', 'the old secret works during its grace period');
      assert.equal(await check(signIdentityToken(second, claims)), 'ok:user-42:Ann');
      h.clock.advance(10 * 60 * 1000);
      const later = Math.floor(h.clock.now() / 1000);
      const fresh = { ...claims, iat: later, exp: later + 600 };
      assert.equal(await check(signIdentityToken(first, fresh)), 'bad_signature');
      assert.equal(await check(signIdentityToken(second, fresh)), 'ok:user-42:Ann');
      assert.equal(checkIdentityToken(signIdentityToken(second, fresh), [], workspaceId, h.clock.now()).ok, false);
    });
  });
}
