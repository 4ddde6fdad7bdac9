import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DIALECTS } from '../harness/env.ts';
import { operator } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

// The smallest valid PNG (1×1), as an avatar.
const PNG_1PX = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

for (const dialect of DIALECTS) {
  describe(`groups (${dialect})`, () => {
    let server: TestServer;
    let owner: Awaited<ReturnType<typeof operator>>;
    let base: string;
    before(async () => {
      server = await startTestServer(dialect);
      owner = await operator(server.url, server.deps);
      base = `/api/v1/workspaces/${owner.workspaceId}/groups`;
    });
    after(() => server.stop());

    test('given a free workspace, when a hosted group is created without a capacity, then it takes the plan cap of 500 and a group.created event is written', async () => {
      const created = await owner.client.post(base, { kind: 'hosted', name: 'Spring Camp 1群', valueStatement: '扫码入群领资料', avatar: PNG_1PX });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.capacity, 500);
      assert.equal(created.body.memberCount, 0);
      assert.equal(created.body.status, 'active');
      assert.equal(created.body.avatar, PNG_1PX);
      const event = await server.deps.db.kysely.selectFrom('events').selectAll().where('type', '=', 'group.created').where('workspace_id', '=', owner.workspaceId).executeTakeFirstOrThrow();
      const payload = JSON.parse(event.payload);
      assert.equal(payload.group.id, created.body.id);
      assert.equal(payload.group.avatar, undefined, 'webhook payloads leave the image out');
      const fetched = await owner.client.get(`${base}/${created.body.id}`);
      assert.deepEqual(fetched.body, created.body);
    });

    test('given a capacity over the plan cap, when a group is created or edited, then 400 names the cap and nothing changes', async () => {
      const tooBig = await owner.client.post(base, { kind: 'hosted', name: 'Too big', capacity: 501 });
      assert.equal(tooBig.status, 400);
      assert.match(tooBig.body.detail, /at most 500/);
      const group = (await owner.client.post(base, { kind: 'hosted', name: 'Fits', capacity: 200 })).body;
      const edit = await owner.client.patch(`${base}/${group.id}`, { capacity: 100000 });
      assert.equal(edit.status, 400);
      assert.equal((await owner.client.get(`${base}/${group.id}`)).body.capacity, 200);
    });

    test('given an external group, then it needs its platform, may carry a join link, and a hosted group may have neither', async () => {
      assert.equal((await owner.client.post(base, { kind: 'external', name: 'No platform' })).status, 400);
      const external = await owner.client.post(base, { kind: 'external', name: 'TG', platform: 'telegram', joinUrl: 'https://t.me/+AbCdEf' });
      assert.equal(external.status, 201);
      assert.equal(external.body.platform, 'telegram');
      assert.equal((await owner.client.post(base, { kind: 'hosted', name: 'H', platform: 'wechat' })).status, 400);
      assert.equal((await owner.client.post(base, { kind: 'hosted', name: 'H', joinUrl: 'https://example.com/j' })).status, 400);
      assert.equal((await owner.client.post(base, { kind: 'external', name: 'Bad link', platform: 'discord', joinUrl: 'javascript:alert(1)' })).status, 400);
    });

    test('given an avatar whose bytes are not the image it claims, when it is sent, then 400', async () => {
      const fake = `data:image/png;base64,${Buffer.from('GIF89a not a png').toString('base64')}`;
      const response = await owner.client.post(base, { kind: 'hosted', name: 'Fake avatar', avatar: fake });
      assert.equal(response.status, 400);
      assert.match(response.body.detail, /not the PNG or JPEG/);
    });

    test('given groups, when they are listed by kind and status, then filters and cursors agree', async () => {
      const archived = (await owner.client.post(base, { kind: 'hosted', name: 'Old' })).body;
      const archive = await owner.client.patch(`${base}/${archived.id}`, { status: 'archived' });
      assert.equal(archive.status, 200);
      assert.equal(archive.body.status, 'archived');
      const externals = await owner.client.get(`${base}?kind=external`);
      assert.ok(externals.body.items.every((g: { kind: string }) => g.kind === 'external'));
      const archivedOnes = await owner.client.get(`${base}?status=archived`);
      assert.deepEqual(archivedOnes.body.items.map((g: { id: string }) => g.id), [archived.id]);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await owner.client.get(`${base}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.body.items.map((g) => g.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      const all = (await owner.client.get(`${base}?limit=200`)).body.items.map((g: { id: string }) => g.id);
      assert.deepEqual(seen, all);
    });

    test('given another workspace, when its owner asks for this group, then 404', async () => {
      const group = (await owner.client.post(base, { kind: 'hosted', name: 'Private' })).body;
      const other = await operator(server.url, server.deps);
      const response = await other.client.get(`/api/v1/workspaces/${other.workspaceId}/groups/${group.id}`);
      assert.equal(response.status, 404);
    });
  });
}
