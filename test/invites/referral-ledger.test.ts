import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createJobRunner, type JobRunner } from '../../src/modules/jobs/runner.ts';
import { registerRewardJobs } from '../../src/modules/rewards/jobs.ts';
import { Client, type Response } from '../harness/client.ts';
import { FakeClock } from '../harness/deps.ts';
import { DIALECTS } from '../harness/env.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';
import { inviteWorkspace } from './setup.ts';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

/** The seed's three tiers (1 / 3 / 5 invitees), a reward per redemption and three commission levels (10% / 5% / 2%). */
const RULES = {
  currency: 'CNY',
  referralDepth: 3,
  holdingDays: 7,
  autoApprove: false,
  referral: {
    perRedemption: 100,
    milestones: [
      { invitees: 1, amount: 500 },
      { invitees: 3, amount: 2000 },
      { invitees: 5, amount: 5000 },
    ],
    commissionBps: [1000, 500, 200],
  },
};

function ok(response: Response, status = 200): any {
  assert.equal(response.status, status, response.text);
  return response.body;
}

for (const dialect of DIALECTS) {
  describe(`referral graph, purchases and the reward ledger (${dialect})`, () => {
    let server: TestServer;
    let clock: FakeClock;
    let runner: JobRunner;

    before(async () => {
      clock = new FakeClock(Date.UTC(2030, 0, 6, 9));
      server = await startTestServer(dialect, { clock });
      runner = createJobRunner(server.deps);
      registerRewardJobs(runner);
    });
    after(() => server.stop());

    /**
     * A workspace with reward rules set by its owner: the integrator redeems with its invite key
     * and reports purchases with a key holding purchases:write; payouts run on a rewards:manage key.
     */
    async function rewardWorkspace(rules: Record<string, unknown> = RULES) {
      const ws = await inviteWorkspace(server.url, server.deps);
      const staff = ws.client;
      ok(await staff.request('PUT', `${ws.base}/reward-settings`, rules));
      const key = ok(await staff.post(`${ws.base}/api-keys`, { name: 'shop', scopes: ['purchases:write', 'rewards:read'] }), 201);
      const shop = new Client(server.url, { apiKey: key.secret });
      // Payouts run on a key too: the owner's session would not outlive the holding periods the fake clock skips.
      const payouts = new Client(server.url, { apiKey: ok(await staff.post(`${ws.base}/api-keys`, { name: 'payouts', scopes: ['rewards:read', 'rewards:manage'] }), 201).secret });
      const codes = new Map<string, string>();
      return {
        ...ws,
        staff,
        shop,
        payouts,
        /** userId redeems inviter's referral code (one unlimited code per inviter) over HTTP. */
        async invite(inviter: string, userId: string): Promise<any> {
          if (!codes.has(inviter)) codes.set(inviter, (await ws.create({ owner: { userId: inviter }, purpose: 'referral', maxUses: null, validity: 'permanent' })).code);
          clock.advance(1000);
          return ok(await ws.redeem(codes.get(inviter)!, userId));
        },
        purchase(body: Record<string, unknown>): Promise<Response> {
          return shop.post(`${ws.base}/purchases`, { currency: 'CNY', occurredAt: iso(clock.now() - HOUR), ...body });
        },
        refund(orderId: string, body: Record<string, unknown>): Promise<Response> {
          return shop.post(`${ws.base}/purchases/${orderId}/refunds`, body);
        },
        async ledger(query = ''): Promise<any> {
          return ok(await payouts.get(`${ws.base}/rewards?limit=200${query}`));
        },
        move(entryId: string, action: 'approve' | 'pay' | 'reverse', body?: Record<string, unknown>): Promise<Response> {
          return payouts.post(`${ws.base}/rewards/${entryId}/${action}`, body);
        },
      };
    }
    type RewardWorkspace = Awaited<ReturnType<typeof rewardWorkspace>>;

    /** The whole ledger oldest first, each entry as [beneficiary, kind, level or tier, amount, state, source, order, refund, split from]. */
    async function ledgerRows(ws: RewardWorkspace) {
      const { items } = await ws.ledger();
      const entries = [...items].reverse();
      const index = new Map(entries.map((e: any, i: number) => [e.id, i + 1]));
      return entries.map((e: any) => [e.beneficiary.key, e.kind, e.level ?? e.tier, e.amount, e.state, e.source.key, e.orderId, e.refundId, e.splitFrom === null ? null : index.get(e.splitFrom)]);
    }

    test('given a 3-level chain A → B → C → D made by real redemptions, purchases by D and C and a partial refund, then the ledger is exactly the redemption rewards, milestone tiers and per-level commissions, with the refund reversing its share', async () => {
      const ws = await rewardWorkspace();
      const first = await ws.invite('A', 'B');
      assert.deepEqual(first.reward, {
        program: 'referral',
        beneficiary: { key: 'u:A', type: 'user', id: 'A' },
        invitees: 1,
        entries: [
          { id: first.reward.entries[0].id, kind: 'redemption', amount: 100, currency: 'CNY', tier: null },
          { id: first.reward.entries[1].id, kind: 'milestone', amount: 500, currency: 'CNY', tier: 1 },
        ],
      });
      await ws.invite('B', 'C');
      await ws.invite('C', 'D');
      assert.deepEqual(ok(await ws.redeem((await ws.api.get(`${ws.base}/invites/${first.inviteId}`)).body.code, 'B')).reward, first.reward, 'a replayed redemption answers its first reward');

      clock.advance(HOUR);
      const byD = ok(await ws.purchase({ orderId: 'ORD-1', buyer: { userId: 'D' }, amount: 9999 }), 201);
      assert.equal(byD.replayed, false);
      assert.deepEqual(
        byD.purchase.attributedTo.map((a: any) => [a.level, a.party.key]),
        [
          [1, 'u:C'],
          [2, 'u:B'],
          [3, 'u:A'],
        ],
      );
      assert.deepEqual(
        byD.commissions.map((c: any) => [c.beneficiary.key, c.level, c.rateBps, c.amount, c.state, c.holdUntil]),
        [
          ['u:C', 1, 1000, 999, 'pending', iso(clock.now() + 7 * DAY)],
          ['u:B', 2, 500, 499, 'pending', iso(clock.now() + 7 * DAY)],
          ['u:A', 3, 200, 199, 'pending', iso(clock.now() + 7 * DAY)],
        ],
        '9999 × 10% / 5% / 2%, each rounded down to the fen',
      );
      clock.advance(1000);
      ok(await ws.purchase({ orderId: 'ORD-2', buyer: { userId: 'C' }, amount: 20000 }), 201);

      // Past the holding period: B's commission on ORD-1 is approved, C's approved and paid.
      clock.advance(7 * DAY);
      const [cOrd1, bOrd1] = byD.commissions;
      ok(await ws.move(bOrd1.id, 'approve'));
      ok(await ws.move(cOrd1.id, 'approve'));
      const paid = ok(await ws.move(cOrd1.id, 'pay', { reference: 'WXPAY-42' }));
      assert.equal(paid.reference, 'WXPAY-42');

      clock.advance(1000);
      const refunded = ok(await ws.refund('ORD-1', { refundId: 'RF-1', amount: 3333 }), 201);
      assert.deepEqual(refunded.refund, { refundId: 'RF-1', amount: 3333, unrecovered: 333, refundedAt: iso(clock.now()) }, "C's 333 was paid already");
      assert.equal(refunded.purchase.refundedAmount, 3333);
      assert.deepEqual(
        refunded.reversals.map((r: any) => [r.beneficiary.key, r.amount, r.state, r.splitFrom]),
        [
          ['u:B', 166, 'reversed', bOrd1.id],
          ['u:A', 66, 'reversed', byD.commissions[2].id],
        ],
      );

      assert.deepEqual(await ledgerRows(ws), [
        ['u:A', 'redemption', null, 100, 'pending', 'u:B', null, null, null],
        ['u:A', 'milestone', 1, 500, 'pending', 'u:B', null, null, null],
        ['u:B', 'redemption', null, 100, 'pending', 'u:C', null, null, null],
        ['u:B', 'milestone', 1, 500, 'pending', 'u:C', null, null, null],
        ['u:C', 'redemption', null, 100, 'pending', 'u:D', null, null, null],
        ['u:C', 'milestone', 1, 500, 'pending', 'u:D', null, null, null],
        ['u:C', 'commission', 1, 999, 'paid', 'u:D', 'ORD-1', null, null],
        ['u:B', 'commission', 2, 333, 'approved', 'u:D', 'ORD-1', null, null],
        ['u:A', 'commission', 3, 133, 'pending', 'u:D', 'ORD-1', null, null],
        ['u:B', 'commission', 1, 2000, 'pending', 'u:C', 'ORD-2', null, null],
        ['u:A', 'commission', 2, 1000, 'pending', 'u:C', 'ORD-2', null, null],
        ['u:B', 'commission', 2, 166, 'reversed', 'u:D', 'ORD-1', 'RF-1', 8],
        ['u:A', 'commission', 3, 66, 'reversed', 'u:D', 'ORD-1', 'RF-1', 9],
      ]);
      const { totals, currency } = await ws.ledger();
      assert.equal(currency, 'CNY');
      assert.deepEqual(totals, {
        pending: { count: 9, amount: 1800 + 133 + 2000 + 1000 },
        approved: { count: 1, amount: 333 },
        paid: { count: 1, amount: 999 },
        reversed: { count: 2, amount: 232 },
      });
      assert.deepEqual((await ws.ledger('&beneficiary=u:A&kind=commission')).totals.pending, { count: 2, amount: 1133 }, 'totals follow the filters');

      const downline = ok(await ws.shop.get(`${ws.base}/referrals/u:A/downline`));
      assert.deepEqual(downline.levels, [
        { level: 1, count: 1 },
        { level: 2, count: 1 },
        { level: 3, count: 1 },
      ]);
      assert.equal(downline.total, 3);
      assert.deepEqual(
        downline.items.map((i: any) => [i.party.key, i.inviter.key, i.invitees, i.purchases]),
        [['u:B', 'u:A', 1, { count: 0, netAmount: 0 }]],
      );
      const third = ok(await ws.shop.get(`${ws.base}/referrals/u:A/downline?level=3`));
      assert.deepEqual(
        third.items.map((i: any) => [i.party.key, i.inviter.key, i.purchases]),
        [['u:D', 'u:C', { count: 1, netAmount: 6666 }]],
      );
      const ofB = ok(await ws.shop.get(`${ws.base}/referrals/u:B/downline?level=2`));
      assert.deepEqual(ofB.levels.map((l: any) => l.count), [1, 1, 0]);
      assert.deepEqual(
        ofB.items.map((i: any) => [i.party.key, i.purchases.netAmount]),
        [['u:D', 6666]],
      );
      const upline = ok(await ws.shop.get(`${ws.base}/referrals/u:D/upline`));
      assert.deepEqual(
        upline.items.map((i: any) => [i.level, i.party.key]),
        [
          [1, 'u:C'],
          [2, 'u:B'],
          [3, 'u:A'],
        ],
      );
      const attributed = ok(await ws.shop.get(`${ws.base}/purchases?attributedTo=u:A`));
      assert.deepEqual(
        attributed.items.map((p: any) => p.orderId),
        ['ORD-2', 'ORD-1'],
      );

      const events = await server.deps.db.kysely.selectFrom('events').select(['type', 'payload']).where('workspace_id', '=', ws.workspaceId).orderBy('id').execute();
      const count = (type: string) => events.filter((e) => e.type === type).length;
      assert.deepEqual(
        ['reward.created', 'reward.approved', 'reward.paid', 'reward.reversed', 'purchase.recorded', 'purchase.refunded'].map((t) => [t, count(t)]),
        [
          ['reward.created', 11],
          ['reward.approved', 2],
          ['reward.paid', 1],
          ['reward.reversed', 2],
          ['purchase.recorded', 2],
          ['purchase.refunded', 1],
        ],
      );
      const audit = await server.deps.db.kysely.selectFrom('audit_log').select(['action', 'actor_label']).where('workspace_id', '=', ws.workspaceId).where('action', 'like', 'reward.%').orderBy('id').execute();
      assert.deepEqual(
        audit.map((a) => [a.action, a.actor_label]),
        [
          ['reward.approved', 'API key payouts'],
          ['reward.approved', 'API key payouts'],
          ['reward.paid', 'API key payouts'],
        ],
      );
    });

    test('given a purchase or refund reported again, then the same details replay it, other details are 409, and bad amounts, unknown buyers, other currencies and over-refunds are refused with nothing written', async () => {
      const ws = await rewardWorkspace();
      await ws.invite('A', 'B');
      const order = { orderId: 'ORD-9', buyer: { userId: 'B' }, amount: 5000, occurredAt: iso(clock.now() - HOUR) };
      const first = ok(await ws.purchase(order), 201);
      const again = ok(await ws.purchase(order), 200);
      assert.equal(again.replayed, true);
      assert.deepEqual({ ...again, replayed: false }, first);
      const entries = async () => (await ws.ledger()).items.length;
      const before = await entries();

      const conflict = await ws.purchase({ ...order, amount: 5001 });
      assert.equal(conflict.status, 409);
      assert.equal(conflict.body.code, 'purchase_conflict');
      assert.deepEqual(conflict.body.differing, ['amount']);
      assert.match(conflict.body.detail, /ORD-9/);
      assert.equal((await ws.purchase({ ...order, buyer: { userId: 'A' } })).body.code, 'purchase_conflict');

      const refused: [Record<string, unknown>, number, string][] = [
        [{ orderId: 'ORD-10', buyer: { userId: 'B' }, amount: 0 }, 400, 'validation_failed'],
        [{ orderId: 'ORD-10', buyer: { userId: 'B' }, amount: -5 }, 400, 'validation_failed'],
        [{ orderId: 'ORD-10', buyer: { userId: 'B' }, amount: 1.5 }, 400, 'validation_failed'],
        [{ orderId: 'ORD 10', buyer: { userId: 'B' }, amount: 100 }, 400, 'validation_failed'],
        [{ orderId: 'ORD-10', buyer: { userId: 'stranger' }, amount: 100 }, 422, 'purchase_buyer_unknown'],
        [{ orderId: 'ORD-10', buyer: { userId: 'B' }, amount: 100, currency: 'USD' }, 422, 'purchase_currency_mismatch'],
        [{ orderId: 'ORD-10', buyer: { userId: 'B' }, amount: 100, occurredAt: iso(clock.now() + DAY) }, 400, 'validation_failed'],
      ];
      for (const [body, status, code] of refused) {
        const response = await ws.purchase(body);
        assert.equal(response.status, status, `${JSON.stringify(body)}: ${response.text}`);
        assert.equal(response.body.code, code);
        assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
      }
      assert.match((await ws.purchase({ orderId: 'ORD-10', buyer: { userId: 'stranger' }, amount: 100 })).body.detail, /^No user "stranger" is known to this workspace/);
      assert.equal((await ws.shop.get(`${ws.base}/purchases/ORD-10`)).status, 404);

      const refund = ok(await ws.refund('ORD-9', { refundId: 'R1', amount: 2000 }), 201);
      assert.deepEqual(
        refund.reversals.map((r: any) => [r.beneficiary.key, r.amount]),
        [['u:A', 200]],
      );
      const replay = ok(await ws.refund('ORD-9', { refundId: 'R1', amount: 2000 }), 200);
      assert.equal(replay.replayed, true);
      assert.deepEqual(replay.reversals, refund.reversals);
      assert.equal((await ws.refund('ORD-9', { refundId: 'R1', amount: 1000 })).body.code, 'refund_conflict');
      const over = await ws.refund('ORD-9', { refundId: 'R2', amount: 3001 });
      assert.equal(over.status, 422);
      assert.equal(over.body.code, 'refund_exceeds_purchase');
      assert.equal(over.body.remaining, 3000);
      assert.equal((await ws.refund('ORD-404', { refundId: 'R1', amount: 1 })).status, 404);
      assert.equal((await ws.refund('ORD-9', { refundId: 'R3', amount: 0 })).status, 400);
      const purchase = ok(await ws.shop.get(`${ws.base}/purchases/ORD-9`));
      assert.equal(purchase.refundedAmount, 2000);
      assert.equal(purchase.refunds.length, 1);
      assert.equal(await entries(), before + 1, 'only the first refund split off a reversed part');

      // The rest refunded: the commission left (300) is reversed whole, no part split off.
      const rest = ok(await ws.refund('ORD-9', { refundId: 'R2', amount: 3000 }), 201);
      assert.deepEqual(
        rest.reversals.map((r: any) => [r.amount, r.state, r.splitFrom, r.refundId]),
        [[300, 'reversed', null, 'R2']],
      );
      assert.deepEqual((await ws.ledger('&kind=commission')).totals.reversed, { count: 2, amount: 500 }, 'all of the 10% commission on 5000 came back');
    });

    test('given the holding period, then pending entries cannot be approved before it ends, and approve, pay and reverse follow pending → approved → paid with reversed from pending or approved only', async () => {
      const ws = await rewardWorkspace();
      const [redemption, milestone] = (await ws.invite('A', 'B')).reward.entries;
      const early = await ws.move(redemption.id, 'approve');
      assert.equal(early.status, 409);
      assert.equal(early.body.code, 'reward_on_hold');
      assert.equal(early.body.approvableAt, iso(clock.now() + 7 * DAY));
      const payPending = await ws.move(redemption.id, 'pay');
      assert.equal(payPending.status, 409);
      assert.equal(payPending.body.code, 'reward_transition_invalid');

      clock.advance(7 * DAY);
      const refused = async (id: string, action: 'approve' | 'pay' | 'reverse', state: string) => {
        const response = await ws.move(id, action);
        assert.equal(response.status, 409, `${action} on ${state}: ${response.text}`);
        assert.equal(response.body.code, 'reward_transition_invalid');
        assert.equal(response.body.state, state);
      };
      const approved = ok(await ws.move(redemption.id, 'approve'));
      assert.equal(approved.state, 'approved');
      assert.equal(approved.approvedAt, iso(clock.now()));
      await refused(redemption.id, 'approve', 'approved');
      ok(await ws.move(redemption.id, 'pay'));
      for (const action of ['approve', 'pay', 'reverse'] as const) await refused(redemption.id, action, 'paid');
      const reversed = ok(await ws.move(milestone.id, 'reverse', { reason: 'duplicate account' }));
      assert.deepEqual([reversed.state, reversed.reason, reversed.reversedAt], ['reversed', 'duplicate account', iso(clock.now())]);
      for (const action of ['approve', 'pay', 'reverse'] as const) await refused(milestone.id, action, 'reversed');
      assert.equal((await ws.move('01JZZZZZZZZZZZZZZZZZZZZZZZ', 'approve')).status, 404);
      assert.deepEqual(
        (await ws.ledger()).items.map((e: any) => e.state),
        ['reversed', 'paid'],
      );
      assert.equal((await ws.shop.post(`${ws.base}/rewards/${redemption.id}/reverse`, {})).status, 403, 'an integrator key without rewards:manage');
    });

    test('given auto-approval, then the job approves pending entries once their holding period is over, as the system, and leaves the rest', async () => {
      const ws = await rewardWorkspace({ ...RULES, holdingDays: 1, autoApprove: true });
      const manual = await rewardWorkspace({ ...RULES, holdingDays: 1 });
      await ws.invite('A', 'B');
      await manual.invite('A', 'B');
      await runner.runDueOnce();
      assert.deepEqual(
        (await ws.ledger()).items.map((e: any) => e.state),
        ['pending', 'pending'],
      );
      clock.advance(DAY + 5 * 60 * 1000);
      await ws.invite('A', 'C');
      await runner.runDueOnce();
      assert.deepEqual(
        (await ws.ledger()).items.map((e: any) => [e.source.key, e.kind, e.state]),
        [
          ['u:C', 'redemption', 'pending'],
          ['u:B', 'milestone', 'approved'],
          ['u:B', 'redemption', 'approved'],
        ],
      );
      assert.deepEqual(
        (await manual.ledger()).items.map((e: any) => e.state),
        ['pending', 'pending'],
        'auto-approval is off there',
      );
      const audit = await server.deps.db.kysely.selectFrom('audit_log').select(['actor_type']).where('workspace_id', '=', ws.workspaceId).where('action', '=', 'reward.approved').execute();
      assert.deepEqual(
        audit.map((a) => a.actor_type),
        ['system', 'system'],
      );
    });

    test('given a redemption found fraudulent, then staff reverse it with the rewards hanging off it and the tier no longer reached, once, and the tier can be earned again', async () => {
      const ws = await rewardWorkspace();
      const r1 = await ws.invite('P', 'X1');
      const r2 = await ws.invite('P', 'X2');
      const r3 = await ws.invite('P', 'X3');
      assert.deepEqual(
        r3.reward.entries.map((e: any) => [e.kind, e.tier, e.amount]),
        [
          ['redemption', null, 100],
          ['milestone', 3, 2000],
        ],
      );
      clock.advance(7 * DAY);
      ok(await ws.move(r2.reward.entries[0].id, 'approve'));
      const reversal = ok(await ws.payouts.post(`${ws.base}/invite-redemptions/${r2.redemptionId}/reverse`, { reason: 'fake account' }));
      assert.equal(reversal.invitees, 2);
      assert.deepEqual(
        reversal.reversed.map((e: any) => [e.kind, e.tier, e.source.key, e.state, e.reason]),
        [
          ['redemption', null, 'u:X2', 'reversed', 'fake account'],
          ['milestone', 3, 'u:X3', 'reversed', 'fake account'],
        ],
      );
      assert.deepEqual(reversal.kept, []);
      const twice = await ws.payouts.post(`${ws.base}/invite-redemptions/${r2.redemptionId}/reverse`, {});
      assert.equal(twice.status, 409);
      assert.equal(twice.body.code, 'redemption_already_reversed');

      const r4 = await ws.invite('P', 'X4');
      assert.equal(r4.reward.invitees, 3);
      assert.deepEqual(
        r4.reward.entries.map((e: any) => [e.kind, e.tier]),
        [
          ['redemption', null],
          ['milestone', 3],
        ],
        'the tier is earned again by the redemption that reaches it',
      );
      const live = (await ws.ledger('&kind=milestone')).items.filter((e: any) => e.state !== 'reversed');
      assert.deepEqual(
        live.map((e: any) => [e.tier, e.source.key]),
        [
          [3, 'u:X4'],
          [1, 'u:X1'],
        ],
      );
      assert.equal(r1.reward.entries.length, 2);
      const board = ok(await ws.shop.get(`${ws.base}/rewards/leaderboard`));
      assert.deepEqual(
        board.items.map((i: any) => [i.rank, i.party.key, i.invitees, i.rewardAmount]),
        [[1, 'u:P', 3, 100 * 3 + 500 + 2000]],
      );
      const event = await server.deps.db.kysely.selectFrom('events').select('payload').where('workspace_id', '=', ws.workspaceId).where('type', '=', 'invite.redemption_reversed').executeTakeFirstOrThrow();
      assert.equal(JSON.parse(event.payload).redeemer.key, 'u:X2');
    });

    test('given campaign rules, then redemptions of its codes earn them in the campaign program, and the leaderboard ranks the campaign by invitees with their rewards', async () => {
      const ws = await rewardWorkspace();
      const campaign = ok(await ws.api.post(`${ws.base}/invite-campaigns`, { name: '春节拉新', startsAt: iso(clock.now()) }), 201);
      ok(await ws.staff.request('PUT', `${ws.base}/invite-campaigns/${campaign.id}/reward-rules`, { perRedemption: 50, milestones: [{ invitees: 2, amount: 300 }] }));
      assert.deepEqual(ok(await ws.shop.get(`${ws.base}/invite-campaigns/${campaign.id}/reward-rules`)), { perRedemption: 50, milestones: [{ invitees: 2, amount: 300 }] });
      const codeOf = async (owner: string) => (await ws.create({ owner: { userId: owner }, purpose: 'campaign', campaignId: campaign.id, maxUses: null, validity: '180d' })).code;
      const [q, r] = [await codeOf('Q'), await codeOf('R')];
      for (const [code, user] of [
        [q, 'q1'],
        [r, 'r1'],
        [q, 'q2'],
      ] as const) {
        clock.advance(1000);
        ok(await ws.redeem(code, user));
      }
      clock.advance(1000);
      const third = ok(await ws.redeem(q, 'q3'));
      assert.deepEqual(third.reward, { program: 'campaign', beneficiary: { key: 'u:Q', type: 'user', id: 'Q' }, invitees: 3, entries: [{ id: third.reward.entries[0].id, kind: 'redemption', amount: 50, currency: 'CNY', tier: null }] });
      const board = ok(await ws.shop.get(`${ws.base}/rewards/leaderboard?campaignId=${campaign.id}&limit=5`));
      assert.deepEqual(board.campaign, { id: campaign.id, name: '春节拉新' });
      assert.deepEqual(
        board.items.map((i: any) => [i.rank, i.party.key, i.invitees, i.rewardAmount, i.paidAmount]),
        [
          [1, 'u:Q', 3, 150 + 300, 0],
          [2, 'u:R', 1, 50, 0],
        ],
      );
      assert.deepEqual((await ws.ledger(`&program=${campaign.id}`)).totals.pending, { count: 5, amount: 500 });
      assert.deepEqual(ok(await ws.shop.get(`${ws.base}/rewards/leaderboard`)).items, [], 'the referral program has no invitees here');
    });

    test('given the settings, then commission levels beyond the depth, falling tiers and a currency change under existing entries are refused; the depth bounds downline, upline and attribution', async () => {
      const ws = await rewardWorkspace({ ...RULES, referralDepth: 2, referral: { ...RULES.referral, commissionBps: [1000, 500] } });
      const put = (body: Record<string, unknown>) => ws.staff.request('PUT', `${ws.base}/reward-settings`, body);
      const tooDeep = await put({ ...RULES, referralDepth: 2 });
      assert.equal(tooDeep.status, 400);
      assert.match(tooDeep.body.detail, /commissionBps has 3 levels; referralDepth allows 2/);
      const falling = await put({ ...RULES, referral: { ...RULES.referral, milestones: [{ invitees: 3, amount: 1 }, { invitees: 1, amount: 1 }] } });
      assert.equal(falling.status, 400);
      assert.equal((await put({ ...RULES, referral: { ...RULES.referral, commissionBps: [9000, 1001] } })).status, 400);

      await ws.invite('A', 'B');
      await ws.invite('B', 'C');
      await ws.invite('C', 'D');
      const bought = ok(await ws.purchase({ orderId: 'D-1', buyer: { userId: 'D' }, amount: 1000 }), 201);
      assert.deepEqual(
        bought.purchase.attributedTo.map((a: any) => a.party.key),
        ['u:C', 'u:B'],
        'two levels only',
      );
      assert.deepEqual(
        bought.commissions.map((c: any) => [c.beneficiary.key, c.amount]),
        [
          ['u:C', 100],
          ['u:B', 50],
        ],
      );
      assert.deepEqual(ok(await ws.shop.get(`${ws.base}/referrals/u:A/downline`)).levels.map((l: any) => l.count), [1, 1]);
      assert.equal((await ws.shop.get(`${ws.base}/referrals/u:A/downline?level=3`)).status, 400);
      assert.deepEqual(ok(await ws.shop.get(`${ws.base}/referrals/u:D/upline`)).items.map((i: any) => i.party.key), ['u:C', 'u:B']);
      assert.equal((await ws.shop.get(`${ws.base}/referrals/u:nobody/downline`)).status, 404);
      assert.equal((await ws.shop.get(`${ws.base}/referrals/nobody/downline`)).status, 400);

      const locked = await put({ ...RULES, currency: 'USD' });
      assert.equal(locked.status, 409);
      assert.equal(locked.body.code, 'reward_currency_locked');
      assert.equal(ok(await ws.staff.get(`${ws.base}/reward-settings`)).referralDepth, 2);
    });

    test('given a downline longer than a page, then its level pages with nextCursor, newest first', async () => {
      const ws = await rewardWorkspace();
      for (const user of ['m1', 'm2', 'm3', 'm4', 'm5']) await ws.invite('leader', user);
      const first = ok(await ws.shop.get(`${ws.base}/referrals/u:leader/downline?limit=2`));
      assert.deepEqual(first.levels[0], { level: 1, count: 5 });
      const seen = first.items.map((i: any) => i.party.id);
      let cursor = first.nextCursor;
      while (cursor) {
        const next = ok(await ws.shop.get(`${ws.base}/referrals/u:leader/downline?limit=2&cursor=${cursor}`));
        seen.push(...next.items.map((i: any) => i.party.id));
        cursor = next.nextCursor;
      }
      assert.deepEqual(seen, ['m5', 'm4', 'm3', 'm2', 'm1']);
    });
  });
}
