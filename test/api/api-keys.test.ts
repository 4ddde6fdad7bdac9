import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '../harness/client.ts';
import { DIALECTS } from '../harness/env.ts';
import { operator } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

type Operator = Awaited<ReturnType<typeof operator>>;

/** The random part after `jc_<id>_`; it may itself hold `_`, so it cannot be cut out with split('_'). */
const secretPart = (secret: string) => secret.slice('jc_'.length + 26 + 1);

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function createKey(op: Operator, body: { name: string; scopes: string[]; ipAllowList?: string[] }) {
  const response = await op.client.post(`/api/v1/workspaces/${op.workspaceId}/api-keys`, body);
  assert.equal(response.status, 201, response.text);
  return response.body as { id: string; secret: string; prefix: string; scopes: string[]; ipAllowList: string[]; lastUsedAt: string | null };
}

async function auditOf(op: Operator, action: string) {
  const response = await op.client.get(`/api/v1/workspaces/${op.workspaceId}/audit-log?action=${action}`);
  assert.equal(response.status, 200, response.text);
  return response.body.items as { actorType: string; actorId: string; action: string; targetId: string; ip: string; details: Record<string, unknown> }[];
}

for (const dialect of DIALECTS) {
  describe(`API keys (${dialect})`, () => {
    let server: TestServer;
    let behindProxy: TestServer;
    let pro: Operator;
    let proxied: Operator;
    before(async () => {
      [server, behindProxy] = await Promise.all([startTestServer(dialect), startTestServer(dialect, { env: { TRUST_PROXY: '127.0.0.1' } })]);
      [pro, proxied] = await Promise.all([operator(server.url, server.deps, { plan: 'pro' }), operator(behindProxy.url, behindProxy.deps, { plan: 'pro' })]);
    });
    after(() => Promise.all([server?.stop(), behindProxy?.stop()]));

    test('given a pro workspace, when an owner creates a key, then its secret is shown once and never listed or stored in clear', async () => {
      const key = await createKey(pro, { name: 'Reporting', scopes: ['workspace:read', 'audit:read'] });
      assert.match(key.secret, /^jc_[0-9A-Z]{26}_[A-Za-z0-9_-]{43}$/);
      assert.ok(key.secret.startsWith(key.prefix));
      assert.deepEqual(key.scopes, ['workspace:read', 'audit:read']);
      assert.deepEqual(key.ipAllowList, []);
      assert.equal(key.lastUsedAt, null);

      const list = await pro.client.get(`/api/v1/workspaces/${pro.workspaceId}/api-keys`);
      assert.equal(list.status, 200);
      const listed = list.body.items.find((k: { id: string }) => k.id === key.id);
      assert.equal(listed.name, 'Reporting');
      assert.equal('secret' in listed, false);
      assert.ok(!list.text.includes(secretPart(key.secret)), 'the list leaks the secret');

      const row = await server.deps.db.kysely.selectFrom('api_keys').selectAll().where('id', '=', key.id).executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(row).includes(secretPart(key.secret)), 'the secret is stored in clear');
    });

    test('given a key with a scope, when it calls a route of that scope, then 200, and another scope or workspace is refused', async () => {
      const key = await createKey(pro, { name: 'Reader', scopes: ['workspace:read'] });
      const api = new Client(server.url, { apiKey: key.secret });
      const workspace = await api.get(`/api/v1/workspaces/${pro.workspaceId}`);
      assert.equal(workspace.status, 200, workspace.text);
      assert.equal(workspace.body.id, pro.workspaceId);

      const staff = await api.get(`/api/v1/workspaces/${pro.workspaceId}/staff`);
      assert.equal(staff.status, 403);
      assert.equal(staff.body.code, 'forbidden');
      assert.match(staff.body.detail, /staff:read/);

      // Staff-only routes stay closed to keys whatever their scopes.
      assert.equal((await api.get('/api/v1/auth/session')).status, 403);
      assert.equal((await api.patch(`/api/v1/workspaces/${pro.workspaceId}`, { name: 'By key' })).status, 403);

      const elsewhere = await api.get(`/api/v1/workspaces/${proxied.workspaceId}`);
      assert.equal(elsewhere.status, 404);
    });

    test('given a key was used, when keys are listed, then its last use time is shown', async () => {
      const before = Date.now();
      const key = await createKey(pro, { name: 'Used', scopes: ['workspace:read'] });
      assert.equal((await new Client(server.url, { apiKey: key.secret }).get(`/api/v1/workspaces/${pro.workspaceId}`)).status, 200);
      const list = await pro.client.get(`/api/v1/workspaces/${pro.workspaceId}/api-keys`);
      const listed = list.body.items.find((k: { id: string }) => k.id === key.id);
      assert.match(listed.lastUsedAt, ISO);
      assert.ok(Date.parse(listed.lastUsedAt) >= before - 1000);
    });

    test('given a wrong, malformed or missing-scheme credential, when used, then 401 invalid_api_key', async () => {
      const key = await createKey(pro, { name: 'Tampered', scopes: ['workspace:read'] });
      const [, id] = key.secret.split('_');
      const forged = `jc_${id}_${'A'.repeat(43)}`;
      for (const authorization of [`Bearer ${forged}`, 'Bearer jc_nonsense', `Basic ${key.secret}`]) {
        const response = await new Client(server.url).get(`/api/v1/workspaces/${pro.workspaceId}`, { authorization });
        assert.equal(response.status, 401, authorization);
        assert.equal(response.body.code, 'invalid_api_key');
      }
    });

    test('given a key, when it is revoked, then it gets 401, the list shows when, and both changes are audited with actor and address', async () => {
      const key = await createKey(pro, { name: 'Short-lived', scopes: ['workspace:read'] });
      const api = new Client(server.url, { apiKey: key.secret });
      assert.equal((await api.get(`/api/v1/workspaces/${pro.workspaceId}`)).status, 200);

      const revoked = await pro.client.delete(`/api/v1/workspaces/${pro.workspaceId}/api-keys/${key.id}`);
      assert.equal(revoked.status, 204);
      const refused = await api.get(`/api/v1/workspaces/${pro.workspaceId}`);
      assert.equal(refused.status, 401);
      assert.equal(refused.body.code, 'invalid_api_key');
      const list = await pro.client.get(`/api/v1/workspaces/${pro.workspaceId}/api-keys`);
      assert.match(list.body.items.find((k: { id: string }) => k.id === key.id).revokedAt, ISO);
      assert.equal((await pro.client.delete(`/api/v1/workspaces/${pro.workspaceId}/api-keys/${key.id}`)).status, 204, 'revoking twice is harmless');

      const created = (await auditOf(pro, 'api_key.created')).filter((e) => e.targetId === key.id);
      const revokes = (await auditOf(pro, 'api_key.revoked')).filter((e) => e.targetId === key.id);
      assert.equal(created.length, 1);
      assert.equal(revokes.length, 1, 'a second revoke must not add an entry');
      for (const entry of [...created, ...revokes]) {
        assert.equal(entry.actorType, 'staff');
        assert.equal(entry.actorId, pro.staffId);
        assert.equal(entry.ip, '127.0.0.1');
      }
      assert.deepEqual(created[0]!.details, { name: 'Short-lived', scopes: ['workspace:read'] });

      const events = await server.deps.db.kysely.selectFrom('events').select(['type', 'payload']).where('workspace_id', '=', pro.workspaceId).execute();
      const types = events.filter((e) => JSON.parse(e.payload).apiKeyId === key.id).map((e) => e.type);
      assert.deepEqual(types.sort(), ['api_key.created', 'api_key.revoked']);

      const missing = await pro.client.delete(`/api/v1/workspaces/${pro.workspaceId}/api-keys/${'0'.repeat(26)}`);
      assert.equal(missing.status, 404);
    });

    test('given a key allowing only 10.0.0.0/8, when called from 127.0.0.1, then 403 ip_not_allowed, and X-Forwarded-For is ignored without TRUST_PROXY', async () => {
      const key = await createKey(pro, { name: 'Office only', scopes: ['workspace:read'], ipAllowList: ['10.0.0.0/8'] });
      assert.deepEqual(key.ipAllowList, ['10.0.0.0/8']);
      const api = new Client(server.url, { apiKey: key.secret });
      for (const headers of [{}, { 'x-forwarded-for': '10.1.2.3' }] as Record<string, string>[]) {
        const response = await api.get(`/api/v1/workspaces/${pro.workspaceId}`, headers);
        assert.equal(response.status, 403);
        assert.equal(response.body.code, 'ip_not_allowed');
      }
      const local = await createKey(pro, { name: 'Loopback', scopes: ['workspace:read'], ipAllowList: ['192.168.0.0/16', '127.0.0.1'] });
      assert.equal((await new Client(server.url, { apiKey: local.secret }).get(`/api/v1/workspaces/${pro.workspaceId}`)).status, 200);
    });

    test('given TRUST_PROXY=127.0.0.1, when the proxy forwards a client inside the allow-list, then the key is accepted, and one outside is refused', async () => {
      const key = await createKey(proxied, { name: 'Behind proxy', scopes: ['workspace:read'], ipAllowList: ['10.0.0.0/8'] });
      const api = new Client(behindProxy.url, { apiKey: key.secret });
      const inside = await api.get(`/api/v1/workspaces/${proxied.workspaceId}`, { 'x-forwarded-for': '10.1.2.3' });
      assert.equal(inside.status, 200, inside.text);
      const outside = await api.get(`/api/v1/workspaces/${proxied.workspaceId}`, { 'x-forwarded-for': '192.168.1.9' });
      assert.equal(outside.status, 403);
      assert.equal(outside.body.code, 'ip_not_allowed');
      const direct = await api.get(`/api/v1/workspaces/${proxied.workspaceId}`);
      assert.equal(direct.body.code, 'ip_not_allowed');

      // The forwarded address is also the one the audit log records.
      const created = await proxied.client.post(`/api/v1/workspaces/${proxied.workspaceId}/api-keys`, { name: 'Via proxy', scopes: ['workspace:read'] }, { 'x-forwarded-for': '10.9.8.7' });
      assert.equal(created.status, 201);
      const entry = (await auditOf(proxied, 'api_key.created')).find((e) => e.targetId === created.body.id);
      assert.equal(entry?.ip, '10.9.8.7');
    });

    test('given allow-list entries that are not addresses or CIDR ranges, when creating a key, then 400 and no key exists', async () => {
      const count = async () => (await server.deps.db.kysely.selectFrom('api_keys').select('id').where('workspace_id', '=', pro.workspaceId).execute()).length;
      const keys = await count();
      // "10" and "010.0.0.1" would otherwise be read as 0.0.0.10 and (octal) 8.0.0.1.
      for (const entry of ['not-an-ip', '10.0.0.0/33', '300.1.2.3', '10', '010.0.0.1', '10.0.0.0/8/8', '']) {
        const response = await pro.client.post(`/api/v1/workspaces/${pro.workspaceId}/api-keys`, { name: 'Bad list', scopes: ['workspace:read'], ipAllowList: [entry] });
        assert.equal(response.status, 400, `${JSON.stringify(entry)}: ${response.text}`);
        assert.equal(response.body.code, 'validation_failed');
      }
      for (const scopes of [['staff:manage'], ['no-such-scope'], []]) {
        const response = await pro.client.post(`/api/v1/workspaces/${pro.workspaceId}/api-keys`, { name: 'Bad scopes', scopes });
        assert.equal(response.status, 400, JSON.stringify(scopes));
      }
      assert.equal(await count(), keys);
    });

    test('given IPv6 and IPv4-mapped entries, when creating a key, then they are stored in canonical form', async () => {
      const key = await createKey(pro, { name: 'Canonical', scopes: ['workspace:read'], ipAllowList: ['2001:DB8::/32', '::ffff:10.0.0.0/104', ' 192.168.1.1 '] });
      assert.deepEqual(key.ipAllowList, ['2001:db8::/32', '10.0.0.0/8', '192.168.1.1']);
    });

    test('given a free workspace, when its key is used, then 403 api_access_disabled until the plan includes API access', async () => {
      const free = await operator(server.url, server.deps);
      const key = await createKey(free, { name: 'Free tier', scopes: ['workspace:read'] });
      const api = new Client(server.url, { apiKey: key.secret });
      const refused = await api.get(`/api/v1/workspaces/${free.workspaceId}`);
      assert.equal(refused.status, 403);
      assert.equal(refused.body.code, 'api_access_disabled');
      assert.equal((await free.client.patch(`/api/v1/workspaces/${free.workspaceId}`, { plan: 'pro' })).status, 200);
      assert.equal((await api.get(`/api/v1/workspaces/${free.workspaceId}`)).status, 200);
      assert.equal((await free.client.patch(`/api/v1/workspaces/${free.workspaceId}`, { limits: { apiAccess: false } })).status, 200);
      assert.equal((await api.get(`/api/v1/workspaces/${free.workspaceId}`)).body.code, 'api_access_disabled');
    });
  });
}
