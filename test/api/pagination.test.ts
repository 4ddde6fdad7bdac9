import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newId } from '../../src/ids.ts';
import type { Client } from '../harness/client.ts';
import { DIALECTS } from '../harness/env.ts';
import { operator } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

/** Follows nextCursor from the first page to the last; returns the pages' items. */
async function pages(client: Client, path: string, limit: number): Promise<unknown[][]> {
  const served: unknown[][] = [];
  let cursor: string | null = null;
  do {
    const query: string = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await client.get(`${path}?${query}`);
    assert.equal(response.status, 200, response.text);
    served.push(response.body.items);
    cursor = response.body.nextCursor;
    assert.ok(served.length <= 50, 'pagination does not end');
  } while (cursor);
  return served;
}

for (const dialect of DIALECTS) {
  describe(`cursor pagination of lists (${dialect})`, () => {
    let server: TestServer;
    let owner: Awaited<ReturnType<typeof operator>>;
    before(async () => {
      server = await startTestServer(dialect);
      owner = await operator(server.url, server.deps, { plan: 'pro' });
      const base = `/api/v1/workspaces/${owner.workspaceId}`;
      for (let i = 0; i < 5; i += 1) {
        assert.equal((await owner.client.post(`${base}/api-keys`, { name: `Key ${i}`, scopes: ['workspace:read'] })).status, 201);
        assert.equal((await owner.client.post(`${base}/invitations`, { email: `invitee${i}@example.com`, role: 'analyst' })).status, 201);
      }
      // Staff rows straight into the database: listing needs no working password.
      const now = Date.now();
      for (let i = 0; i < 4; i += 1) {
        const id = newId(now);
        await server.deps.db.kysely
          .insertInto('staff')
          .values({ id, email: `listed${i}@example.com`, display_name: `Listed ${i}`, password_hash: 'x', locale: null, created_at: now, updated_at: now })
          .execute();
        await server.deps.db.kysely.insertInto('memberships').values({ workspace_id: owner.workspaceId, staff_id: id, role: 'moderator', created_at: now }).execute();
      }
    });
    after(() => server.stop());

    const lists: [string, string, number][] = [
      ['API keys', 'api-keys', 5],
      ['invitations', 'invitations', 5],
      ['staff', 'staff', 5],
    ];
    for (const [name, segment, total] of lists) {
      test(`given ${total} ${name}, when walked two at a time, then each appears once, in the order of the full list, with no empty last page`, async () => {
        const path = `/api/v1/workspaces/${owner.workspaceId}/${segment}`;
        const full = (await owner.client.get(path)).body.items;
        assert.equal(full.length, total);
        const served = await pages(owner.client, path, 2);
        assert.deepEqual(served.map((page) => page.length), [2, 2, 1]);
        assert.deepEqual(served.flat(), full);
        const exact = await pages(owner.client, path, total);
        assert.equal(exact.length, 1, 'a page that holds everything has no next cursor');
      });
    }

    test('given a cursor that was not issued by the server, when used, then 400 invalid_cursor', async () => {
      for (const cursor of ['garbage', Buffer.from('{"before":123}').toString('base64url'), Buffer.from('not json').toString('base64url')]) {
        const response = await owner.client.get(`/api/v1/workspaces/${owner.workspaceId}/api-keys?cursor=${cursor}`);
        assert.equal(response.status, 400, cursor);
        assert.equal(response.body.code, 'invalid_cursor');
      }
    });
  });
}
