import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '../harness/client.ts';
import { DIALECTS } from '../harness/env.ts';
import { operator, staffMember } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

const HOUR = 3600 * 1000;

interface Entry {
  id: string;
  action: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  targetType: string | null;
  targetId: string | null;
  createdAt: string;
}

/** Follows nextCursor to the end and returns every entry in the order served. */
async function walk(client: Client, path: string, limit: number, from: string | null = null): Promise<{ entries: Entry[]; pages: number }> {
  const entries: Entry[] = [];
  let cursor: string | null = from;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const url: string = `${path}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await client.get(url);
    assert.equal(response.status, 200, response.text);
    assert.ok(response.body.items.length <= limit);
    entries.push(...response.body.items);
    cursor = response.body.nextCursor;
    pages += 1;
    assert.ok(pages < 100, 'pagination does not end');
  } while (cursor);
  return { entries, pages };
}

for (const dialect of DIALECTS) {
  describe(`audit log (${dialect})`, () => {
    let server: TestServer;
    // A clock the test sets, ahead of real time so it only ever moves forward.
    const t0 = Math.ceil((Date.now() + 24 * HOUR) / HOUR) * HOUR;
    let now = t0;
    const at = (hours: number) => new Date(t0 + hours * HOUR).toISOString();
    let owner: Awaited<ReturnType<typeof operator>>;
    let admin: Awaited<ReturnType<typeof staffMember>>;
    let path: string;
    const keys: string[] = [];

    before(async () => {
      server = await startTestServer(dialect, { clock: { now: () => now } });
      owner = await operator(server.url, server.deps, { plan: 'pro' });
      admin = await staffMember(server.url, server.deps, owner.workspaceId, 'admin');
      path = `/api/v1/workspaces/${owner.workspaceId}/audit-log`;
      // One change an hour: 1 owner creates a key, 2 admin creates a key, 3 owner renames, 4 owner revokes, 5 admin revokes.
      const steps = [
        () => owner.client.post(`/api/v1/workspaces/${owner.workspaceId}/api-keys`, { name: 'Owner key', scopes: ['audit:read'] }),
        () => admin.client.post(`/api/v1/workspaces/${owner.workspaceId}/api-keys`, { name: 'Admin key', scopes: ['audit:read'] }),
        () => owner.client.patch(`/api/v1/workspaces/${owner.workspaceId}`, { name: 'Audited' }),
        () => owner.client.delete(`/api/v1/workspaces/${owner.workspaceId}/api-keys/${keys[0]}`),
        () => admin.client.delete(`/api/v1/workspaces/${owner.workspaceId}/api-keys/${keys[1]}`),
      ];
      for (const [index, step] of steps.entries()) {
        now = t0 + (index + 1) * HOUR;
        const response = await step();
        assert.ok(response.status < 300, `step ${index + 1}: ${response.status}`);
        if (response.body?.id && index < 2) keys.push(response.body.id);
      }
      now = t0 + 6 * HOUR;
    });
    after(() => server.stop());

    const summary = (entries: Entry[]) => entries.map((e) => `${e.createdAt === at(0) ? 0 : (Date.parse(e.createdAt) - t0) / HOUR} ${e.action}`);

    test('given changes over five hours, when the whole log is read, then every change is there, newest first, with who and what', async () => {
      const response = await owner.client.get(path);
      assert.equal(response.status, 200);
      assert.equal(response.body.nextCursor, null);
      const entries: Entry[] = response.body.items;
      assert.deepEqual(summary(entries), ['5 api_key.revoked', '4 api_key.revoked', '3 workspace.updated', '2 api_key.created', '1 api_key.created', '0 workspace.created']);
      const adminCreated = entries[3]!;
      assert.equal(adminCreated.actorType, 'staff');
      assert.equal(adminCreated.actorId, admin.staffId);
      assert.equal(adminCreated.actorLabel, admin.email);
      assert.equal(adminCreated.targetType, 'api_key');
      assert.equal(adminCreated.targetId, keys[1]);
      assert.ok(!entries.some((e) => e.action === 'staff.signed_in'), 'sign-ins belong to no workspace');
    });

    test('given filters, when the log is read, then only matching entries come back', async () => {
      const read = async (query: string) => summary((await owner.client.get(`${path}?${query}`)).body.items);
      assert.deepEqual(await read('action=api_key.created'), ['2 api_key.created', '1 api_key.created']);
      assert.deepEqual(await read(`actorId=${admin.staffId}`), ['5 api_key.revoked', '2 api_key.created']);
      assert.deepEqual(await read(`actorId=${owner.staffId}&action=api_key.revoked`), ['4 api_key.revoked']);
      assert.deepEqual(await read('targetType=workspace'), ['3 workspace.updated', '0 workspace.created']);
      assert.deepEqual(await read(`since=${at(2)}&until=${at(4)}`), ['3 workspace.updated', '2 api_key.created'], 'since is inclusive, until exclusive');
      assert.deepEqual(await read(`since=${at(4)}`), ['5 api_key.revoked', '4 api_key.revoked']);
      assert.deepEqual(await read(`until=${at(1)}`), ['0 workspace.created']);
      assert.deepEqual(await read('action=no.such.action'), []);
      assert.deepEqual(await read(`targetType=api_key&since=${at(1)}&until=${at(5)}&actorId=${owner.staffId}`), ['4 api_key.revoked', '1 api_key.created']);
    });

    test('given a small limit, when the cursor is followed, then every entry is served exactly once, in order, filtered or not', async () => {
      const all: Entry[] = (await owner.client.get(path)).body.items;
      for (const limit of [1, 2, 4, 6, 7]) {
        const { entries, pages } = await walk(owner.client, path, limit);
        assert.deepEqual(entries.map((e) => e.id), all.map((e) => e.id), `limit ${limit}`);
        assert.equal(pages, Math.max(1, Math.ceil(all.length / limit)), `limit ${limit} should need no empty last page`);
      }
      const created = await walk(owner.client, `${path}?action=api_key.created`, 1);
      assert.deepEqual(summary(created.entries), ['2 api_key.created', '1 api_key.created']);
    });

    test('given a walk in progress, when new changes happen, then the remaining pages neither repeat nor skip entries', async () => {
      const first = await owner.client.get(`${path}?limit=2`);
      const before = (await owner.client.get(path)).body.items.map((e: Entry) => e.id);
      now = t0 + 7 * HOUR;
      assert.equal((await owner.client.patch(`/api/v1/workspaces/${owner.workspaceId}`, { name: 'Audited again' })).status, 200);
      const rest = await walk(owner.client, path, 2, first.body.nextCursor);
      assert.deepEqual([...first.body.items.map((e: Entry) => e.id), ...rest.entries.map((e) => e.id)], before);
    });

    test('given an analyst, an API key with audit:read and a moderator, then the first two read the log and the moderator is refused', async () => {
      const analyst = await staffMember(server.url, server.deps, owner.workspaceId, 'analyst');
      assert.equal((await analyst.client.get(path)).status, 200);
      const key = await owner.client.post(`/api/v1/workspaces/${owner.workspaceId}/api-keys`, { name: 'Auditor', scopes: ['audit:read'] });
      const viaKey = await new Client(server.url, { apiKey: key.body.secret }).get(`${path}?action=api_key.created&limit=1`);
      assert.equal(viaKey.status, 200);
      assert.equal(viaKey.body.items[0].targetId, key.body.id);
      const moderator = await staffMember(server.url, server.deps, owner.workspaceId, 'moderator');
      assert.equal((await moderator.client.get(path)).status, 403);
    });

    test('given another workspace, when its log is read, then none of this workspace’s entries appear', async () => {
      const created = await owner.client.post('/api/v1/workspaces', { name: 'Elsewhere' });
      const other = await owner.client.get(`/api/v1/workspaces/${created.body.id}/audit-log`);
      assert.deepEqual(other.body.items.map((e: Entry) => e.action), ['workspace.created']);
    });

    test('given bad query values, when the log is read, then 400 with the right code', async () => {
      const bad: [string, string][] = [
        ['cursor=not-a-cursor', 'invalid_cursor'],
        [`cursor=${Buffer.from(JSON.stringify({ before: 'x' })).toString('base64url')}`, 'invalid_cursor'],
        ['since=yesterday', 'validation_failed'],
        ['until=2026-01-01', 'validation_failed'],
        ['limit=0', 'validation_failed'],
        ['limit=201', 'validation_failed'],
        ['limit=two', 'validation_failed'],
        ['colour=blue', 'validation_failed'],
      ];
      for (const [query, code] of bad) {
        const response = await owner.client.get(`${path}?${query}`);
        assert.equal(response.status, 400, `${query}: ${response.text}`);
        assert.equal(response.body.code, code, query);
      }
    });
  });
}
