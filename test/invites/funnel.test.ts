import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { purgeAbuseWindows } from '../../src/modules/invites/funnel-jobs.ts';
import { purgeReports } from '../../src/modules/invites/funnel-reports.ts';
import { FakeClock } from '../harness/deps.ts';
import { DIALECTS } from '../harness/env.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';
import { inviteWorkspace, type InviteWorkspace } from './setup.ts';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const START = Date.UTC(2030, 0, 6, 9); // day 0: 2030-01-06 (UTC)
const day = (n: number) => new Date(START + n * DAY).toISOString().slice(0, 10);
const WECHAT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.40';
const CRAWLER = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

for (const dialect of DIALECTS) {
  describe(`the invite funnel (${dialect})`, () => {
    let server: TestServer;
    let clock: FakeClock;
    let ws: InviteWorkspace;
    let codeA: Record<string, any>;
    let codeB: Record<string, any>;
    let codeX: Record<string, any>;
    let campaignId: string;

    const impressions = (body: unknown) => ws.api.post(`${ws.base}/invites/impressions`, body);
    const activity = (body: unknown) => ws.api.post(`${ws.base}/invites/activity`, body);
    const funnel = (query: Record<string, string>) => ws.api.get(`${ws.base}/invites/funnel?${new URLSearchParams(query).toString()}`);
    /** Opens the code's short link as a browser (or a crawler) would. */
    const open = async (code: string, userAgent = WECHAT) => {
      const page = await fetch(`${server.url}/i/${code}`, { headers: { 'user-agent': userAgent } });
      await page.arrayBuffer();
      assert.equal(page.status, 200, `GET /i/${code}`);
    };
    const redeem = async (code: string, userId: string) => {
      const response = await ws.redeem(code, userId);
      assert.equal(response.status, 200, response.text);
    };
    /** Moves the clock to 09:00 UTC of day n (tests that follow the scripted fortnight start where it ends). */
    const at = (n: number) => {
      clock.ms = START + n * DAY;
    };
    const stagesOf = (body: Record<string, any>) => Object.fromEntries(body.stages.map((s: any) => [s.stage, [s.count, s.rate]]));

    before(async () => {
      clock = new FakeClock(START);
      server = await startTestServer(dialect, { clock });
      ws = await inviteWorkspace(server.url, server.deps, 'enterprise');
      const campaign = await ws.api.post(`${ws.base}/invite-campaigns`, { name: '春节拉新', startsAt: new Date(START - DAY).toISOString() });
      assert.equal(campaign.status, 201, campaign.text);
      campaignId = campaign.body.id;
      const permanent = { validity: 'permanent', maxUses: null };
      codeA = await ws.create({ owner: { userId: 'alice' }, purpose: 'campaign', campaignId, ...permanent });
      codeB = await ws.create({ owner: { userId: 'alice' }, purpose: 'tracking', tags: { channel: 'moments' }, ...permanent });
      codeX = await ws.create({ owner: { userId: 'xavier' }, purpose: 'tracking', tags: { channel: 'poster' }, ...permanent });
    });
    after(() => server.stop());

    test('given a scripted fortnight of impressions, clicks, redemptions and activity, then the funnel per code, owner, campaign and workspace counts each stage exactly, by day', async () => {
      // Day 0: impressions (A twice in one report: they add up), clicks, six redemptions.
      const shown = await impressions({
        reportId: 'imp-day0',
        items: [
          { code: codeA.code.toLowerCase(), day: day(0), count: 100 },
          { code: codeB.code, day: day(0), count: 50 },
          { code: codeX.code, day: day(0), count: 10 },
          { code: `${codeA.code.slice(0, 3)}-${codeA.code.slice(3)}`, day: day(0), count: 20 },
        ],
      });
      assert.equal(shown.status, 200, shown.text);
      assert.deepEqual(shown.body, { reportId: 'imp-day0', items: 4, impressions: 180, replayed: false });
      for (let i = 0; i < 8; i += 1) await open(codeA.code);
      await open(codeA.code, CRAWLER);
      for (let i = 0; i < 4; i += 1) await open(codeB.code);
      await open(codeX.code);
      for (const user of ['u1', 'u2', 'u3']) await redeem(codeA.code, user);
      for (const user of ['u1', 'u4']) await redeem(codeB.code, user);
      await redeem(codeX.code, 'u5');

      // Day 1: one more redemption of A, impressions, and who came back on day 1.
      clock.advance(DAY);
      await redeem(codeA.code, 'u6');
      assert.equal((await impressions({ reportId: 'imp-day1', items: [{ code: codeA.code, day: day(1), count: 40 }] })).status, 200);
      const nextDay = { reportId: 'act-day1', items: ['u1', 'u2', 'u5', 'u9'].map((userId) => ({ userId, day: day(1) })) };
      const returned = await activity(nextDay);
      assert.equal(returned.status, 200, returned.text);
      assert.deepEqual(returned.body, { reportId: 'act-day1', items: 4, activeNextDay: 4, activeDay7: 0, replayed: false }, 'u1 twice (A and B), u2, u5; u9 redeemed nothing');
      assert.deepEqual((await activity(nextDay)).body, { ...returned.body, replayed: true }, 'the same report again counts nothing');
      const overlapping = await activity({ reportId: 'act-day1-late', items: [{ userId: 'u1', day: day(1) }, { userId: 'u6', day: day(1) }] });
      assert.deepEqual(overlapping.body, { reportId: 'act-day1-late', items: 2, activeNextDay: 0, activeDay7: 0, replayed: false }, 'u1 counted already; u6 redeemed on day 1 itself');

      // Day 7 and day 8: who was active on day 7 after their redemption.
      clock.advance(6 * DAY);
      const week = await activity({ reportId: 'act-day7', items: ['u1', 'u3', 'u6'].map((userId) => ({ userId, day: day(7) })) });
      assert.deepEqual(week.body, { reportId: 'act-day7', items: 3, activeNextDay: 0, activeDay7: 3, replayed: false }, 'u1 (A and B) and u3 from day 0; u6 redeemed on day 1, so its day 7 is tomorrow');
      clock.advance(DAY);
      const late = await activity({ reportId: 'act-day8', items: [{ userId: 'u6', day: day(8) }, { userId: 'u4', day: day(6) }] });
      assert.equal(late.body.activeDay7, 1, 'u6 on its day 7');
      assert.equal(late.body.activeNextDay, 0);

      const range = { from: day(0), to: day(8) };
      const ofA = await funnel({ inviteId: codeA.id, ...range });
      assert.equal(ofA.status, 200, ofA.text);
      assert.equal(ofA.body.timeZone, 'UTC');
      assert.equal(ofA.body.days.length, 9);
      assert.deepEqual(ofA.body.days[0], { day: day(0), shown: 120, clicked: 8, redeemed: 3, activeNextDay: 2, activeDay7: 2 });
      assert.deepEqual(ofA.body.days[1], { day: day(1), shown: 40, clicked: 0, redeemed: 1, activeNextDay: 0, activeDay7: 1 });
      assert.ok(ofA.body.days.slice(2).every((d: any) => d.shown + d.clicked + d.redeemed + d.activeNextDay + d.activeDay7 === 0));
      assert.equal(ofA.body.botClicks, 1, 'the crawler is kept out of clicked');
      assert.deepEqual(stagesOf(ofA.body), {
        shown: [160, null],
        clicked: [8, 0.05],
        redeemed: [4, 0.5],
        activeNextDay: [2, 0.5],
        activeDay7: [3, 0.75],
      });

      const ofAlice = await funnel({ ownerUserId: 'alice', ...range });
      assert.deepEqual(ofAlice.body.days[0], { day: day(0), shown: 170, clicked: 12, redeemed: 5, activeNextDay: 3, activeDay7: 3 });
      assert.deepEqual(stagesOf(ofAlice.body), { shown: [210, null], clicked: [12, 0.0571], redeemed: [6, 0.5], activeNextDay: [3, 0.5], activeDay7: [4, 0.6667] });

      const ofCampaign = await funnel({ campaignId, ...range });
      assert.deepEqual(ofCampaign.body.stages, ofA.body.stages, 'the campaign has code A only');

      const whole = await funnel(range);
      assert.deepEqual(stagesOf(whole.body), { shown: [220, null], clicked: [13, 0.0591], redeemed: [7, 0.5385], activeNextDay: [4, 0.5714], activeDay7: [4, 0.5714] });

      const lastDays = await funnel({ inviteId: codeX.id });
      assert.equal(lastDays.body.to, day(8), 'to defaults to today (UTC)');
      assert.equal(lastDays.body.from, addDaysIso(day(8), -29), 'and from to 29 days before it');
      assert.deepEqual(stagesOf(lastDays.body), { shown: [10, null], clicked: [1, 0.1], redeemed: [1, 1], activeNextDay: [1, 1], activeDay7: [0, 0] });
    });

    test('given bad reports, then each gets a 4xx problem naming the bad items, and nothing of them is counted', async () => {
      at(8);
      const before = await funnel({ from: day(0), to: day(8) });
      const today = day(8);
      const refused = [
        ['negative count', impressions({ reportId: 'bad-1', items: [{ code: codeA.code, day: today, count: -1 }] }), 400, '/items/0/count'],
        ['future day', impressions({ reportId: 'bad-2', items: [{ code: codeA.code, day: today, count: 1 }, { code: codeA.code, day: day(9), count: 1 }] }), 400, '/items/1/day'],
        ['not a calendar day', impressions({ reportId: 'bad-3', items: [{ code: codeA.code, day: '2030-02-30', count: 1 }] }), 400, '/items/0/day'],
        ['before the code existed', impressions({ reportId: 'bad-4', items: [{ code: codeA.code, day: day(-1), count: 1 }] }), 400, '/items/0/day'],
        ['unknown code', impressions({ reportId: 'bad-5', items: [{ code: codeA.code, day: today, count: 5 }, { code: 'ZZZZZZZZZ', day: today, count: 5 }] }), 400, '/items/1/code'],
        ['oversize batch', impressions({ reportId: 'bad-6', items: Array.from({ length: 1001 }, () => ({ code: codeA.code, day: today, count: 1 })) }), 400, '/items'],
        ['empty batch', impressions({ reportId: 'bad-7', items: [] }), 400, '/items'],
        ['report id with spaces', impressions({ reportId: 'bad 8', items: [{ code: codeA.code, day: today, count: 1 }] }), 400, '/reportId'],
        ['activity on a future day', activity({ reportId: 'bad-9', items: [{ userId: 'u1', day: day(9) }] }), 400, '/items/0/day'],
        ['activity without a user', activity({ reportId: 'bad-10', items: [{ userId: ' ', day: today }] }), 400, '/items/0/userId'],
        ['oversize activity', activity({ reportId: 'bad-11', items: Array.from({ length: 1001 }, (_, i) => ({ userId: `u${i}`, day: today })) }), 400, '/items'],
      ] as const;
      for (const [name, pending, status, pointer] of refused) {
        const response = await pending;
        assert.equal(response.status, status, `${name}: ${response.text}`);
        assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
        assert.ok(response.body.errors.some((e: any) => e.pointer === pointer), `${name} names ${pointer}: ${response.text}`);
      }
      assert.deepEqual((await funnel({ from: day(0), to: day(8) })).body, before.body, 'nothing was counted');

      // A refused report leaves its id free: the corrected report may reuse it.
      const corrected = await impressions({ reportId: 'bad-5', items: [{ code: codeA.code, day: today, count: 5 }] });
      assert.equal(corrected.status, 200, corrected.text);
      const conflict = await impressions({ reportId: 'bad-5', items: [{ code: codeA.code, day: today, count: 6 }] });
      assert.equal(conflict.status, 409);
      assert.equal(conflict.body.code, 'invite_report_conflict');
      const after = await funnel({ inviteId: codeA.id, from: today, to: today });
      assert.equal(after.body.days[0].shown, 5, 'the corrected report once');

      const queries = [
        ['two scopes', { inviteId: codeA.id, campaignId }, 400],
        ['from after to', { from: day(3), to: day(2) }, 400],
        ['a range over 366 days', { from: '2028-01-01', to: day(8) }, 400],
        ['not a calendar day', { from: '2030-02-30', to: '2030-03-01' }, 400],
        ['not a day at all', { from: 'yesterday' }, 400],
        ['an unknown code', { inviteId: '01HZZZZZZZZZZZZZZZZZZZZZZZ' }, 404],
        ['an unknown campaign', { campaignId: '01HZZZZZZZZZZZZZZZZZZZZZZZ' }, 404],
        ['an unknown member', { ownerMemberId: '01HZZZZZZZZZZZZZZZZZZZZZZZ' }, 404],
      ] as const;
      for (const [name, query, status] of queries) {
        const response = await funnel(query as Record<string, string>);
        assert.equal(response.status, status, `${name}: ${response.text}`);
        assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
      }
    });

    test("given another workspace's code, when its impressions are reported here, then it is an unknown code", async () => {
      const other = await inviteWorkspace(server.url, server.deps, 'enterprise');
      const theirs = await other.create({ owner: { userId: 'zed' }, purpose: 'referral', validity: 'permanent' });
      const response = await impressions({ reportId: 'theirs', items: [{ code: theirs.code, day: day(8), count: 1 }] });
      assert.equal(response.status, 400);
      assert.equal(response.body.errors[0].pointer, '/items/0/code');
    });

    test('given a member who owns codes, then the funnel per ownerMemberId counts their codes', async () => {
      at(8);
      const memberId = await ws.member('小红');
      const code = await ws.create({ owner: { memberId }, purpose: 'referral', validity: 'permanent', maxUses: null });
      await redeem(code.code, 'fan-1');
      const response = await funnel({ ownerMemberId: memberId, from: day(8), to: day(8) });
      assert.equal(response.status, 200, response.text);
      assert.equal(response.body.days[0].redeemed, 1);
    });

    test('given the hourly clean-up, then report ids are remembered for 30 days and abuse windows for a day after they end', async () => {
      at(9);
      const report = { reportId: 'kept-a-month', items: [{ code: codeX.code, day: day(9), count: 1 }] };
      assert.equal((await impressions(report)).body.replayed, false);
      const windows = () => server.deps.db.kysely.selectFrom('invite_abuse_windows').select('window_end').where('workspace_id', '=', ws.workspaceId).execute();
      assert.ok((await windows()).length > 0, 'redemptions opened counters');

      at(38);
      await purgeReports(server.deps);
      await purgeAbuseWindows(server.deps);
      assert.equal((await impressions(report)).body.replayed, true, '29 days on, the resend is recognised');
      assert.deepEqual(await windows(), [], 'windows that ended over a day ago are gone');
      at(40);
      await purgeReports(server.deps);
      assert.equal((await impressions(report)).body.replayed, false, 'after 30 days the id is forgotten');
    });
  });
}

function addDaysIso(dayText: string, days: number): string {
  return new Date(Date.parse(`${dayText}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}
