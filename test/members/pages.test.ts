import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/modules/audit/actor.ts';
import { passwordPassCookie } from '../../src/modules/codes/password-pass.ts';
import { createCode } from '../../src/modules/codes/service.ts';
import type { NewCode } from '../../src/modules/codes/schema.ts';
import { createGroup } from '../../src/modules/groups/service.ts';
import type { NewGroup } from '../../src/modules/groups/schema.ts';
import { EMAIL_CODE_TTL_MS } from '../../src/modules/members/identity.ts';
import { signIdentityToken } from '../../src/modules/members/integration.ts';
import { FakeClock } from '../harness/deps.ts';
import { FormBrowser as Browser, formToken } from '../harness/forms.ts';
import { DIALECTS } from '../harness/env.ts';
import { operator, staffMember } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

for (const dialect of DIALECTS) {
  describe(`member pages: identity and joining (${dialect})`, () => {
    let server: TestServer;
    let owner: Awaited<ReturnType<typeof operator>>;
    const clock = new FakeClock(Date.now());

    async function hostedCode(group: Partial<NewGroup> = {}, code: Partial<NewCode> = {}) {
      const created = await createGroup(server.deps, SYSTEM_ACTOR, owner.workspaceId, { kind: 'hosted', name: 'Spring Camp 1群', ...group });
      const view = await createCode(server.deps, SYSTEM_ACTOR, owner.workspaceId, { groupId: created.id, tags: { channel: 'poster', utm_source: 'flyer' }, ...code });
      return { group: created, token: view.url.split('/j/')[1]!, codeId: view.id };
    }

    async function mailedCode(to: string): Promise<string> {
      const outbox = await owner.client.get(`/api/v1/workspaces/${owner.workspaceId}/mail-outbox?limit=200`);
      const mail = outbox.body.items.find((m: { to: string }) => m.to === to);
      assert.ok(mail, `a mail to ${to}`);
      return /\b(\d{6})\b/.exec(mail.text)![1]!;
    }

    /** Email flow up to the confirm form; returns the browser and the confirm page. */
    async function signInByEmail(token: string, email: string, ip: string) {
      const browser = new Browser(server.url, { 'x-forwarded-for': ip });
      const start = await browser.get(`/j/${token}/join`);
      assert.equal(start.status, 200, start.text);
      const sent = await browser.post(`/j/${token}/join/email`, { email, form: formToken(start.text) });
      assert.equal(sent.status, 200, sent.text);
      const code = await mailedCode(email);
      const verified = await browser.post(`/j/${token}/join/verify`, { email, code, form: formToken(sent.text) });
      assert.equal(verified.status, 200, verified.text);
      return { browser, confirm: verified };
    }

    before(async () => {
      server = await startTestServer(dialect, { clock, env: { TRUST_PROXY: 'true' } });
      owner = await operator(server.url, server.deps);
    });
    after(() => server.stop());

    test('given the email code flow, when a member verifies and joins, then they land on the group page with the welcome text filled in and escaped', async () => {
      const { group, token, codeId } = await hostedCode({ welcomeText: 'Welcome {name} to {group}! <b>{inviter}</b>', avatar: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=' });
      const browser = new Browser(server.url, { 'x-forwarded-for': '203.0.113.10' });
      const start = await browser.get(`/j/${token}/join`);
      assert.equal(start.status, 200);
      assert.match(start.text, /Join “Spring Camp 1群”/);
      assert.match(start.text, /partner/, 'mentions the integrator link');
      assert.doesNotMatch(start.text, /<script/i);
      const sent = await browser.post(`/j/${token}/join/email`, { email: 'Ann@Example.com', form: formToken(start.text) });
      assert.equal(sent.status, 200, sent.text);
      assert.match(sent.text, /ann@example\.com/);
      const code = await mailedCode('ann@example.com');
      const outbox = await owner.client.get(`/api/v1/workspaces/${owner.workspaceId}/mail-outbox?limit=200`);
      const mail = outbox.body.items.find((m: { to: string }) => m.to === 'ann@example.com');
      assert.equal(mail.text.split('\n')[0], `Your code to join “Spring Camp 1群” is ${code}. It works once, within 10 minutes.`, 'the mail names the group');
      const verified = await browser.post(`/j/${token}/join/verify`, { email: 'ann@example.com', code, form: formToken(sent.text) });
      assert.equal(verified.status, 200, verified.text);
      const cookie = browser.setCookies.find((c) => c.startsWith('jc_member='));
      assert.ok(cookie, 'a member session cookie');
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      assert.match(cookie, /Path=\//);
      assert.match(cookie, /Max-Age=2592000/);
      assert.match(verified.text, /Join group/);

      const joined = await browser.post(`/j/${token}/join`, { form: formToken(verified.text) });
      assert.equal(joined.status, 303, joined.text);
      assert.equal(joined.location, `/g/${group.id}`);
      const page = await browser.get(`/g/${group.id}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /Welcome ann to Spring Camp 1群! &lt;b&gt;&lt;\/b&gt;/);
      assert.match(page.text, />1 member</, "one member, in the singular");
      assert.match(page.text, new RegExp(`src="/g/${group.id}/avatar"`));
      assert.ok(Buffer.byteLength(page.text) < 30 * 1024);
      const avatar = await fetch(`${server.url}/g/${group.id}/avatar`, { headers: { cookie: `jc_member=${browser.cookies.get('jc_member')}` } });
      assert.equal(avatar.headers.get('content-type'), 'image/png');

      const membership = await server.deps.db.kysely.selectFrom('group_members').selectAll().where('group_id', '=', group.id).executeTakeFirstOrThrow();
      assert.equal(membership.code_id, codeId);
      assert.deepEqual(JSON.parse(membership.tags), { channel: 'poster', utm_source: 'flyer' });
      const event = await server.deps.db.kysely.selectFrom('events').selectAll().where('type', '=', 'member.joined').where('workspace_id', '=', owner.workspaceId).orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.equal(JSON.parse(event.payload).groupId, group.id);

      // Joining again is idempotent: same redirect, no second seat.
      const again = await browser.post(`/j/${token}/join`, { form: formToken(verified.text) });
      assert.equal(again.status, 303);
      const stored = await server.deps.db.kysely.selectFrom('groups').select('member_count').where('id', '=', group.id).executeTakeFirstOrThrow();
      assert.equal(stored.member_count, 1);
      const revisit = await browser.get(`/j/${token}/join`);
      assert.match(revisit.text, /Join group/, 'a signed-in member gets the confirm form');

      // Leaving gives the seat back and closes the group page.
      const left = await browser.post(`/g/${group.id}/leave`, { form: formToken(page.text) });
      assert.equal(left.status, 200, left.text);
      assert.equal((await server.deps.db.kysely.selectFrom('groups').select('member_count').where('id', '=', group.id).executeTakeFirstOrThrow()).member_count, 0);
      assert.equal((await browser.get(`/g/${group.id}`)).status, 403);
    });

    test('given forms without their token or cookie, then they are refused with 403 and nothing is sent or joined', async () => {
      const { group, token } = await hostedCode();
      const stranger = new Browser(server.url);
      assert.equal((await stranger.post(`/j/${token}/join/email`, { email: 'x@example.com', form: 'forged' })).status, 403);
      const { browser } = await signInByEmail(token, 'csrf@example.com', '203.0.113.11');
      assert.equal((await browser.post(`/j/${token}/join`, { form: 'forged' })).status, 403);
      assert.equal((await browser.post(`/j/${token}/join`, {})).status, 403);
      assert.equal((await server.deps.db.kysely.selectFrom('groups').select('member_count').where('id', '=', group.id).executeTakeFirstOrThrow()).member_count, 0);
      assert.equal((await new Browser(server.url).get(`/g/${group.id}`)).status, 401);
    });

    test('given five wrong codes, then the code is dead: the fifth answer and the right code afterwards are 429', async () => {
      const { token } = await hostedCode();
      const browser = new Browser(server.url, { 'x-forwarded-for': '203.0.113.12' });
      const start = await browser.get(`/j/${token}/join`);
      const sent = await browser.post(`/j/${token}/join/email`, { email: 'guess@example.com', form: formToken(start.text) });
      const code = await mailedCode('guess@example.com');
      const wrong = code === '000000' ? '111111' : '000000';
      const answers = [];
      for (let i = 0; i < 5; i += 1) answers.push(await browser.post(`/j/${token}/join/verify`, { email: 'guess@example.com', code: wrong, form: formToken(sent.text) }));
      assert.deepEqual(answers.map((a) => a.status), [400, 400, 400, 400, 429]);
      assert.match(answers[0]!.text, /4 tries left/);
      assert.match(answers[3]!.text, /1 try left/);
      const right = await browser.post(`/j/${token}/join/verify`, { email: 'guess@example.com', code, form: formToken(sent.text) });
      assert.equal(right.status, 429);
      assert.match(right.text, /Too many wrong tries/);
    });

    test('given a code older than 10 minutes, when it is entered, then 410 and no session', async () => {
      const { token } = await hostedCode();
      const browser = new Browser(server.url, { 'x-forwarded-for': '203.0.113.13' });
      const start = await browser.get(`/j/${token}/join`);
      const sent = await browser.post(`/j/${token}/join/email`, { email: 'late@example.com', form: formToken(start.text) });
      const code = await mailedCode('late@example.com');
      clock.advance(EMAIL_CODE_TTL_MS + 1);
      const late = await browser.post(`/j/${token}/join/verify`, { email: 'late@example.com', code, form: formToken(sent.text) });
      assert.equal(late.status, 410);
      assert.equal(browser.cookies.has('jc_member'), false);
    });

    test('given repeated code requests for one address, then the sixth in an hour is 429', async () => {
      const { token } = await hostedCode();
      const browser = new Browser(server.url, { 'x-forwarded-for': '203.0.113.14' });
      const start = await browser.get(`/j/${token}/join`);
      const statuses = [];
      for (let i = 0; i < 6; i += 1) statuses.push((await browser.post(`/j/${token}/join/email`, { email: 'flood@example.com', form: formToken(start.text) })).status);
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    });

    test('given integrator identity tokens, then a valid one signs in and joins, and a wrong signature, expired, wrong audience or alg none is refused with 401', async () => {
      const { group, token } = await hostedCode();
      const rotated = await owner.client.post(`/api/v1/workspaces/${owner.workspaceId}/integration-secret/rotate`, { previousValidMinutes: 0 });
      assert.equal(rotated.status, 200, rotated.text);
      const secret: string = rotated.body.secret;
      assert.equal((await owner.client.get(`/api/v1/workspaces/${owner.workspaceId}/integration-secret`)).body.secret, secret);
      const admin = await staffMember(server.url, server.deps, owner.workspaceId, 'admin');
      assert.equal((await admin.client.get(`/api/v1/workspaces/${owner.workspaceId}/integration-secret`)).status, 403);

      const now = Math.floor(clock.now() / 1000);
      const claims = { sub: 'shop-user-7', name: 'Bea <Shop>', iat: now, exp: now + 600, aud: owner.workspaceId };
      const [head, body] = signIdentityToken(secret, claims, { alg: 'none', typ: 'JWT' }).split('.');
      for (const bad of [
        signIdentityToken('jcis_not-the-secret', claims),
        signIdentityToken(secret, { ...claims, exp: now - 5 }),
        signIdentityToken(secret, { ...claims, aud: 'another-workspace' }),
        `${head}.${body}.`,
      ]) {
        const browser = new Browser(server.url);
        const refused = await browser.get(`/j/${token}/join?identity=${bad}`);
        assert.equal(refused.status, 401, refused.text.slice(0, 200));
        assert.equal(browser.cookies.has('jc_member'), false);
      }
      const browser = new Browser(server.url);
      const arrived = await browser.get(`/j/${token}/join?identity=${signIdentityToken(secret, claims)}`);
      assert.equal(arrived.status, 303);
      assert.equal(arrived.location, `/j/${token}/join`);
      const confirm = await browser.get(`/j/${token}/join`);
      assert.match(confirm.text, /Signed in as Bea &lt;Shop&gt;/);
      const joined = await browser.post(`/j/${token}/join`, { form: formToken(confirm.text) });
      assert.equal(joined.status, 303);
      const member = await server.deps.db.kysely.selectFrom('members').selectAll().where('external_user_id', '=', 'shop-user-7').executeTakeFirstOrThrow();
      assert.equal(member.workspace_id, owner.workspaceId);
      assert.equal(member.email, null);
      assert.equal((await browser.get(`/g/${group.id}`)).status, 200);
    });

    test('given a full group, then a member who reaches the confirm form before it filled gets 409 with a clear page, and newcomers get 409 at once', async () => {
      const { token } = await hostedCode({ capacity: 1 });
      const late = await signInByEmail(token, 'second@example.com', '203.0.113.15');
      const first = await signInByEmail(token, 'first@example.com', '203.0.113.16');
      assert.equal((await first.browser.post(`/j/${token}/join`, { form: formToken(first.confirm.text) })).status, 303);
      const full = await late.browser.post(`/j/${token}/join`, { form: formToken(late.confirm.text) });
      assert.equal(full.status, 409);
      assert.match(full.text, /full/i);
      assert.equal((await new Browser(server.url).get(`/j/${token}/join`)).status, 409);
    });

    test('given a password-protected code, then the join step needs the pass cookie from the landing page', async () => {
      const { token } = await hostedCode({}, { password: 'open sesame' });
      const refused = await new Browser(server.url).get(`/j/${token}/join`);
      assert.equal(refused.status, 403);
      assert.match(refused.text, /password/i);
      const browser = new Browser(server.url);
      browser.cookies.set('jc_code_pass', passwordPassCookie(server.deps.config, token, clock.now()).split(';')[0]!.split('=').slice(1).join('='));
      assert.equal((await browser.get(`/j/${token}/join`)).status, 200);
    });

    test('given a forged or unknown token, then the join page is a 404 page in the visitor language', async () => {
      const zh = await fetch(`${server.url}/j/${'A'.repeat(76)}/join`, { headers: { 'accept-language': 'zh-CN' } });
      assert.equal(zh.status, 404);
      assert.match(await zh.text(), /二维码无效/);
      assert.equal((await new Browser(server.url).get('/j/short/join')).status, 404);
    });
  });
}
