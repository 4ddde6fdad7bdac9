import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_ALPHABET, generateCode } from '../../src/modules/invites/alphabet.ts';
import { GUESSING_RULES } from '../../src/modules/invites/guessing.ts';
import { FakeClock } from '../harness/deps.ts';
import { DIALECTS } from '../harness/env.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';
import { eventsOf, inviteWorkspace, type InviteWorkspace } from './setup.ts';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const DEFAULT_FORMAT = { alphabet: DEFAULT_ALPHABET, bodyLength: 8, prefix: '', suffix: '' };

/** The code with one character replaced by the next symbol of the alphabet. */
function mistype(code: string, at: number): string {
  return code.slice(0, at) + DEFAULT_ALPHABET[(DEFAULT_ALPHABET.indexOf(code[at]!) + 1) % DEFAULT_ALPHABET.length] + code.slice(at + 1);
}

for (const dialect of DIALECTS) {
  describe(`redeeming invite codes (${dialect})`, () => {
    let server: TestServer;
    let clock: FakeClock;
    let ws: InviteWorkspace;
    const db = () => server.deps.db.kysely;
    const usesOf = async (id: string) => (await db().selectFrom('invites').select('uses').where('id', '=', id).executeTakeFirstOrThrow()).uses;
    const redemptionsOf = async (id: string) => (await db().selectFrom('invite_redemptions').selectAll().where('invite_id', '=', id).execute()).length;
    const inviterOf = async (userId: string) =>
      (await db().selectFrom('referral_edges').select('inviter_key').where('workspace_id', '=', ws.workspaceId).where('invitee_key', '=', `u:${userId}`).executeTakeFirst())?.inviter_key;

    before(async () => {
      clock = new FakeClock(Date.UTC(2030, 0, 6, 9));
      server = await startTestServer(dialect, { clock });
      ws = await inviteWorkspace(server.url, server.deps);
    });
    after(() => server.stop());

    test('given a referral code with two uses, when users redeem it as typed, then each gets the owner and an inviter edge, the same user again gets the first redemption back, and the third user finds it exhausted', async () => {
      const code = await ws.create({ owner: { userId: 'alice', displayName: 'Alice' }, purpose: 'referral', maxUses: 2 });
      const typed = ` ${code.code.slice(0, 4).toLowerCase()}-${code.code.slice(4)} `;
      const first = await ws.redeem(typed, 'bob', { redeemer: { userId: 'bob', displayName: 'Bob' }, device: 'iPhone-1' });
      assert.equal(first.status, 200, first.text);
      assert.deepEqual(
        { ...first.body, redemptionId: undefined },
        {
          redemptionId: undefined,
          inviteId: code.id,
          code: code.code,
          purpose: 'referral',
          owner: { type: 'user', id: 'alice', displayName: 'Alice' },
          campaign: null,
          routing: null,
          tags: {},
          redeemer: { userId: 'bob', displayName: 'Bob' },
          redeemedAt: iso(clock.now()),
          reward: null,
          replayed: false,
        },
      );
      assert.equal(await inviterOf('bob'), 'u:alice');
      const row = await db().selectFrom('invite_redemptions').selectAll().where('id', '=', first.body.redemptionId).executeTakeFirstOrThrow();
      assert.equal(row.device, 'iPhone-1');
      assert.equal(row.network, '127.0.0.0/24');
      assert.equal(row.reward, null);

      clock.advance(1000);
      const again = await ws.redeem(code.code, 'bob');
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, { ...first.body, replayed: true }, 'the first outcome, not a second redemption');
      assert.equal(await usesOf(code.id), 1);

      assert.equal((await ws.redeem(code.code, 'carol')).status, 200);
      const exhausted = (await ws.api.get(`${ws.base}/invites/${code.id}`)).body;
      assert.equal(exhausted.state, 'exhausted');
      assert.equal(exhausted.uses, 2);
      assert.equal(exhausted.endedAt, iso(clock.now()));
      const refused = await ws.redeem(code.code, 'dave');
      assert.equal(refused.status, 409);
      assert.equal(refused.body.code, 'invite_exhausted');
      assert.equal((await ws.redeem(code.code, 'bob')).body.redemptionId, first.body.redemptionId, 'also once exhausted');
      const events = await eventsOf(server.deps, 'invite.redeemed', code.id);
      assert.deepEqual(
        events.map((e) => [e.redemption.redeemer.userId, e.uses, e.exhausted]),
        [
          ['bob', 1, false],
          ['carol', 2, true],
        ],
      );
      assert.equal(await redemptionsOf(code.id), 2);
    });

    test('given codes that are mistyped, unknown, of another workspace, revoked or expired, then each gets its own problem and nothing is written', async () => {
      const code = await ws.create({ owner: { userId: 'refuser' }, purpose: 'tracking', tags: { channel: 'flyer' }, maxUses: null });
      const redeemedEvents = async () => (await db().selectFrom('events').select('id').where('type', '=', 'invite.redeemed').where('workspace_id', '=', ws.workspaceId).execute()).length;
      const redeemedBefore = await redeemedEvents();
      const expect = async (typed: string, status: number, problem: string, detail?: RegExp) => {
        const response = await ws.redeem(typed, 'refused-user');
        assert.equal(response.status, status, `${typed}: ${response.text}`);
        assert.equal(response.body.code, problem, typed);
        assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
        if (detail) assert.match(response.body.detail, detail, typed);
      };
      await expect(mistype(code.code, 3), 422, 'invite_code_mistyped', /^Did you mistype\? .*a character is mistyped or two neighbours are swapped/);
      const at = [...code.code].findIndex((c, i) => c !== code.code[i + 1]);
      await expect(code.code.slice(0, at) + code.code[at + 1] + code.code[at] + code.code.slice(at + 2), 422, 'invite_code_mistyped');
      await expect(code.code.slice(1), 422, 'invite_code_mistyped', /have 9 characters; this one has 8/);
      await expect(`${code.code.slice(0, -1)}O`, 422, 'invite_code_mistyped', /never contain O/);
      await expect(' - ', 422, 'invite_code_mistyped');
      await expect(generateCode(DEFAULT_FORMAT), 404, 'invite_code_unknown');
      const elsewhere = await inviteWorkspace(server.url, server.deps);
      const foreign = await elsewhere.create({ owner: { userId: 'x' }, purpose: 'referral' });
      await expect(foreign.code, 404, 'invite_code_other_workspace');

      const revoked = await ws.create({ owner: { userId: 'refuser' }, purpose: 'referral' });
      await ws.api.post(`${ws.base}/invites/${revoked.id}/revoke`, { reason: 'fraud' });
      const expiring = await ws.create({ owner: { userId: 'refuser' }, purpose: 'referral', validity: 'custom', expiresAt: iso(clock.now() + HOUR) });
      clock.advance(HOUR);
      await expect(revoked.code, 410, 'invite_revoked');
      await expect(expiring.code, 410, 'invite_expired', new RegExp(`expired at ${iso(clock.now())}`));
      for (const id of [code.id, revoked.id, expiring.id]) assert.equal(await redemptionsOf(id), 0);
      assert.equal(await usesOf(expiring.id), 0);
      assert.equal(await redeemedEvents(), redeemedBefore, 'refusals write no events');
    });

    test('given a referral chain A → B → C, then self-referral and every cycle are refused, one inviter per user holds, a member signed in with an integrator id is that user, and refusals change nothing', async () => {
      const codeOf = async (userId: string) => (await ws.create({ owner: { userId }, purpose: 'referral', maxUses: null })).code as string;
      const [a, b, c] = [await codeOf('A'), await codeOf('B'), await codeOf('C')];
      assert.equal((await ws.redeem(a, 'B')).status, 200);
      assert.equal((await ws.redeem(b, 'C')).status, 200);
      const refusals: [string, string, number, string][] = [
        [c, 'C', 422, 'invite_self_referral'],
        [c, 'B', 422, 'invite_referral_cycle'],
        [c, 'A', 422, 'invite_referral_cycle'],
        [b, 'B', 422, 'invite_self_referral'],
        [a, 'C', 409, 'invite_already_referred'],
      ];
      for (const [code, userId, status, problem] of refusals) {
        const response = await ws.redeem(code, userId);
        assert.equal(response.status, status, `${userId} redeeming: ${response.text}`);
        assert.equal(response.body.code, problem);
      }
      const cId = (await db().selectFrom('invites').select('id').where('code', '=', c).executeTakeFirstOrThrow()).id;
      assert.equal(await usesOf(cId), 0);
      assert.equal(await redemptionsOf(cId), 0);
      assert.equal(await inviterOf('A'), undefined);
      assert.equal((await ws.redeem(c, 'D')).status, 200);
      assert.equal(await inviterOf('D'), 'u:C');

      const tracking = await ws.create({ owner: { userId: 'C' }, purpose: 'tracking', tags: { channel: 'bio' }, maxUses: null });
      assert.equal((await ws.redeem(tracking.code, 'A')).status, 200, 'codes of other purposes make no edge, so no cycle');
      assert.equal(await inviterOf('A'), undefined);

      const memberId = await ws.member('Mia', 'mia');
      const mias = await ws.create({ owner: { memberId }, purpose: 'referral', maxUses: null });
      assert.equal((await ws.redeem(mias.code, 'mia')).body.code, 'invite_self_referral');
      assert.equal((await ws.redeem(mias.code, 'mia-friend')).status, 200);
      assert.equal(await inviterOf('mia-friend'), 'u:mia');
    });

    test('given a campaign with dates and one redemption per user, then its codes redeem only while it runs and once per user across its codes', async () => {
      const campaign = (
        await ws.api.post(`${ws.base}/invite-campaigns`, { name: '新人礼', startsAt: iso(clock.now() + DAY), endsAt: iso(clock.now() + 3 * DAY), perRedeemerLimit: 1 })
      ).body;
      const one = await ws.create({ owner: { userId: 'host' }, purpose: 'campaign', campaignId: campaign.id, validity: '180d', maxUses: null });
      const two = await ws.create({ owner: { userId: 'host' }, purpose: 'campaign', campaignId: campaign.id, validity: '180d', maxUses: null });
      const early = await ws.redeem(one.code, 'u1');
      assert.equal(early.status, 403);
      assert.equal(early.body.code, 'invite_campaign_not_running');
      assert.match(early.body.detail, /has not started yet/);
      assert.equal(early.body.campaign.startsAt, campaign.startsAt);

      clock.advance(DAY);
      const ok = await ws.redeem(one.code, 'u1');
      assert.equal(ok.status, 200, ok.text);
      assert.deepEqual(ok.body.campaign, { id: campaign.id, name: '新人礼' });
      const limited = await ws.redeem(two.code, 'u1');
      assert.equal(limited.status, 409);
      assert.equal(limited.body.code, 'invite_campaign_limit_reached');
      assert.equal(await usesOf(two.id), 0);
      assert.equal((await ws.redeem(two.code, 'u2')).status, 200);
      assert.equal((await ws.redeem(one.code, 'u1')).body.replayed, true, 'the same code again is the first redemption, not a second one');
      const counter = await db().selectFrom('invite_campaign_redeemers').selectAll().where('campaign_id', '=', campaign.id).orderBy('redeemer_id').execute();
      assert.deepEqual(
        counter.map((r) => [r.redeemer_id, r.redemptions]),
        [
          ['u1', 1],
          ['u2', 1],
        ],
      );

      await ws.api.patch(`${ws.base}/invite-campaigns/${campaign.id}`, { status: 'paused' });
      assert.match((await ws.redeem(one.code, 'u3')).body.detail, /is paused/);
      await ws.api.patch(`${ws.base}/invite-campaigns/${campaign.id}`, { status: 'active' });
      clock.advance(2 * DAY);
      const late = await ws.redeem(one.code, 'u3');
      assert.equal(late.body.code, 'invite_campaign_not_running');
      assert.match(late.body.detail, /has ended/);
    });

    test('given support and tracking codes, then redeeming returns the routing target and the channel tags', async () => {
      const support = await ws.create({ owner: { userId: 'desk' }, purpose: 'support', routing: { type: 'agent', name: '客服小王' } });
      const redeemed = await ws.redeem(support.code, 'customer');
      assert.deepEqual(redeemed.body.routing, { type: 'agent', name: '客服小王' });
      const tracking = await ws.create({ owner: { userId: 'desk' }, purpose: 'tracking', tags: { utm_source: 'xiaohongshu', utm_campaign: 'spring', channel: 'note-42' } });
      assert.deepEqual((await ws.redeem(tracking.code, 'reader')).body.tags, { utm_source: 'xiaohongshu', utm_campaign: 'spring', channel: 'note-42' });
    });

    test('given an Idempotency-Key, when the same redeem is retried, then the first response comes back; with another body, 422 idempotency_key_reused and nothing is written', async () => {
      const code = await ws.create({ owner: { userId: 'idem' }, purpose: 'referral', maxUses: 5 });
      const headers = { 'idempotency-key': `redeem-${code.id}` };
      const first = await ws.redeem(code.code, 'idem-user', {}, headers);
      assert.equal(first.status, 200);
      const retry = await ws.redeem(code.code, 'idem-user', {}, headers);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(retry.body, first.body);
      const reused = await ws.redeem(code.code, 'someone-else', {}, headers);
      assert.equal(reused.status, 422);
      assert.equal(reused.body.code, 'idempotency_key_reused');
      assert.equal(await redemptionsOf(code.id), 1);

      // A refusal is a response too: replayed as it was, even after the reason went away.
      const limited = await ws.create({ owner: { userId: 'idem' }, purpose: 'referral' });
      assert.equal((await ws.redeem(limited.code, 'first-comer')).status, 200);
      const refusedHeaders = { 'idempotency-key': `redeem-refused-${limited.id}` };
      assert.equal((await ws.redeem(limited.code, 'late-comer', {}, refusedHeaders)).body.code, 'invite_exhausted');
      await ws.api.post(`${ws.base}/invites/${limited.id}/revoke`, {});
      const replayedRefusal = await ws.redeem(limited.code, 'late-comer', {}, refusedHeaders);
      assert.equal(replayedRefusal.body.code, 'invite_exhausted');
      assert.equal(replayedRefusal.headers.get('idempotent-replayed'), 'true');
    });

    test('given guessing, then mistyped and unknown codes count separately per redeemer, the budget that runs out locks the redeemer out of every code with Retry-After, and others are unaffected', async () => {
      const guarded = await inviteWorkspace(server.url, server.deps);
      const real = await guarded.create({ owner: { userId: 'owner' }, purpose: 'tracking', tags: { channel: 'x' }, maxUses: null });
      const unknownBudget = GUESSING_RULES.unknownPerRedeemer.points;
      const mistypedBudget = GUESSING_RULES.mistypedPerRedeemer.points;
      for (let i = 0; i < unknownBudget - 1; i++) assert.equal((await guarded.redeem(generateCode(DEFAULT_FORMAT), 'guesser')).status, 404);
      for (let i = 0; i < mistypedBudget - 1; i++) assert.equal((await guarded.redeem(mistype(real.code, i % 9), 'guesser')).status, 422);
      assert.equal((await guarded.redeem(real.code, 'guesser')).status, 200, 'below both budgets: still answered');
      assert.equal((await guarded.redeem(generateCode(DEFAULT_FORMAT), 'guesser')).status, 404, 'the last unknown code within the budget');
      const locked = await guarded.redeem(real.code, 'guesser');
      assert.equal(locked.status, 429);
      assert.equal(locked.body.code, 'locked_out');
      assert.ok(Number(locked.headers.get('retry-after')) > 0);
      assert.equal((await guarded.redeem(mistype(real.code, 0), 'guesser')).status, 429);
      assert.equal((await guarded.redeem(real.code, 'bystander')).status, 200);

      for (let i = 0; i < mistypedBudget; i++) assert.equal((await guarded.redeem(mistype(real.code, i % 9), 'typist')).status, 422);
      assert.equal((await guarded.redeem(real.code, 'typist')).status, 429, 'out of the mistyped budget');
      assert.equal(await redemptionsOf(real.id), 2, 'the guesser before the lockout, and the bystander');
    });

    test('given many unknown codes from one address under different redeemer ids, then the per-address budget locks that address out', async () => {
      const crowded = await inviteWorkspace(server.url, server.deps);
      const real = await crowded.create({ owner: { userId: 'owner' }, purpose: 'tracking', tags: { channel: 'x' }, maxUses: null });
      const budget = GUESSING_RULES.unknownPerIp.points;
      const answers = [];
      for (let i = 0; i < budget; i++) answers.push((await crowded.redeem(generateCode(DEFAULT_FORMAT), `rotating-${i}`)).status);
      assert.ok(answers.every((s) => s === 404));
      const locked = await crowded.redeem(real.code, 'fresh-identity');
      assert.equal(locked.status, 429);
      assert.equal(locked.body.code, 'locked_out');
    });
  });
}
