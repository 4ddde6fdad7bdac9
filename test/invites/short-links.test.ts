import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { FakeClock } from '../harness/deps.ts';
import { DIALECTS } from '../harness/env.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';
import { inviteWorkspace, type InviteWorkspace } from './setup.ts';

const WECHAT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN';
const HOUR = 3600 * 1000;

interface Page {
  status: number;
  html: string;
  headers: Headers;
}

for (const dialect of DIALECTS) {
  describe(`invite short links: /i/CODE and /i/SUFFIX, clicks and the landing page (${dialect})`, () => {
    let server: TestServer;
    let clock: FakeClock;
    let ws: InviteWorkspace;
    let other: InviteWorkspace;

    async function open(path: string, options: { language?: string; ua?: string; ip?: string; method?: string } = {}): Promise<Page> {
      const response = await fetch(`${server.url}${path}`, {
        method: options.method ?? 'GET',
        headers: { 'accept-language': options.language ?? 'zh-CN,zh;q=0.9', 'user-agent': options.ua ?? WECHAT, 'x-forwarded-for': options.ip ?? '198.51.100.7' },
      });
      return { status: response.status, html: await response.text(), headers: response.headers };
    }
    async function clicks(inviteId: string): Promise<{ clicks: number; bot: number }> {
      const rows = await server.deps.db.kysely.selectFrom('invite_click_days').selectAll().where('invite_id', '=', inviteId).execute();
      return { clicks: rows.reduce((n, r) => n + r.clicks, 0), bot: rows.reduce((n, r) => n + r.bot_clicks, 0) };
    }
    const title = (page: Page) => /<h1>([^<]*)<\/h1>/.exec(page.html)?.[1];

    before(async () => {
      clock = new FakeClock(Date.UTC(2030, 5, 1, 12));
      server = await startTestServer(dialect, { clock, env: { TRUST_PROXY: '127.0.0.1' } });
      ws = await inviteWorkspace(server.url, server.deps);
      other = await inviteWorkspace(server.url, server.deps);
    });
    after(() => server.stop());

    test('given a code, when its short link is opened, then the click is recorded for the day with owner and campaign, and a small self-contained page pre-fills the code with a copy button allowed by its hash', async () => {
      const campaign = await ws.api.post(`${ws.base}/invite-campaigns`, { name: '618 大促', startsAt: new Date(clock.now()).toISOString() });
      const code = await ws.create({ owner: { userId: 'xm', displayName: '小明' }, purpose: 'campaign', campaignId: campaign.body.id });
      const page = await open(`/i/${code.code}`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type')!, /^text\/html/);
      assert.equal(title(page), '你收到一个邀请码');
      assert.match(page.html, new RegExp(`<input id="invite-code" readonly value="${code.code}"`));
      assert.match(page.html, /小明 邀请你/);
      assert.match(page.html, /活动：618 大促/);
      assert.match(page.html, /<button type="button" id="copy" data-done="已复制"/);
      assert.doesNotMatch(page.html, /id="open-app"/);
      assert.ok(Buffer.byteLength(page.html) < 30 * 1024, `${Buffer.byteLength(page.html)} bytes`);
      assert.doesNotMatch(page.html, /(src|href)="(https?:)?\/\//);
      const script = /<script>([^<]*)<\/script>/.exec(page.html)![1]!;
      const hash = `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
      assert.ok(page.headers.get('content-security-policy')!.includes(hash));

      const row = await server.deps.db.kysely.selectFrom('invite_click_days').selectAll().where('invite_id', '=', code.id).executeTakeFirstOrThrow();
      assert.deepEqual(
        { day: row.day, owner: row.owner_key, campaign: row.campaign_id, clicks: row.clicks, bot: row.bot_clicks },
        { day: '2030-06-01', owner: 'u:xm', campaign: campaign.body.id, clicks: 1, bot: 0 },
      );
      // Any case, with dashes; a crawler's open is kept apart; HEAD counts nothing.
      const typed = `${code.code.slice(0, 4).toLowerCase()}-${code.code.slice(4)}`;
      assert.equal((await open(`/i/${typed}`, { language: 'en' })).status, 200);
      assert.equal((await open(`/i/${code.code}`, { ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' })).status, 200);
      assert.equal((await open(`/i/${code.code}`, { method: 'HEAD' })).status, 200);
      assert.deepEqual(await clicks(code.id), { clicks: 2, bot: 1 });
      clock.advance(24 * HOUR);
      await open(`/i/${code.code}`);
      assert.equal((await server.deps.db.kysely.selectFrom('invite_click_days').select('day').where('invite_id', '=', code.id).execute()).length, 2);
      const link = await ws.api.get(`${ws.base}/invites/${code.id}/short-link`);
      assert.deepEqual(link.body, { code: code.code, url: `${server.deps.config.publicUrl}/i/${code.code}`, suffix: null, suffixUrl: null, clicks: 3, botClicks: 1 });
    });

    test('given an app address, then the page has a button to it with the code in place of {code}, or appended as a code parameter', async () => {
      const code = await ws.create({ owner: { userId: 'app' }, purpose: 'referral' });
      const put = await ws.api.request('PUT', `${ws.base}/invite-link-settings`, { appUrl: 'https://app.example.com/signup?invite={code}' });
      assert.equal(put.status, 200, put.text);
      const page = await open(`/i/${code.code}`, { language: 'en' });
      assert.match(page.html, new RegExp(`id="open-app"[^>]*href="https://app.example.com/signup\\?invite=${code.code}"`));
      assert.match(page.html, /Open the app with this code/);
      await ws.api.request('PUT', `${ws.base}/invite-link-settings`, { appUrl: 'https://app.example.com/open?from=link' });
      assert.match((await open(`/i/${code.code}`)).html, new RegExp(`href="https://app.example.com/open\\?from=link&amp;code=${code.code}"`));
      for (const appUrl of ['ftp://files.example.com/x', 'https://[broken/{code}', 'javascript:alert(1)']) {
        const refused = await ws.api.request('PUT', `${ws.base}/invite-link-settings`, { appUrl });
        assert.equal(refused.status, 400, `${appUrl}: ${refused.text}`);
        assert.equal(refused.body.errors[0].pointer, '/appUrl');
      }
      assert.deepEqual((await ws.api.get(`${ws.base}/invite-link-settings`)).body, { appUrl: 'https://app.example.com/open?from=link' });
    });

    test('given a custom suffix such as 立即领券-SPRING, then /i/SUFFIX opens the code too; it is unique across workspaces, may not read as a code, and can be removed', async () => {
      const code = await ws.create({ owner: { userId: 'sp' }, purpose: 'referral' });
      const set = await ws.api.request('PUT', `${ws.base}/invites/${code.id}/short-link`, { suffix: ' 立即领券-SPRING ' });
      assert.equal(set.status, 200, set.text);
      assert.equal(set.body.suffix, '立即领券-spring');
      assert.equal(set.body.suffixUrl, `${server.deps.config.publicUrl}/i/${encodeURIComponent('立即领券-spring')}`);
      assert.equal((await ws.api.get(`${ws.base}/invites/${code.id}`)).body.linkSuffix, '立即领券-spring');
      const page = await open(`/i/${encodeURIComponent('立即领券-Spring')}`);
      assert.equal(page.status, 200);
      assert.match(page.html, new RegExp(`value="${code.code}"`));
      assert.equal((await clicks(code.id)).clicks, 1);

      const theirs = await other.create({ owner: { userId: 'x' }, purpose: 'referral' });
      const taken = await other.api.request('PUT', `${other.base}/invites/${theirs.id}/short-link`, { suffix: '立即领券-spring' });
      assert.equal(taken.status, 409);
      assert.equal(taken.body.code, 'invite_link_suffix_taken');
      const readsAsCode = await other.api.request('PUT', `${other.base}/invites/${theirs.id}/short-link`, { suffix: code.code.toLowerCase() });
      assert.equal(readsAsCode.status, 409);
      for (const suffix of ['a b', '--', 'x'.repeat(41), 'emoji🎉']) {
        const refused = await other.api.request('PUT', `${other.base}/invites/${theirs.id}/short-link`, { suffix });
        assert.equal(refused.status, 400, `${suffix}: ${refused.text}`);
        assert.equal(refused.body.errors[0].pointer, '/suffix');
      }
      const cleared = await ws.api.request('PUT', `${ws.base}/invites/${code.id}/short-link`, { suffix: null });
      assert.equal(cleared.body.suffix, null);
      assert.equal((await open(`/i/${encodeURIComponent('立即领券-spring')}`)).status, 404);
      const audit = await server.deps.db.kysely.selectFrom('audit_log').select('action').where('target_id', '=', code.id).where('action', '=', 'invite.link_suffix_set').execute();
      assert.equal(audit.length, 2);
      assert.equal((await other.api.get(`${other.base}/invites/${code.id}/short-link`)).status, 404);
    });

    test('given unknown, revoked, expired and used-up codes, then the page says so with a matching status (404, 410) in the reader language, and opens of found codes still count', async () => {
      assert.equal(title(await open('/i/ZZZZZZZZZ')), '邀请链接无效');
      assert.equal((await open('/i/ZZZZZZZZZ')).status, 404);
      assert.equal((await open(`/i/${'Q'.repeat(120)}`)).status, 404);
      const revoked = await ws.create({ owner: { userId: 'rv' }, purpose: 'referral' });
      await ws.api.post(`${ws.base}/invites/${revoked.id}/revoke`, {});
      const page = await open(`/i/${revoked.code}`, { language: 'en' });
      assert.deepEqual([page.status, title(page)], [410, 'This invite code was withdrawn']);
      assert.doesNotMatch(page.html, /invite-code/);
      assert.equal((await clicks(revoked.id)).clicks, 1);

      const used = await ws.create({ owner: { userId: 'ux' }, purpose: 'referral' });
      assert.equal((await ws.redeem(used.code, 'redeemer-1')).status, 200);
      assert.deepEqual([(await open(`/i/${used.code}`)).status, title(await open(`/i/${used.code}`))], [410, '邀请码已用完']);

      const expiring = await ws.create({ owner: { userId: 'ex' }, purpose: 'referral' });
      clock.advance(73 * HOUR);
      assert.deepEqual([(await open(`/i/${expiring.code}`)).status, title(await open(`/i/${expiring.code}`))], [410, '邀请码已过期']);
    });

    test('given the same code in two workspaces, then its link is ambiguous (409) rather than either one', async () => {
      const code = await ws.create({ owner: { userId: 'twin' }, purpose: 'referral' });
      const imported = await fetch(`${server.url}${other.base}/invites/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${other.api.auth.apiKey}`, 'content-type': 'text/csv' },
        body: `code,owner id\n${code.code},twin\n`,
      });
      assert.equal(imported.status, 201, await imported.text());
      const page = await open(`/i/${code.code}`, { language: 'en' });
      assert.deepEqual([page.status, title(page)], [409, 'This link is ambiguous']);
    });

    test('given one address opening links fast, then past 120 opens a minute it gets a 429 page with Retry-After and its opens stop counting', async () => {
      const code = await ws.create({ owner: { userId: 'hot' }, purpose: 'referral', validity: 'permanent' });
      for (let i = 0; i < 120; i++) assert.equal((await open(`/i/${code.code}`, { ip: '203.0.113.50' })).status, 200);
      const limited = await open(`/i/${code.code}`, { ip: '203.0.113.50' });
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      assert.equal(title(limited), '打开太频繁');
      assert.equal((await clicks(code.id)).clicks, 120);
      assert.equal((await open(`/i/${code.code}`, { ip: '203.0.113.51' })).status, 200);
    });
  });
}
