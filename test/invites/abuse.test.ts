import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_ABUSE_SETTINGS } from '../../src/modules/invites/abuse-settings.ts';
import { FakeClock } from '../harness/deps.ts';
import { DIALECTS } from '../harness/env.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';
import { inviteWorkspace, type InviteWorkspace } from './setup.ts';

const HOUR = 3600 * 1000;
const START = Date.UTC(2030, 0, 6, 9, 5);
const OFF = { ...DEFAULT_ABUSE_SETTINGS, redeemsPerIpPerDay: null, redeemsPerDevicePerDay: null, networkBurst: null, ownerBurst: null, botUserAgent: null };
const PHONE = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36 MicroMessenger/8.0.49';

for (const dialect of DIALECTS) {
  // On PostgreSQL the rate limits live in Redis, as in a scaled-out deployment.
  describe(`invite anti-abuse: rate limits and alerts (${dialect})`, () => {
    let server: TestServer;
    let clock: FakeClock;
    let ws: InviteWorkspace;
    let users = 0;

    /** A fresh workspace-wide setting for one test. */
    const configure = async (settings: Record<string, unknown>) => {
      const response = await ws.api.request('PUT', `${ws.base}/invite-abuse-settings`, { ...OFF, ...settings });
      assert.equal(response.status, 200, response.text);
    };
    const unlimited = (owner: string) => ws.create({ owner: { userId: owner }, purpose: 'tracking', tags: { channel: 'test' }, validity: 'permanent', maxUses: null });
    const redeemFrom = (code: string, client: Record<string, string>, extra: Record<string, unknown> = {}) => {
      users += 1;
      return ws.redeem(code, `user-${users}`, { client, ...extra });
    };
    const alerts = async () => {
      const rows = await server.deps.db.kysely.selectFrom('events').select('payload').where('workspace_id', '=', ws.workspaceId).where('type', '=', 'invite.abuse_suspected').orderBy('id').execute();
      return rows.map((r) => JSON.parse(r.payload) as Record<string, any>);
    };
    const redemptionCount = async (inviteId: string) => (await server.deps.db.kysely.selectFrom('invite_redemptions').select('id').where('invite_id', '=', inviteId).execute()).length;

    before(async () => {
      clock = new FakeClock(START);
      server = await startTestServer(dialect, { clock, redis: dialect === 'postgres' });
      ws = await inviteWorkspace(server.url, server.deps, 'enterprise');
    });
    after(() => server.stop());

    test('given no settings, then the seed defaults apply: 1000 redeems per address and 20 per device a day, alerts at 50 per hour per network and owner and at the first bot, no blocking', async () => {
      const response = await ws.api.get(`${ws.base}/invite-abuse-settings`);
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, {
        redeemsPerIpPerDay: 1000,
        redeemsPerDevicePerDay: 20,
        networkBurst: { redemptions: 50, windowMinutes: 60 },
        ownerBurst: { redemptions: 50, windowMinutes: 60 },
        botUserAgent: { redemptions: 1, windowMinutes: 60 },
        blockOnAlert: false,
      });
    });

    test('given many redemptions from one network, then network_burst fires once per window, and again in the next window, without refusing anyone', async () => {
      await configure({ networkBurst: { redemptions: 3, windowMinutes: 60 } });
      const code = await unlimited('net-owner');
      const before = (await alerts()).length;
      for (let i = 1; i <= 5; i += 1) assert.equal((await redeemFrom(code.code, { ip: `203.0.113.${i}` })).status, 200);
      assert.equal((await redeemFrom(code.code, { ip: '198.51.100.7' })).status, 200, 'another network');
      let fired = (await alerts()).slice(before);
      assert.equal(fired.length, 1);
      assert.equal(fired[0]!.kind, 'network_burst');
      assert.equal(fired[0]!.network, '203.0.113.0/24');
      assert.equal(fired[0]!.redemptions, 3);
      assert.equal(fired[0]!.threshold, 3);
      assert.equal(fired[0]!.windowStart, '2030-01-06T09:00:00.000Z');
      assert.equal(fired[0]!.windowEnd, '2030-01-06T10:00:00.000Z');
      assert.equal(fired[0]!.blocking, false);
      assert.equal(fired[0]!.redemption.inviteId, code.id);

      clock.advance(HOUR);
      for (let i = 1; i <= 3; i += 1) assert.equal((await redeemFrom(code.code, { ip: `203.0.113.${i}` })).status, 200);
      fired = (await alerts()).slice(before);
      assert.equal(fired.length, 2, 'once more in the next window');
      assert.equal(fired[1]!.windowStart, '2030-01-06T10:00:00.000Z');
      assert.equal(await redemptionCount(code.id), 9, 'alerts never refused a redemption');
    });

    test("given a burst of redemptions of one owner's codes from many networks, then owner_burst fires once with the owner", async () => {
      await configure({ ownerBurst: { redemptions: 4, windowMinutes: 30 } });
      const first = await unlimited('kol');
      const second = await unlimited('kol');
      const before = (await alerts()).length;
      for (let i = 1; i <= 6; i += 1) assert.equal((await redeemFrom(i % 2 ? first.code : second.code, { ip: `10.${i}.0.1` })).status, 200);
      const fired = (await alerts()).slice(before);
      assert.equal(fired.length, 1);
      assert.equal(fired[0]!.kind, 'owner_burst');
      assert.deepEqual(fired[0]!.owner, { type: 'user', id: 'kol', displayName: null });
      assert.equal(fired[0]!.redemptions, 4);
    });

    test('given a redemption whose client user agent is a bot, then bot_user_agent fires once per network and window; people and the caller’s own user agent do not', async () => {
      await configure({ botUserAgent: { redemptions: 1, windowMinutes: 60 } });
      const code = await unlimited('bot-target');
      const before = (await alerts()).length;
      assert.equal((await redeemFrom(code.code, { ip: '192.0.2.10', userAgent: PHONE })).status, 200);
      assert.equal((await ws.api.post(`${ws.base}/invites/redeem`, { code: code.code, redeemer: { userId: 'server-side' } }, { 'user-agent': 'python-requests/2.31' })).status, 200);
      assert.equal((await alerts()).length, before, 'a phone, and a server calling with its own HTTP library, are not bots');
      assert.equal((await redeemFrom(code.code, { ip: '192.0.2.11', userAgent: 'python-requests/2.31.0' })).status, 200);
      assert.equal((await redeemFrom(code.code, { ip: '192.0.2.12', userAgent: 'curl/8.5.0' })).status, 200);
      assert.equal((await redeemFrom(code.code, { ip: '2001:db8:7::1', userAgent: 'Mozilla/5.0 HeadlessChrome/126.0' })).status, 200);
      const fired = (await alerts()).slice(before);
      assert.deepEqual(
        fired.map((a) => [a.kind, a.network, a.userAgent]),
        [
          ['bot_user_agent', '192.0.2.0/24', 'python-requests/2.31.0'],
          ['bot_user_agent', '2001:db8:7::/48', 'Mozilla/5.0 HeadlessChrome/126.0'],
        ],
      );
    });

    test('given 30 concurrent redemptions from one network over the threshold, then the alert fires exactly once', async () => {
      await configure({ networkBurst: { redemptions: 5, windowMinutes: 60 } });
      const code = await unlimited('crowd');
      const before = (await alerts()).length;
      const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => ws.redeem(code.code, `crowd-${i}`, { client: { ip: `100.64.9.${i + 1}` } })));
      assert.deepEqual([...new Set(responses.map((r) => r.status))], [200]);
      const fired = (await alerts()).slice(before);
      assert.equal(fired.length, 1);
      assert.equal(fired[0]!.redemptions, 5, 'fired by the redemption that reached the threshold');
    });

    test('given blocking on, then once the alert fired the network is held back with 429 and Retry-After until the window ends; other networks, and replays, still work', async () => {
      await configure({ networkBurst: { redemptions: 2, windowMinutes: 60 }, blockOnAlert: true });
      clock.ms = Date.UTC(2030, 0, 6, 14, 45);
      const code = await unlimited('blocked-owner');
      const first = await ws.redeem(code.code, 'held-1', { client: { ip: '203.0.113.50' } });
      assert.equal(first.status, 200);
      assert.equal((await ws.redeem(code.code, 'held-2', { client: { ip: '203.0.113.51' } })).status, 200);
      const held = await ws.redeem(code.code, 'held-3', { client: { ip: '203.0.113.52' } });
      assert.equal(held.status, 429, held.text);
      assert.match(held.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.equal(held.body.code, 'invite_redemptions_held');
      assert.equal(held.body.kind, 'network_burst');
      assert.equal(held.headers.get('retry-after'), String(15 * 60));
      assert.equal((await ws.redeem(code.code, 'held-1', { client: { ip: '203.0.113.50' } })).body.replayed, true, 'a replay is no new redemption');
      assert.equal((await ws.redeem(code.code, 'elsewhere', { client: { ip: '198.51.100.9' } })).status, 200);
      assert.equal(await redemptionCount(code.id), 3);
      const fired = (await alerts()).filter((a) => a.redemption.inviteId === code.id);
      assert.equal(fired.length, 1);
      assert.equal(fired[0]!.blocking, true);

      clock.advance(15 * 60 * 1000);
      assert.equal((await ws.redeem(code.code, 'held-3', { client: { ip: '203.0.113.52' } })).status, 200, 'a new window');
    });

    test('given per-device and per-address limits, then the request over either gets 429 rate_limited problem+json with Retry-After, and other devices and addresses go on', async () => {
      await configure({ redeemsPerDevicePerDay: 2, redeemsPerIpPerDay: 3 });
      const code = await unlimited('limited-owner');
      for (let i = 0; i < 2; i += 1) assert.equal((await redeemFrom(code.code, { ip: '198.18.0.1' }, { device: 'device-A' })).status, 200);
      const overDevice = await redeemFrom(code.code, { ip: '198.18.0.2' }, { device: 'device-A' });
      assert.equal(overDevice.status, 429, overDevice.text);
      assert.match(overDevice.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.equal(overDevice.body.code, 'rate_limited');
      assert.equal(overDevice.body.limit, 'device');
      const retryAfter = Number(overDevice.headers.get('retry-after'));
      assert.ok(retryAfter > 0 && retryAfter <= 24 * 3600, `Retry-After ${retryAfter}`);
      assert.equal((await redeemFrom(code.code, { ip: '198.18.0.2' }, { device: 'device-B' })).status, 200);

      assert.equal((await redeemFrom(code.code, { ip: '198.18.0.1' }, { device: 'device-C' })).status, 200, 'the third from this address');
      const overIp = await redeemFrom(code.code, { ip: '198.18.0.1' }, { device: 'device-D' });
      assert.equal(overIp.status, 429);
      assert.equal(overIp.body.limit, 'ip');
      assert.ok(Number(overIp.headers.get('retry-after')) > 0);
      assert.equal(await redemptionCount(code.id), 4);
    });

    test('given bad settings and bad redeem inputs, then 400 problems naming the field, and nothing changes', async () => {
      await configure({});
      const settings = `${ws.base}/invite-abuse-settings`;
      const bad: [string, unknown, string][] = [
        ['zero redemptions', { ...OFF, networkBurst: { redemptions: 0, windowMinutes: 60 } }, '/networkBurst/redemptions'],
        ['a window over a day', { ...OFF, ownerBurst: { redemptions: 5, windowMinutes: 1441 } }, '/ownerBurst/windowMinutes'],
        ['a negative limit', { ...OFF, redeemsPerIpPerDay: -1 }, '/redeemsPerIpPerDay'],
        ['a missing field', { ...OFF, blockOnAlert: undefined }, '/blockOnAlert'],
      ];
      for (const [name, body, pointer] of bad) {
        const response = await ws.api.request('PUT', settings, JSON.parse(JSON.stringify(body)));
        assert.equal(response.status, 400, `${name}: ${response.text}`);
        assert.ok(response.body.errors.some((e: any) => e.pointer === pointer || (pointer === '/blockOnAlert' && e.message.includes('blockOnAlert'))), `${name}: ${response.text}`);
      }
      assert.deepEqual((await ws.api.get(settings)).body, OFF);

      const code = await unlimited('input-owner');
      const inputs: [string, Record<string, unknown>][] = [
        ['a device id with spaces', { device: 'my phone' }],
        ['an address that is not one', { client: { ip: '300.1.2.3' } }],
        ['an address with a port', { client: { ip: '203.0.113.9:443' } }],
        ['an empty user agent', { client: { userAgent: '' } }],
        ['an unknown client field', { client: { ip: '203.0.113.9', cookie: 'x' } }],
      ];
      for (const [name, extra] of inputs) {
        const response = await ws.redeem(code.code, 'input-user', extra);
        assert.equal(response.status, 400, `${name}: ${response.text}`);
        assert.equal(response.body.code, 'validation_failed');
      }
      assert.equal(await redemptionCount(code.id), 0);
    });

    test('given a webhook endpoint, then invite.abuse_suspected is an event type it can subscribe to', async () => {
      const types = await ws.client.get('/api/v1/event-types');
      assert.equal(types.status, 200);
      assert.ok(JSON.stringify(types.body).includes('invite.abuse_suspected'));
    });

    test('given a settings change, then it is in the audit log', async () => {
      await configure({ blockOnAlert: true });
      const audit = await server.deps.db.kysely.selectFrom('audit_log').select(['action', 'details']).where('workspace_id', '=', ws.workspaceId).where('action', '=', 'invite_abuse_settings.updated').execute();
      assert.ok(audit.length >= 1);
      assert.equal(JSON.parse(audit[audit.length - 1]!.details).blockOnAlert, true);
    });
  });
}
