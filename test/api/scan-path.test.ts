import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PASSWORD_PASS_COOKIE } from '../../src/modules/codes/password-pass.ts';
import { Client, type Response } from '../harness/client.ts';
import { FakeClock } from '../harness/deps.ts';
import { DIALECTS } from '../harness/env.ts';
import { operator, PASSWORD } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const WECHAT_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2d) NetType/WIFI Language/zh_CN';
const PNG_1PX = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const tokenOf = (url: string) => url.split('/j/')[1]!;

/** A person-facing page: HTML with the given status, the refusal named, and no trace of a stack or problem+json. */
function assertPage(response: Response, status: number, reason: string | null, what: string): void {
  assert.equal(response.status, status, `${what}: ${response.text.slice(0, 300)}`);
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/, what);
  assert.doesNotMatch(response.text, /\bat \S+ \(|Error:|node_modules/, `${what}: no stack trace`);
  if (reason) assert.match(response.text, new RegExp(`data-reason="${reason}"`), what);
}

for (const dialect of DIALECTS) {
  describe(`the scan path /j/<token> (${dialect})`, () => {
    let server: TestServer;
    let clock: FakeClock;
    let owner: Awaited<ReturnType<typeof operator>>;
    let api: string;
    const scanner = () => new Client(server.url);

    async function group(body: Record<string, unknown> = {}) {
      const response = await owner.client.post(`/api/v1/workspaces/${owner.workspaceId}/groups`, { kind: 'hosted', name: 'Camp', ...body });
      assert.equal(response.status, 201, response.text);
      return response.body as { id: string };
    }
    async function code(body: Record<string, unknown> = {}) {
      const groupId = (body.groupId as string | undefined) ?? (await group()).id;
      const response = await owner.client.post(`${api}/codes`, { groupId, ...body });
      assert.equal(response.status, 201, response.text);
      return response.body as { id: string; url: string; checkCode: string; groupId: string };
    }
    /** Moves the clock; staff sessions last 7 days, so the owner signs in again. */
    async function at(ms: number): Promise<void> {
      clock.ms = ms;
      assert.equal((await owner.client.signIn(owner.email, PASSWORD)).status, 200);
    }
    const scans = (codeId: string) => server.deps.db.kysely.selectFrom('scans').selectAll().where('code_id', '=', codeId).orderBy('id').execute();

    before(async () => {
      clock = new FakeClock(Date.UTC(2030, 0, 6, 9));
      server = await startTestServer(dialect, { clock });
      owner = await operator(server.url, server.deps, { plan: 'enterprise' });
      api = `/api/v1/workspaces/${owner.workspaceId}`;
    });
    after(() => server.stop());

    test('given broken tokens, then each gets a clear page with the right status, before any database read, and nothing is recorded', async () => {
      const { url } = await code();
      const token = tokenOf(url);
      const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
      const before = await server.deps.db.kysely.selectFrom('scans').select('id').execute();
      const cases: [string, string][] = [
        ['tampered ciphertext', flip(token, 40)],
        ['tampered header', flip(token, 3)],
        ['truncated', token.slice(0, 60)],
        ['random', 'x'.repeat(76)],
        ['garbage', '%3Cscript%3E'],
        ['over long', 'a'.repeat(150)],
      ];
      for (const [what, bad] of cases) assertPage(await scanner().get(`/j/${bad}`), 404, 'invalid', what);
      assert.equal((await server.deps.db.kysely.selectFrom('scans').select('id').execute()).length, before.length);
    });

    test('given an expired token, a revoked code and a reset code, then 410 pages; after a reset the new token works at once', async () => {
      const shortLived = await code({ validityHours: 1 });
      assertPage(await scanner().get(`/j/${tokenOf(shortLived.url)}`), 200, null, 'fresh');
      clock.advance(HOUR);
      assertPage(await scanner().get(`/j/${tokenOf(shortLived.url)}`), 410, 'expired', 'expired');

      const revoked = await code();
      assert.equal((await owner.client.post(`${api}/codes/${revoked.id}/revoke`, {})).status, 200);
      assertPage(await scanner().get(`/j/${tokenOf(revoked.url)}`), 410, 'revoked', 'revoked');

      const reset = await code();
      const renewed = (await owner.client.post(`${api}/codes/${reset.id}/reset`)).body;
      assertPage(await scanner().get(`/j/${tokenOf(reset.url)}`), 410, 'replaced', 'old token after reset');
      const fresh = await scanner().get(`/j/${tokenOf(renewed.url)}`);
      assertPage(fresh, 200, null, 'new token');
      assert.ok(fresh.text.includes(renewed.checkCode));
      assert.deepEqual((await scans(reset.id)).map((s) => s.outcome), ['replaced', 'ok']);
    });

    test('given a paused code, an archived group and a full group, then 423, 410 and 409 pages, each recorded with its outcome', async () => {
      const paused = await code();
      await owner.client.patch(`${api}/codes/${paused.id}`, { status: 'paused' });
      assertPage(await scanner().get(`/j/${tokenOf(paused.url)}`), 423, 'paused', 'paused');
      await owner.client.patch(`${api}/codes/${paused.id}`, { status: 'active' });
      assertPage(await scanner().get(`/j/${tokenOf(paused.url)}`), 200, null, 'resumed');

      const archived = await code();
      await owner.client.patch(`${api}/groups/${archived.groupId}`, { status: 'archived' });
      assertPage(await scanner().get(`/j/${tokenOf(archived.url)}`), 410, 'group_archived', 'archived group');

      const full = await code();
      await server.deps.db.kysely.updateTable('groups').set({ capacity: 3, member_count: 3 }).where('id', '=', full.groupId).execute();
      const response = await scanner().get(`/j/${tokenOf(full.url)}`, { 'accept-language': 'en' });
      assertPage(response, 409, 'group_full', 'full group');
      assert.match(response.text, /This group is full/);
      assert.deepEqual((await scans(paused.id)).map((s) => s.outcome), ['paused', 'ok']);
      assert.deepEqual((await scans(full.id)).map((s) => s.outcome), ['group_full']);
    });

    test('given an activation window, then before it 403 names the start, within it 200, after it 403 names the end', async () => {
      const from = clock.now() + DAY;
      const until = from + DAY;
      const windowed = await code({ activeFrom: new Date(from).toISOString(), activeUntil: new Date(until).toISOString() });
      const early = await scanner().get(`/j/${tokenOf(windowed.url)}`, { 'accept-language': 'en' });
      assertPage(early, 403, 'not_yet_active', 'before the window');
      assert.ok(early.text.includes(new Date(from).toISOString().slice(0, 16).replace('T', ' ')));
      clock.ms = from;
      assertPage(await scanner().get(`/j/${tokenOf(windowed.url)}`), 200, null, 'at the start');
      clock.ms = until;
      assertPage(await scanner().get(`/j/${tokenOf(windowed.url)}`), 403, 'ended', 'at the end');
    });

    test('given a daily cap of 3 and a total cap of 5, then the 4th scan of a day gets 429, the next UTC day admits again until the total is spent', async () => {
      await at(Date.UTC(2030, 1, 1, 22));
      const capped = await code({ scansPerDayCap: 3, scansTotalCap: 5, validityHours: null });
      const token = tokenOf(capped.url);
      for (let i = 0; i < 3; i += 1) assertPage(await scanner().get(`/j/${token}`), 200, null, `scan ${i + 1}`);
      assertPage(await scanner().get(`/j/${token}`), 429, 'daily_cap', 'over the daily cap');
      await at(Date.UTC(2030, 1, 2, 0, 0, 1));
      assertPage(await scanner().get(`/j/${token}`), 200, null, 'next day 1');
      assertPage(await scanner().get(`/j/${token}`), 200, null, 'next day 2');
      assertPage(await scanner().get(`/j/${token}`), 429, 'total_cap', 'over the total cap');
      const view = (await owner.client.get(`${api}/codes/${capped.id}`)).body;
      assert.equal(view.scansTotal, 5);
      assert.equal(view.scansToday, 2);
      assert.equal(view.state, 'total_cap_reached');
      const days = await server.deps.db.kysely.selectFrom('code_scan_days').selectAll().where('code_id', '=', capped.id).orderBy('day').execute();
      assert.deepEqual(days.map((d) => [d.day, d.scans]), [['2030-02-01', 3], ['2030-02-02', 2]]);
    });

    test('given 200 concurrent scans, then every answered scan has exactly one scans row and one code.scanned event, none lost', async () => {
      const busy = await code({ validityHours: null });
      const token = tokenOf(busy.url);
      const responses = await Promise.all(Array.from({ length: 200 }, () => scanner().get(`/j/${token}`, { 'user-agent': WECHAT_UA })));
      assert.ok(responses.every((r) => r.status === 200), [...new Set(responses.map((r) => r.status))].join(','));
      const rows = await scans(busy.id);
      assert.equal(rows.length, 200);
      const events = (await server.deps.db.kysely.selectFrom('events').select('payload').where('type', '=', 'code.scanned').execute()).filter((e) => JSON.parse(e.payload).codeId === busy.id);
      assert.equal(events.length, 200);
      const view = (await owner.client.get(`${api}/codes/${busy.id}`)).body;
      assert.equal(view.scansTotal, 200);
      assert.equal(view.scansToday, 200);
    });

    test('given a total cap of 5, when 40 scans arrive at once, then exactly 5 are admitted, the rest get 429, and the counters say 5', async () => {
      const capped = await code({ scansTotalCap: 5, validityHours: null });
      const token = tokenOf(capped.url);
      const responses = await Promise.all(Array.from({ length: 40 }, () => scanner().get(`/j/${token}`)));
      assert.equal(responses.filter((r) => r.status === 200).length, 5);
      assert.equal(responses.filter((r) => r.status === 429).length, 35, [...new Set(responses.map((r) => r.status))].join(','));
      const outcomes = (await scans(capped.id)).map((s) => s.outcome);
      assert.equal(outcomes.filter((o) => o === 'ok').length, 5);
      assert.equal(outcomes.filter((o) => o === 'total_cap').length, 35);
      assert.equal((await owner.client.get(`${api}/codes/${capped.id}`)).body.scansTotal, 5);
    });

    test('given a code this process has served, when it or its group changes behind the service (as another process would), then the very next scan sees it', async () => {
      const cached = await code({ validityHours: null });
      const token = tokenOf(cached.url);
      const db = server.deps.db.kysely;
      assertPage(await scanner().get(`/j/${token}`), 200, null, 'served once');
      await db.updateTable('codes').set({ status: 'paused' }).where('id', '=', cached.id).execute();
      assertPage(await scanner().get(`/j/${token}`), 423, 'paused', 'paused in the database');
      await db.updateTable('codes').set({ status: 'active' }).where('id', '=', cached.id).execute();
      assertPage(await scanner().get(`/j/${token}`), 200, null, 'active again');
      await db.updateTable('groups').set({ name: 'Renamed camp' }).where('id', '=', cached.groupId).execute();
      const renamed = await scanner().get(`/j/${token}`);
      assertPage(renamed, 200, null, 'renamed group');
      assert.ok(renamed.text.includes('Renamed camp'), 'the page shows the new name');
      await db.updateTable('groups').set({ capacity: 2, member_count: 2 }).where('id', '=', cached.groupId).execute();
      assertPage(await scanner().get(`/j/${token}`), 409, 'group_full', 'filled in the database');
      await db.updateTable('codes').set({ token_issued_at: clock.now() + 60_000 }).where('id', '=', cached.id).execute();
      assertPage(await scanner().get(`/j/${token}`), 410, 'replaced', 'reissued in the database');
      assert.deepEqual((await scans(cached.id)).map((s) => s.outcome), ['ok', 'paused', 'ok', 'ok', 'group_full', 'replaced']);
    });

    test('given a group whose avatar is too large to inline, then the page shows its initial, and once a small avatar replaces it, the next scan shows that', async () => {
      // Over the page's 30 KB budget by itself.
      const large = `data:image/png;base64,${Buffer.concat([Buffer.from(PNG_1PX.split(',')[1]!, 'base64'), Buffer.alloc(24_000)]).toString('base64')}`;
      const pictured = await group({ name: 'Pictured camp', avatar: large });
      const landing = await code({ groupId: pictured.id });
      const first = await scanner().get(`/j/${tokenOf(landing.url)}`);
      assertPage(first, 200, null, 'large avatar');
      assert.ok(!first.text.includes('<img class="avatar"') && first.text.includes('>P</div>'), 'the initial stands in');
      assert.equal((await owner.client.patch(`${api}/groups/${pictured.id}`, { avatar: PNG_1PX })).status, 200);
      const second = await scanner().get(`/j/${tokenOf(landing.url)}`);
      assert.ok(second.text.includes(`<img class="avatar" src="${PNG_1PX}"`), 'the new avatar at once');
    });

    test('given HEAD requests (link checkers, chat previews), then they get the status a scan would, and no scan is recorded', async () => {
      const valid = await code();
      const head = await scanner().request('HEAD', `/j/${tokenOf(valid.url)}`);
      assert.equal(head.status, 200);
      assert.match(head.headers.get('content-type') ?? '', /text\/html/);
      const revoked = await code();
      assert.equal((await owner.client.post(`${api}/codes/${revoked.id}/revoke`, {})).status, 200);
      assert.equal((await scanner().request('HEAD', `/j/${tokenOf(revoked.url)}`)).status, 410);
      assert.equal((await scanner().request('HEAD', '/j/not-a-token')).status, 404);
      assert.deepEqual(await scans(valid.id), []);
      assert.deepEqual(await scans(revoked.id), []);
    });

    test('given a scan, then its row and event carry the outcome, tag snapshot, user-agent class and network prefix, never the address', async () => {
      const tagged = await code({ tags: { utm_source: 'weibo', utm_campaign: 'spring', channel: 'poster-A' } });
      await scanner().get(`/j/${tokenOf(tagged.url)}`, { 'user-agent': WECHAT_UA });
      const [row] = await scans(tagged.id);
      assert.ok(row);
      assert.equal(row.outcome, 'ok');
      assert.deepEqual(JSON.parse(row.tags), { utm_source: 'weibo', utm_campaign: 'spring', channel: 'poster-A' });
      assert.deepEqual([row.ua_app, row.ua_os, row.ua_device, row.bot], ['wechat', 'ios', 'mobile', 0]);
      assert.equal(row.network, '127.0.0.0/24');
      const event = (await server.deps.db.kysely.selectFrom('events').select('payload').where('type', '=', 'code.scanned').execute()).map((e) => JSON.parse(e.payload)).find((p) => p.codeId === tagged.id);
      assert.deepEqual(event, { codeId: tagged.id, groupId: tagged.groupId, outcome: 'ok', tags: { utm_source: 'weibo', utm_campaign: 'spring', channel: 'poster-A' }, ua: { app: 'wechat', os: 'ios' }, at: new Date(clock.now()).toISOString() });
      assert.ok(!JSON.stringify(event).includes('127.0.0.1'));
    });

    test('given a hosted group named <script>, then the landing page is escaped, under 30 KB, in zh-CN or en, shows the check code and links to the join step', async () => {
      const evil = await group({ name: '<script>alert(1)</script>', valueStatement: '扫码入群领资料', description: 'Weekly "notes" & <b>files</b>', avatar: PNG_1PX });
      const landing = await code({ groupId: evil.id });
      const token = tokenOf(landing.url);
      const zh = await scanner().get(`/j/${token}`, { 'accept-language': 'zh-CN,zh;q=0.9' });
      assertPage(zh, 200, null, 'zh landing');
      assert.ok(!zh.text.includes('<script>'), 'the name is escaped');
      assert.ok(zh.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
      assert.ok(zh.text.includes('扫码入群领资料'));
      assert.ok(zh.text.includes('校验码'));
      assert.ok(zh.text.includes(`>${landing.checkCode}<`), 'the check code of the poster');
      assert.ok(zh.text.includes(`href="/j/${token}/join"`));
      assert.ok(zh.text.includes(PNG_1PX));
      assert.ok(Buffer.byteLength(zh.text) < 30 * 1024, `${Buffer.byteLength(zh.text)} bytes`);
      assert.match(zh.text, /<html lang="zh-CN">/);
      assert.match(zh.text, /name="viewport" content="width=device-width/);
      assert.doesNotMatch(zh.text, /(src|href)="(https?:)?\/\//, 'no external assets');
      const en = await scanner().get(`/j/${token}`, { 'accept-language': 'en-US,en;q=0.9' });
      assert.match(en.text, /<html lang="en">/);
      assert.ok(en.text.includes('Check code'));
      assert.ok(en.text.includes('Join the group'));
    });

    test('given a scan, then its page carries the scan pages\' security headers and not those that do nothing for it, while the API keeps the full set', async () => {
      const landing = await scanner().get(`/j/${tokenOf((await code()).url)}`, { 'x-request-id': 'scan-request-id-1' });
      assertPage(landing, 200, null, 'landing');
      assert.match(landing.headers.get('content-security-policy') ?? '', /default-src 'self'.*frame-ancestors 'none'/);
      assert.equal(landing.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(landing.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(landing.headers.get('cross-origin-opener-policy'), 'same-origin');
      assert.equal(landing.headers.get('cache-control'), 'no-store', 'a page that records a scan is never cached');
      assert.equal(landing.headers.get('x-request-id'), 'scan-request-id-1');
      for (const name of ['x-frame-options', 'cross-origin-resource-policy', 'origin-agent-cluster', 'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies', 'x-xss-protection']) {
        assert.equal(landing.headers.get(name), null, name);
      }
      assert.equal(landing.headers.get('strict-transport-security'), null, 'PUBLIC_URL is plain HTTP here, where browsers ignore it');
      const refused = await scanner().get(`/j/${'A'.repeat(76)}`);
      assertPage(refused, 404, 'invalid', 'a forged token');
      assert.equal(refused.headers.get('x-frame-options'), null, 'refusals are scan pages too');
      const apiAnswer = await owner.client.get(`${api}/codes`);
      assert.equal(apiAnswer.headers.get('x-frame-options'), 'SAMEORIGIN');
      assert.equal(apiAnswer.headers.get('cross-origin-resource-policy'), 'same-origin');
    });

    test('given an external group with a join link, then the landing page offers that link as its button', async () => {
      const external = await group({ kind: 'external', name: 'TG group', platform: 'telegram', joinUrl: 'https://t.me/+AbCdEf' });
      const landing = await code({ groupId: external.id });
      const page = await scanner().get(`/j/${tokenOf(landing.url)}`, { 'accept-language': 'en' });
      assertPage(page, 200, null, 'external landing');
      assert.ok(page.text.includes('href="https://t.me/+AbCdEf"'));
      assert.ok(page.text.includes('Join on Telegram'));
    });

    test('given a password, then the form comes first, wrong answers get 403 and then 429, the right one shows the landing with a pass cookie', async () => {
      const locked = await code({ password: 'open sesame' });
      const token = tokenOf(locked.url);
      const form = await scanner().get(`/j/${token}`, { 'accept-language': 'en' });
      assertPage(form, 200, null, 'password form');
      assert.match(form.text, /<form method="post" action="\/j\//);
      assert.ok(!form.text.includes(locked.checkCode), 'nothing of the group before the password');
      const post = (password: string, client = scanner()) =>
        client.post(`/j/${token}`, new URLSearchParams({ password }).toString(), { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' });
      assertPage(await post('wrong'), 403, null, 'a wrong password');
      const right = await post('open sesame');
      assertPage(right, 200, null, 'right password');
      assert.ok(right.text.includes(locked.checkCode));
      const cookie = right.headers.getSetCookie().find((c) => c.startsWith(`${PASSWORD_PASS_COOKIE}=`));
      assert.ok(cookie, 'a pass cookie');
      assert.match(cookie, new RegExp(`Path=/j/${token}; Max-Age=1800; HttpOnly; SameSite=Lax`));
      const withPass = new Client(server.url, { cookie: cookie.split(';')[0] });
      const again = await withPass.get(`/j/${token}`);
      assertPage(again, 200, null, 'landing with the pass');
      assert.ok(again.text.includes(locked.checkCode));
      assert.deepEqual((await scans(locked.id)).map((s) => s.outcome), ['password_required', 'ok'], 'the form posts are not scans');
      // Another code, so the right password above was not yet throttled: 5 wrong answers, then 429 even for the right one.
      const guarded = await code({ password: 'open sesame' });
      const post2 = (password: string) =>
        scanner().post(`/j/${tokenOf(guarded.url)}`, new URLSearchParams({ password }).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
      for (let i = 0; i < 5; i += 1) assertPage(await post2('wrong'), 403, null, `wrong ${i + 1}`);
      const throttled = await post2('open sesame');
      assertPage(throttled, 429, 'too_many_attempts', 'throttled even with the right password');
      assert.ok(Number(throttled.headers.get('retry-after')) > 0);
      assertPage(await scanner().post(`/j/${token}`, JSON.stringify({ password: 'open sesame' })), 400, 'bad_request', 'JSON instead of a form');
      assertPage(await scanner().post(`/j/${token}`, `password=${'x'.repeat(5000)}`, { 'content-type': 'application/x-www-form-urlencoded' }), 413, 'bad_request', 'over 4 KiB');
    });
  });
}
