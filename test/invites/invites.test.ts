import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newId } from '../../src/ids.ts';
import { DEFAULT_ALPHABET, readCode } from '../../src/modules/invites/alphabet.ts';
import { registerInviteJobs } from '../../src/modules/invites/jobs.ts';
import { createJobRunner, type JobRunner } from '../../src/modules/jobs/runner.ts';
import { FakeClock } from '../harness/deps.ts';
import { DIALECTS } from '../harness/env.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';
import { eventsOf, inviteWorkspace, type InviteWorkspace } from './setup.ts';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const DEFAULT_FORMAT = { alphabet: DEFAULT_ALPHABET, bodyLength: 8, prefix: '', suffix: '' };

for (const dialect of DIALECTS) {
  describe(`invite codes: create, quota, settings, extend, revoke and lifecycle (${dialect})`, () => {
    let server: TestServer;
    let clock: FakeClock;
    let ws: InviteWorkspace;
    let runner: JobRunner;
    before(async () => {
      clock = new FakeClock(Date.UTC(2030, 0, 6, 9));
      server = await startTestServer(dialect, { clock });
      ws = await inviteWorkspace(server.url, server.deps);
      runner = createJobRunner(server.deps);
      registerInviteJobs(runner);
    });
    after(() => server.stop());

    test('given defaults, when a referral code is created for a user, then it has the default format and check character, lives 72 h, takes one use, and invite.created and the audit log record it', async () => {
      const code = await ws.create({ owner: { userId: 'alice', displayName: 'Alice' }, purpose: 'referral' });
      assert.match(code.code, /^[2-9A-HJ-NP-Z]{9}$/);
      assert.deepEqual(readCode(DEFAULT_FORMAT, code.code), { wellFormed: true });
      assert.deepEqual(code.owner, { type: 'user', id: 'alice', displayName: 'Alice' });
      assert.equal(code.expiresAt, iso(clock.now() + 72 * HOUR));
      assert.equal(code.maxUses, 1);
      assert.equal(code.uses, 0);
      assert.equal(code.state, 'active');
      assert.equal(code.campaignId, null);
      assert.equal(code.routing, null);
      assert.deepEqual((await ws.api.get(`${ws.base}/invites/${code.id}`)).body, code);
      assert.equal((await eventsOf(server.deps, 'invite.created', code.id)).length, 1);
      const audit = await server.deps.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'invite.created').where('target_id', '=', code.id).executeTakeFirstOrThrow();
      assert.equal(audit.actor_type, 'api_key');
    });

    test('given each purpose, validity preset and owner kind, then the code carries its campaign, routing target, tags, expiry and max uses', async () => {
      const campaign = await ws.api.post(`${ws.base}/invite-campaigns`, { name: '春季拉新', startsAt: iso(clock.now()) });
      assert.equal(campaign.status, 201, campaign.text);
      const memberId = await ws.member('张三');
      const campaignCode = await ws.create({ owner: { userId: 'purposes' }, purpose: 'campaign', campaignId: campaign.body.id, validity: '180d' });
      assert.equal(campaignCode.campaignId, campaign.body.id);
      assert.equal(campaignCode.expiresAt, iso(clock.now() + 180 * DAY));
      const support = await ws.create({ owner: { userId: 'purposes' }, purpose: 'support', routing: { type: 'queue', name: 'VIP 客服' }, validity: 'permanent' });
      assert.deepEqual(support.routing, { type: 'queue', name: 'VIP 客服' });
      assert.equal(support.expiresAt, null);
      const tracking = await ws.create({ owner: { userId: 'purposes' }, purpose: 'tracking', tags: { utm_source: 'douyin', channel: 'live-room' }, maxUses: null });
      assert.deepEqual(tracking.tags, { utm_source: 'douyin', channel: 'live-room' });
      assert.equal(tracking.maxUses, null);
      const custom = await ws.create({ owner: { userId: 'purposes' }, purpose: 'referral', validity: 'custom', expiresAt: iso(clock.now() + 5 * HOUR), maxUses: 50 });
      assert.equal(custom.expiresAt, iso(clock.now() + 5 * HOUR));
      assert.equal(custom.maxUses, 50);
      const owned = await ws.create({ owner: { memberId }, purpose: 'referral' });
      assert.deepEqual(owned.owner, { type: 'member', id: memberId, displayName: '张三' });
    });

    test('given inconsistent or unknown references, when a code is created, then 400 names the field and nothing is created', async () => {
      const countBefore = (await server.deps.db.kysely.selectFrom('invites').select('id').execute()).length;
      const owner = { userId: 'invalid' };
      const cases: [Record<string, unknown>, string][] = [
        [{ owner, purpose: 'campaign' }, '/campaignId'],
        [{ owner, purpose: 'referral', campaignId: newId() }, '/campaignId'],
        [{ owner, purpose: 'campaign', campaignId: newId() }, '/campaignId'],
        [{ owner, purpose: 'support' }, '/routing'],
        [{ owner, purpose: 'referral', routing: { type: 'agent', name: 'Li' } }, '/routing'],
        [{ owner, purpose: 'tracking' }, '/tags'],
        [{ owner, purpose: 'tracking', tags: { channel: '  ' } }, '/tags'],
        [{ owner: { memberId: newId() }, purpose: 'referral' }, '/owner/memberId'],
        [{ owner, purpose: 'referral', validity: 'custom' }, '/expiresAt'],
        [{ owner, purpose: 'referral', validity: 'custom', expiresAt: iso(clock.now() - 1000) }, '/expiresAt'],
        [{ owner, purpose: 'referral', validity: '72h', expiresAt: iso(clock.now() + DAY) }, '/expiresAt'],
        [{ owner, purpose: 'referral', maxUses: 0 }, '/maxUses'],
        [{ owner, purpose: 'gifts' }, '/purpose'],
      ];
      for (const [body, pointer] of cases) {
        const response = await ws.api.post(`${ws.base}/invites`, body);
        assert.equal(response.status, 400, `${JSON.stringify(body)}: ${response.text}`);
        assert.ok(response.body.errors.some((e: { pointer: string }) => e.pointer === pointer), `${pointer} in ${response.text}`);
      }
      assert.equal((await server.deps.db.kysely.selectFrom('invites').select('id').execute()).length, countBefore);
    });

    test('given a free workspace (5 codes per owner per day), when 10 codes are created at once for one owner, then exactly 5 are created and the rest get 429 with Retry-After until the next UTC day', async () => {
      const free = await inviteWorkspace(server.url, server.deps, 'free');
      const attempts = await Promise.all(Array.from({ length: 10 }, () => free.api.post(`${free.base}/invites`, { owner: { userId: 'bob' }, purpose: 'referral' })));
      assert.deepEqual(attempts.map((r) => r.status).sort(), [...Array(5).fill(201), ...Array(5).fill(429)]);
      const refused = attempts.find((r) => r.status === 429)!;
      assert.equal(refused.body.code, 'invite_quota_exceeded');
      assert.match(refused.body.detail, /created 5 invite codes today \(UTC\).*from 2030-01-07T00:00:00.000Z/);
      assert.equal(refused.headers.get('retry-after'), String(15 * 3600));
      // Other owners have their own count; refused requests used none of it.
      const invalid = await free.api.post(`${free.base}/invites`, { owner: { userId: 'carol' }, purpose: 'campaign', campaignId: newId() });
      assert.equal(invalid.status, 400);
      for (let i = 0; i < 5; i++) await free.create({ owner: { userId: 'carol' }, purpose: 'referral' });
      assert.equal((await free.api.post(`${free.base}/invites`, { owner: { userId: 'carol' }, purpose: 'referral' })).status, 429);
      clock.advance(15 * HOUR);
      await free.create({ owner: { userId: 'bob' }, purpose: 'referral' });
      const created = await free.api.get(`${free.base}/invites?ownerUserId=bob`);
      assert.equal(created.body.items.length, 6);
    });

    test('given a custom per-workspace quota, then it is enforced, and a member signed in with an integrator id shares the quota of that user id', async () => {
      const custom = await inviteWorkspace(server.url, server.deps, 'enterprise');
      const unlimited = await Promise.all(Array.from({ length: 25 }, () => custom.api.post(`${custom.base}/invites`, { owner: { userId: 'vip' }, purpose: 'referral' })));
      assert.ok(unlimited.every((r) => r.status === 201), 'enterprise defaults to no daily limit');
      const patched = await custom.client.patch(custom.base, { limits: { inviteCodesPerOwnerPerDay: 2 } });
      assert.equal(patched.status, 200, patched.text);
      const memberId = await custom.member('Frank', 'frank');
      await custom.create({ owner: { memberId }, purpose: 'referral' });
      await custom.create({ owner: { userId: 'frank' }, purpose: 'referral' });
      const over = await custom.api.post(`${custom.base}/invites`, { owner: { memberId }, purpose: 'referral' });
      assert.equal(over.status, 429);
      assert.equal(over.body.code, 'invite_quota_exceeded');
      assert.equal(over.body.limit, 2);
    });

    test('given invite settings, when alphabets without a construction, with ambiguous or repeated characters, or too small are put, then 422 explains, and a valid format applies to new codes while old ones still redeem', async () => {
      const shop = await inviteWorkspace(server.url, server.deps);
      const settingsPath = `${shop.base}/invite-settings`;
      assert.deepEqual((await shop.api.get(settingsPath)).body, { alphabet: DEFAULT_ALPHABET, bodyLength: 8, prefix: '', suffix: '', retentionDays: 183, expiringLeadHours: 24 });
      const before = await shop.create({ owner: { userId: 'old' }, purpose: 'tracking', tags: { channel: 'poster' }, maxUses: null });
      const base = { bodyLength: 8, prefix: '', suffix: '', retentionDays: 183, expiringLeadHours: 24 };
      for (const [alphabet, detail] of [
        ['23456789ABCDEFGHJK', /18 characters has no check-character construction/],
        ['0123456789ABCDEFGHJ', /ambiguous characters \(0 1\)/],
        ['23456789ABCDEFGHJa', /repeats A/],
        ['ABCDEFGH', /needs at least 16/],
      ] as const) {
        const refused = await shop.api.request('PUT', settingsPath, { ...base, alphabet });
        assert.equal(refused.status, 422, refused.text);
        assert.equal(refused.body.code, 'invite_alphabet_invalid');
        assert.match(refused.body.detail, detail);
      }
      assert.equal((await shop.api.request('PUT', settingsPath, { alphabet: DEFAULT_ALPHABET })).status, 400, 'PUT replaces: every field is required');
      const put = await shop.api.request('PUT', settingsPath, { alphabet: 'abcdefghjkmnpqrs', bodyLength: 12, prefix: 'vip', suffix: 'x', retentionDays: 30, expiringLeadHours: 48 });
      assert.equal(put.status, 200, put.text);
      assert.deepEqual(put.body, { alphabet: 'ABCDEFGHJKMNPQRS', bodyLength: 12, prefix: 'VIP', suffix: 'X', retentionDays: 30, expiringLeadHours: 48 });
      assert.deepEqual((await shop.api.get(settingsPath)).body, put.body);
      const after = await shop.create({ owner: { userId: 'new' }, purpose: 'referral' });
      assert.match(after.code, /^VIP[ABCDEFGHJKMNPQRS]{13}X$/);
      const typed = after.code.toLowerCase().replace(/(.{4})/g, '$1-');
      assert.equal((await shop.redeem(typed, 'typist')).status, 200, 'any case, with dashes');
      assert.equal((await shop.redeem(before.code, 'someone')).status, 200, 'codes issued in the old format still redeem');
      assert.ok(await server.deps.db.kysely.selectFrom('audit_log').select('id').where('action', '=', 'invite_settings.updated').where('workspace_id', '=', shop.workspaceId).executeTakeFirst());
    });

    test('given a code, when it is extended, made permanent and revoked, then each is audited with its event, and codes that cannot be extended say why', async () => {
      const code = await ws.create({ owner: { userId: 'ext' }, purpose: 'referral', maxUses: 3 });
      const path = `${ws.base}/invites/${code.id}`;
      const extended = await ws.api.post(`${path}/extend`, { validity: '180d' });
      assert.equal(extended.status, 200, extended.text);
      assert.equal(extended.body.expiresAt, iso(clock.now() + 180 * DAY));
      const [event] = await eventsOf(server.deps, 'invite.extended', code.id);
      assert.equal(event!.previousExpiresAt, code.expiresAt);
      const earlier = await ws.api.post(`${path}/extend`, { validity: 'custom', expiresAt: iso(clock.now() + DAY) });
      assert.equal(earlier.status, 400);
      assert.equal(earlier.body.errors[0].pointer, '/expiresAt');
      assert.equal((await ws.api.post(`${path}/extend`, { validity: 'permanent' })).body.expiresAt, null);
      const again = await ws.api.post(`${path}/extend`, { validity: '72h' });
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'invite_not_extendable');
      const audits = await server.deps.db.kysely.selectFrom('audit_log').select(['action', 'details']).where('target_id', '=', code.id).orderBy('id').execute();
      assert.deepEqual(
        audits.map((a) => a.action),
        ['invite.created', 'invite.extended', 'invite.extended'],
      );

      const revoked = await ws.api.post(`${path}/revoke`, { reason: 'posted in a public group' });
      assert.equal(revoked.status, 200, revoked.text);
      assert.equal(revoked.body.state, 'revoked');
      assert.equal(revoked.body.revokedReason, 'posted in a public group');
      assert.equal(revoked.body.endedAt, iso(clock.now()));
      const twice = await ws.api.post(`${path}/revoke`);
      assert.equal(twice.status, 200);
      assert.deepEqual(twice.body, revoked.body);
      assert.equal((await eventsOf(server.deps, 'invite.revoked', code.id)).length, 1);
      assert.equal((await ws.api.post(`${path}/extend`, { validity: '72h' })).body.code, 'invite_not_extendable');

      const single = await ws.create({ owner: { userId: 'ext' }, purpose: 'referral' });
      assert.equal((await ws.redeem(single.code, 'only-one')).status, 200);
      const exhausted = await ws.api.post(`${ws.base}/invites/${single.id}/extend`, { validity: '180d' });
      assert.equal(exhausted.body.code, 'invite_not_extendable');
      assert.match(exhausted.body.detail, /exhausted/);
      for (const suffix of ['', '/extend', '/revoke']) {
        const unknown = await ws.api.request(suffix ? 'POST' : 'GET', `${ws.base}/invites/${newId()}${suffix}`, suffix === '/extend' ? { validity: '72h' } : suffix ? {} : undefined);
        assert.equal(unknown.status, 404, `${suffix}: ${unknown.text}`);
      }
    });

    test('given the lifecycle job, then a code is announced once when it enters the lead time, marked expired at its expiry, revived by extending, archived a week after it ends and purged after the retention, its referral edge kept', async () => {
      const code = await ws.create({ owner: { userId: 'life' }, purpose: 'referral', maxUses: 5 });
      const used = await ws.create({ owner: { userId: 'life' }, purpose: 'referral' });
      assert.equal((await ws.redeem(used.code, 'life-invitee')).status, 200);
      const path = `${ws.base}/invites/${code.id}`;
      clock.advance(47 * HOUR);
      await runner.runDueOnce();
      assert.equal((await eventsOf(server.deps, 'invite.expiring', code.id)).length, 0, '25 h left: outside the 24 h lead time');
      clock.advance(2 * HOUR);
      await runner.runDueOnce();
      clock.advance(60_000);
      await runner.runDueOnce();
      const expiring = await eventsOf(server.deps, 'invite.expiring', code.id);
      assert.equal(expiring.length, 1, 'announced once');
      assert.equal(expiring[0]!.expiresAt, code.expiresAt);

      clock.advance(23 * HOUR);
      const pastExpiry = await ws.api.get(path);
      assert.equal(pastExpiry.body.state, 'expired', 'shown expired at once, before the job marks it');
      assert.equal(pastExpiry.body.status, 'active');
      await runner.runDueOnce();
      const expired = (await ws.api.get(path)).body;
      assert.equal(expired.status, 'expired');
      assert.equal(expired.endedAt, code.expiresAt);
      assert.equal((await eventsOf(server.deps, 'invite.expired', code.id)).length, 1);
      assert.ok((await ws.api.get(`${ws.base}/invites?state=expired`)).body.items.some((i: { id: string }) => i.id === code.id));
      const refused = await ws.redeem(code.code, 'too-late');
      assert.equal(refused.status, 410);
      assert.equal(refused.body.code, 'invite_expired');

      const revived = await ws.api.post(`${path}/extend`, { validity: 'custom', expiresAt: iso(clock.now() + 12 * HOUR) });
      assert.equal(revived.body.state, 'active');
      assert.equal(revived.body.endedAt, null);
      clock.advance(60_000);
      await runner.runDueOnce();
      assert.equal((await eventsOf(server.deps, 'invite.expiring', code.id)).length, 2, 'the new expiry is announced too');
      assert.equal((await ws.redeem(code.code, 'in-time')).status, 200);
      await ws.api.post(`${path}/revoke`, {});

      clock.advance(8 * DAY);
      await runner.runDueOnce();
      for (const id of [code.id, used.id]) assert.equal((await ws.api.get(`${ws.base}/invites/${id}`)).body.state, 'archived');
      const history = (await ws.api.get(`${ws.base}/invites?state=archived`)).body.items.map((i: { id: string }) => i.id);
      assert.ok(history.includes(code.id) && history.includes(used.id));
      assert.equal((await ws.api.post(`${path}/extend`, { validity: '72h' })).body.code, 'invite_archived');
      assert.equal((await ws.redeem(code.code, 'after-archive')).body.code, 'invite_revoked', 'an archived code still says how it ended');

      clock.advance(176 * DAY);
      await runner.runDueOnce();
      for (const id of [code.id, used.id]) assert.equal((await ws.api.get(`${ws.base}/invites/${id}`)).status, 404);
      const db = server.deps.db.kysely;
      assert.equal((await db.selectFrom('invite_redemptions').select('id').where('invite_id', 'in', [code.id, used.id]).execute()).length, 0);
      const edge = await db.selectFrom('referral_edges').selectAll().where('invitee_key', '=', 'u:life-invitee').executeTakeFirstOrThrow();
      assert.equal(edge.inviter_key, 'u:life');
      assert.equal(edge.invite_id, null);
      assert.equal(edge.redemption_id, null);
    });

    test('given codes of several owners, purposes and states, when listed with filters and a small page size, then the pages cover them newest first and each filter holds', async () => {
      const lists = await inviteWorkspace(server.url, server.deps);
      const campaign = (await lists.api.post(`${lists.base}/invite-campaigns`, { name: 'List', startsAt: iso(clock.now()) })).body;
      const memberId = await lists.member('Lister');
      const made = [
        await lists.create({ owner: { userId: 'lister' }, purpose: 'referral' }),
        await lists.create({ owner: { userId: 'lister' }, purpose: 'referral' }),
        await lists.create({ owner: { userId: 'other' }, purpose: 'support', routing: { type: 'agent', name: 'Wang' } }),
        await lists.create({ owner: { userId: 'other' }, purpose: 'tracking', tags: { channel: 'shop' } }),
        await lists.create({ owner: { userId: 'other' }, purpose: 'campaign', campaignId: campaign.id }),
        await lists.create({ owner: { memberId }, purpose: 'referral' }),
      ];
      await lists.api.post(`${lists.base}/invites/${made[1]!.id}/revoke`, {});
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await lists.api.get(`${lists.base}/invites?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.body.items.map((i) => i.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, made.map((m) => m.id).reverse());
      const ids = async (query: string) => (await lists.api.get(`${lists.base}/invites?${query}`)).body.items.map((i: { id: string }) => i.id);
      assert.deepEqual(await ids('ownerUserId=lister'), [made[1]!.id, made[0]!.id]);
      assert.deepEqual(await ids(`ownerMemberId=${memberId}`), [made[5]!.id]);
      assert.deepEqual(await ids('purpose=support'), [made[2]!.id]);
      assert.deepEqual(await ids(`campaignId=${campaign.id}`), [made[4]!.id]);
      assert.deepEqual(await ids('state=revoked'), [made[1]!.id]);
      assert.equal((await ids('state=active')).length, 5);
      assert.deepEqual(await ids('state=active&ownerUserId=lister'), [made[0]!.id]);
    });

    test('given campaigns, when created, edited, paused, ended and deleted, then windows are checked, ended stays ended, and a campaign with codes cannot be deleted', async () => {
      const path = `${ws.base}/invite-campaigns`;
      const backwards = await ws.api.post(path, { name: 'Backwards', startsAt: iso(clock.now()), endsAt: iso(clock.now() - DAY) });
      assert.equal(backwards.status, 400);
      assert.equal(backwards.body.errors[0].pointer, '/endsAt');
      const future = await ws.api.post(path, { name: '双十一', description: '邀请 3 人得券', startsAt: iso(clock.now() + DAY), endsAt: iso(clock.now() + 3 * DAY), perRedeemerLimit: 1 });
      assert.equal(future.status, 201, future.text);
      assert.equal(future.body.running, false);
      assert.equal(future.body.status, 'active');
      const started = await ws.api.patch(`${path}/${future.body.id}`, { startsAt: iso(clock.now() - HOUR) });
      assert.equal(started.body.running, true);
      assert.equal((await ws.api.patch(`${path}/${future.body.id}`, { status: 'paused' })).body.running, false);
      assert.equal((await ws.api.patch(`${path}/${future.body.id}`, { endsAt: null, status: 'active' })).body.endsAt, null);
      assert.equal((await ws.api.patch(`${path}/${future.body.id}`, { status: 'ended' })).body.status, 'ended');
      const resumed = await ws.api.patch(`${path}/${future.body.id}`, { status: 'active' });
      assert.equal(resumed.status, 400);
      assert.equal(resumed.body.errors[0].pointer, '/status');
      const endedCode = await ws.api.post(`${ws.base}/invites`, { owner: { userId: 'c' }, purpose: 'campaign', campaignId: future.body.id });
      assert.equal(endedCode.status, 400, 'no new codes for an ended campaign');
      assert.ok((await ws.api.get(path)).body.items.some((c: { id: string }) => c.id === future.body.id));
      assert.equal((await ws.api.get(`${path}/${future.body.id}`)).body.name, '双十一');

      const used = (await ws.api.post(path, { name: 'Used', startsAt: iso(clock.now()) })).body;
      await ws.create({ owner: { userId: 'c' }, purpose: 'campaign', campaignId: used.id });
      const refused = await ws.api.delete(`${path}/${used.id}`);
      assert.equal(refused.status, 409);
      assert.equal(refused.body.code, 'invite_campaign_in_use');
      const empty = (await ws.api.post(path, { name: 'Empty', startsAt: iso(clock.now()) })).body;
      assert.equal((await ws.api.delete(`${path}/${empty.id}`)).status, 204);
      assert.equal((await ws.api.get(`${path}/${empty.id}`)).status, 404);
      const actions = (await server.deps.db.kysely.selectFrom('audit_log').select('action').where('target_id', '=', empty.id).orderBy('id').execute()).map((a) => a.action);
      assert.deepEqual(actions, ['invite_campaign.created', 'invite_campaign.deleted']);
    });
  });
}
