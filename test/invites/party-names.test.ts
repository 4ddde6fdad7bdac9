import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, type Response } from '../harness/client.ts';
import { FakeClock } from '../harness/deps.ts';
import { DIALECTS } from '../harness/env.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';
import { inviteWorkspace, type InviteWorkspace } from './setup.ts';

const RULES = { currency: 'CNY', referralDepth: 3, holdingDays: 0, autoApprove: false, referral: { perRedemption: 100, milestones: [], commissionBps: [1000] } };

function ok(response: Response, status = 200): any {
  assert.equal(response.status, status, response.text);
  return response.body;
}

/** Each party of a list as [key, displayName]. */
const named = (parties: { key: string; displayName: string | null }[]) => parties.map((p) => [p.key, p.displayName]);

for (const dialect of DIALECTS) {
  describe(`display names of parties in rewards, the referral graph and the leaderboard (${dialect})`, () => {
    let server: TestServer;
    let clock: FakeClock;
    let ws: InviteWorkspace;
    let reader: Client;
    let shop: Client;
    const code = async (owner: Record<string, unknown>) => (await ws.create({ owner, purpose: 'referral', maxUses: null, validity: 'permanent' })).code as string;
    const redeem = async (invite: string, userId: string, displayName?: string) => {
      clock.advance(1000);
      return ok(await ws.redeem(invite, userId, { redeemer: displayName ? { userId, displayName } : { userId } }));
    };
    const ledger = async () => ok(await reader.get(`${ws.base}/rewards?limit=200`)).items as any[];

    before(async () => {
      clock = new FakeClock(Date.UTC(2030, 6, 1, 9));
      server = await startTestServer(dialect, { clock });
      ws = await inviteWorkspace(server.url, server.deps);
      ok(await ws.client.request('PUT', `${ws.base}/reward-settings`, RULES));
      reader = new Client(server.url, { apiKey: ok(await ws.client.post(`${ws.base}/api-keys`, { name: 'reader', scopes: ['rewards:read', 'rewards:manage'] }), 201).secret });
      shop = new Client(server.url, { apiKey: ok(await ws.client.post(`${ws.base}/api-keys`, { name: 'shop', scopes: ['purchases:write'] }), 201).secret });
    });
    after(() => server.stop());

    test('given owners and redeemers named (or not) on codes and redemptions, then the ledger, downline, upline and leaderboard show the latest name known for each party', async () => {
      const alice = await code({ userId: 'alice', displayName: 'Alice' });
      const memberId = await ws.member('张三');
      const member = await code({ memberId });
      const redeemed = await redeem(alice, 'bob', 'Bob');
      // The redeem answer names the owner on `owner`; its reward names parties by key, as events do.
      assert.deepEqual(redeemed.reward.beneficiary, { key: 'u:alice', type: 'user', id: 'alice' });
      await redeem(alice, 'carol');
      await redeem(member, 'dave', '小D');

      const entries = await ledger();
      const bySource = new Map(entries.map((e) => [e.source.key, e]));
      assert.deepEqual(named([bySource.get('u:bob').beneficiary, bySource.get('u:bob').source]), [['u:alice', 'Alice'], ['u:bob', 'Bob']]);
      assert.deepEqual(named([bySource.get('u:carol').source]), [['u:carol', null]], 'nobody named carol');
      assert.deepEqual(named([bySource.get('u:dave').beneficiary, bySource.get('u:dave').source]), [[`m:${memberId}`, '张三'], ['u:dave', '小D']]);
      const event = await server.deps.db.kysely.selectFrom('events').select('payload').where('workspace_id', '=', ws.workspaceId).where('type', '=', 'reward.created').executeTakeFirstOrThrow();
      assert.equal('displayName' in JSON.parse(event.payload).entry.beneficiary, false, 'events name parties by key only');

      const downline = ok(await reader.get(`${ws.base}/referrals/u:alice/downline`));
      assert.deepEqual(named([downline.party]), [['u:alice', 'Alice']]);
      assert.deepEqual(
        downline.items.map((i: any) => [...named([i.party, i.inviter])]),
        [
          [['u:carol', null], ['u:alice', 'Alice']],
          [['u:bob', 'Bob'], ['u:alice', 'Alice']],
        ],
      );
      const upline = ok(await reader.get(`${ws.base}/referrals/u:bob/upline`));
      assert.deepEqual(named([upline.party, ...upline.items.map((i: any) => i.party)]), [['u:bob', 'Bob'], ['u:alice', 'Alice']]);
      const board = ok(await reader.get(`${ws.base}/rewards/leaderboard`));
      assert.deepEqual(named(board.items.map((i: any) => i.party)), [['u:alice', 'Alice'], [`m:${memberId}`, '张三']]);

      // Later names win, from either source; a code or redemption given no name forgets nothing.
      clock.advance(1000);
      await code({ userId: 'alice', displayName: 'Alice W.' });
      clock.advance(1000);
      await code({ userId: 'alice' });
      // bob has an inviter already: a tracking code of someone else carries his new name.
      const tracking = (await ws.create({ owner: { userId: 'zed' }, purpose: 'tracking', tags: { channel: 'flyer' } })).code as string;
      await redeem(tracking, 'bob', 'Bobby');
      const bob = await code({ userId: 'bob' });
      await redeem(bob, 'erin', 'Erin');
      const [again] = (await ledger()).filter((e) => e.source.key === 'u:bob');
      assert.deepEqual(named([again.beneficiary, again.source]), [['u:alice', 'Alice W.'], ['u:bob', 'Bobby']]);
      clock.advance(1000);
      await code({ userId: 'bob', displayName: 'Robert' });
      const downlineOfBob = ok(await reader.get(`${ws.base}/referrals/u:bob/downline`));
      assert.deepEqual(named([downlineOfBob.party, downlineOfBob.items[0].party]), [['u:bob', 'Robert'], ['u:erin', 'Erin']]);
    });

    test('given purchases, approvals and a reversed redemption, then every entry and purchase the API answers with names its parties', async () => {
      const frank = await code({ userId: 'frank', displayName: 'Frank' });
      const redemption = await redeem(frank, 'gina', 'Gina');
      const bought = ok(await shop.post(`${ws.base}/purchases`, { orderId: 'ORD-NAMES-1', buyer: { userId: 'gina' }, amount: 1000, currency: 'CNY', occurredAt: new Date(clock.now() - 1000).toISOString() }), 201);
      assert.deepEqual(named([bought.purchase.buyer, ...bought.purchase.attributedTo.map((a: any) => a.party)]), [['u:gina', 'Gina'], ['u:frank', 'Frank']]);
      assert.deepEqual(named(bought.commissions.flatMap((c: any) => [c.beneficiary, c.source])), [['u:frank', 'Frank'], ['u:gina', 'Gina']]);
      const listed = ok(await reader.get(`${ws.base}/purchases?buyerUserId=gina`));
      assert.deepEqual(named([listed.items[0].buyer]), [['u:gina', 'Gina']]);
      assert.deepEqual(named([ok(await reader.get(`${ws.base}/purchases/ORD-NAMES-1`)).buyer]), [['u:gina', 'Gina']]);
      const refunded = ok(await shop.post(`${ws.base}/purchases/ORD-NAMES-1/refunds`, { refundId: 'R-1', amount: 500 }), 201);
      assert.deepEqual(named([refunded.purchase.buyer, refunded.reversals[0].beneficiary]), [['u:gina', 'Gina'], ['u:frank', 'Frank']]);

      const commission = bought.commissions[0];
      assert.deepEqual(named([ok(await reader.get(`${ws.base}/rewards/${commission.id}`)).beneficiary]), [['u:frank', 'Frank']]);
      const approved = ok(await reader.post(`${ws.base}/rewards/${commission.id}/approve`));
      assert.deepEqual(named([approved.beneficiary, approved.source]), [['u:frank', 'Frank'], ['u:gina', 'Gina']]);
      const reversal = ok(await reader.post(`${ws.base}/invite-redemptions/${redemption.redemptionId}/reverse`, { reason: 'fraud' }));
      assert.deepEqual(named(reversal.reversed.flatMap((e: any) => [e.beneficiary, e.source])), [['u:frank', 'Frank'], ['u:gina', 'Gina']]);
    });
  });
}
