import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DIALECTS } from '../harness/env.ts';
import { operator } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

type Operator = Awaited<ReturnType<typeof operator>>;

let keys = 0;
/** A fresh Idempotency-Key per scenario, as a client would generate. */
function newKey(): Record<string, string> {
  keys += 1;
  return { 'idempotency-key': `test-${Date.now()}-${keys}` };
}

for (const dialect of DIALECTS) {
  describe(`Idempotency-Key on creating requests (${dialect})`, () => {
    let server: TestServer;
    let owner: Operator;
    let other: Operator;
    before(async () => {
      server = await startTestServer(dialect);
      [owner, other] = await Promise.all([operator(server.url, server.deps, { plan: 'pro' }), operator(server.url, server.deps, { plan: 'pro' })]);
    });
    after(() => server.stop());

    const apiKeysPath = () => `/api/v1/workspaces/${owner.workspaceId}/api-keys`;
    const keysNamed = async (name: string) =>
      (await server.deps.db.kysely.selectFrom('api_keys').select('id').where('workspace_id', '=', owner.workspaceId).where('name', '=', name).execute()).length;
    const workspacesNamed = async (name: string) => (await server.deps.db.kysely.selectFrom('workspaces').select('id').where('name', '=', name).execute()).length;

    test('given an API key was created with a key, when the same request is retried, then the stored response comes back and no second key exists', async () => {
      const headers = newKey();
      const body = { name: 'Retried key', scopes: ['workspace:read'] };
      const first = await owner.client.post(apiKeysPath(), body, headers);
      assert.equal(first.status, 201);
      assert.equal(first.headers.get('idempotent-replayed'), null);
      const retry = await owner.client.post(apiKeysPath(), body, headers);
      assert.equal(retry.status, 201);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.match(retry.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(retry.body, first.body, 'the retry must return the same key, secret included');
      assert.equal(await keysNamed('Retried key'), 1);
    });

    test('given a used key, when it is sent with a different body, then 422 idempotency_key_reused and nothing is created', async () => {
      const headers = newKey();
      assert.equal((await owner.client.post(apiKeysPath(), { name: 'Original', scopes: ['workspace:read'] }, headers)).status, 201);
      const reused = await owner.client.post(apiKeysPath(), { name: 'Different', scopes: ['workspace:read'] }, headers);
      assert.equal(reused.status, 422);
      assert.equal(reused.body.code, 'idempotency_key_reused');
      assert.equal(await keysNamed('Different'), 0);
      // The same key on another route (another workspace's path) is a different request too.
      const otherPath = await owner.client.post('/api/v1/workspaces', { name: 'Original' }, headers);
      assert.equal(otherPath.status, 201, 'keys are scoped to the route');
    });

    test('given a stored response that holds a secret, when the database is read, then the secret is not in it', async () => {
      const headers = newKey();
      const created = await owner.client.post(apiKeysPath(), { name: 'Sealed key', scopes: ['workspace:read'] }, headers);
      assert.equal(created.status, 201);
      const rows = await server.deps.db.kysely.selectFrom('idempotency_keys').select('response_body').where('key', '=', headers['idempotency-key']!).execute();
      assert.equal(rows.length, 1);
      assert.ok(rows[0]!.response_body && !rows[0]!.response_body.includes(created.body.secret), 'the stored replay must be sealed');
    });

    test('given a reservation whose request died over a minute ago, when the client retries, then the retry runs instead of 409', async () => {
      const headers = newKey();
      const body = { name: 'After a crash', scopes: ['workspace:read'] };
      const path = apiKeysPath();
      // What a process that crashed mid-request leaves behind: a reservation with no response.
      const requestHash = (await import('node:crypto')).createHash('sha256').update(`POST ${path}\n${JSON.stringify(body)}`).digest('hex');
      await server.deps.db.kysely
        .insertInto('idempotency_keys')
        .values({ scope: `${owner.staffId}:/api/v1/workspaces/:workspaceId/api-keys`, key: headers['idempotency-key']!, request_hash: requestHash, status_code: null, response_body: null, response_location: null, created_at: Date.now() - 61_000 })
        .execute();
      const retry = await owner.client.post(path, body, headers);
      assert.equal(retry.status, 201);
      assert.equal(await keysNamed('After a crash'), 1);
      const replay = await owner.client.post(path, body, headers);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(replay.body, retry.body);
    });

    test('given no Idempotency-Key, when the same request is sent twice, then two resources are created', async () => {
      const body = { name: 'Not idempotent', scopes: ['workspace:read'] };
      assert.equal((await owner.client.post(apiKeysPath(), body)).status, 201);
      assert.equal((await owner.client.post(apiKeysPath(), body)).status, 201);
      assert.equal(await keysNamed('Not idempotent'), 2);
    });

    test('given a workspace was created with a key, when retried, then the same workspace comes back and the creator owns exactly one', async () => {
      const headers = newKey();
      const first = await owner.client.post('/api/v1/workspaces', { name: 'Idempotent workspace', plan: 'pro' }, headers);
      assert.equal(first.status, 201);
      const retry = await owner.client.post('/api/v1/workspaces', { name: 'Idempotent workspace', plan: 'pro' }, headers);
      assert.equal(retry.status, 201);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.equal(retry.body.id, first.body.id);
      assert.equal(await workspacesNamed('Idempotent workspace'), 1);
      const conflict = await owner.client.post('/api/v1/workspaces', { name: 'Idempotent workspace', plan: 'free' }, headers);
      assert.equal(conflict.status, 422);
      assert.equal(conflict.body.code, 'idempotency_key_reused');
      const mine = await owner.client.get('/api/v1/workspaces');
      assert.equal(mine.body.items.filter((w: { name: string }) => w.name === 'Idempotent workspace').length, 1);
    });

    test('given two people, when they happen to send the same key, then each gets their own result (keys are per caller)', async () => {
      const headers = newKey();
      const mine = await owner.client.post('/api/v1/workspaces', { name: 'Same key, two people' }, headers);
      const theirs = await other.client.post('/api/v1/workspaces', { name: 'Same key, two people' }, headers);
      assert.equal(mine.status, 201);
      assert.equal(theirs.status, 201);
      assert.equal(theirs.headers.get('idempotent-replayed'), null);
      assert.notEqual(theirs.body.id, mine.body.id);
      const visible = await other.client.get(`/api/v1/workspaces/${mine.body.id}`);
      assert.equal(visible.status, 404, "another person's replay must not reveal the first person's workspace");
    });

    test('given several simultaneous requests with one key, when they race, then one resource exists and the others get it or 409 idempotency_in_progress', async () => {
      for (const [route, body, count] of [
        [apiKeysPath(), { name: 'Raced key', scopes: ['workspace:read'] }, () => keysNamed('Raced key')],
        ['/api/v1/workspaces', { name: 'Raced workspace' }, () => workspacesNamed('Raced workspace')],
      ] as const) {
        const headers = newKey();
        const responses = await Promise.all(Array.from({ length: 6 }, () => owner.client.post(route, body, headers)));
        const created = responses.filter((r) => r.status === 201);
        const inProgress = responses.filter((r) => r.status === 409);
        assert.equal(created.length + inProgress.length, responses.length, responses.map((r) => `${r.status} ${r.text}`).join('\n'));
        assert.ok(created.length >= 1);
        assert.equal(new Set(created.map((r) => r.body.id)).size, 1, 'every success names the same resource');
        for (const response of inProgress) assert.equal(response.body.code, 'idempotency_in_progress');
        assert.equal(await count(), 1);
        // Once the first has finished, a retry is a plain replay.
        const retry = await owner.client.post(route, body, headers);
        assert.equal(retry.status, 201);
        assert.equal(retry.body.id, created[0]!.body.id);
      }
    });

    test('given a refused request with a key, when retried unchanged, then the same refusal is replayed and nothing is created', async () => {
      const headers = newKey();
      const body = { name: 'Refused', scopes: ['workspace:read'], ipAllowList: ['not-an-address'] };
      const first = await owner.client.post(apiKeysPath(), body, headers);
      assert.equal(first.status, 400);
      const retry = await owner.client.post(apiKeysPath(), body, headers);
      assert.equal(retry.status, 400);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.match(retry.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(retry.body.code, 'validation_failed');
      assert.equal(await keysNamed('Refused'), 0);
    });

    test('given an Idempotency-Key that is not 1-255 visible ASCII characters, when sent, then 400 and nothing is created', async () => {
      for (const key of ['x'.repeat(256), 'has space']) {
        const response = await owner.client.post(apiKeysPath(), { name: 'Bad header', scopes: ['workspace:read'] }, { 'idempotency-key': key });
        assert.equal(response.status, 400, key);
        assert.equal(response.body.code, 'validation_failed');
      }
      assert.equal(await keysNamed('Bad header'), 0);
    });
  });
}
