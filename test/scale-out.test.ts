import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { startReceiver, type Receiver } from '../src/modules/webhooks/test-fixtures.ts';
import { Client } from './harness/client.ts';
import { createTestDatabase, type TestDatabase } from './harness/database.ts';
import { HAS_POSTGRES, HAS_REDIS, REDIS_URL } from './harness/env.ts';
import { PASSWORD } from './harness/factories.ts';
import { runCli, spawnServer, type ServerProcess } from './harness/process.ts';
import { TEST_SECRET_KEYS } from './harness/server.ts';

const skip = !HAS_POSTGRES || !HAS_REDIS ? 'needs PostgreSQL and Redis' : false;

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('two service processes on one PostgreSQL and one Redis', { skip }, () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let a: ServerProcess;
  let b: ServerProcess;
  let receiver: Receiver;
  const email = `scale-${Date.now()}@example.com`;
  const scratchDir = () => mkdtempSync(path.join(tmpdir(), 'joincode-scale-'));
  const cliDir = scratchDir();

  before(async () => {
    database = await createTestDatabase('postgres');
    env = {
      DATABASE_URL: database.url,
      REDIS_URL,
      SECRET_KEYS: TEST_SECRET_KEYS,
      LOG_LEVEL: 'warn',
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
    };
    // Both start at once: migrations and schedules must cope with a twin.
    const start = () => {
      const dataDir = scratchDir();
      return spawnServer({ args: ['src/main.ts', 'start'], env: { ...env, DATA_DIR: dataDir }, readyPath: '/readyz', tempDir: dataDir });
    };
    [a, b] = await Promise.all([start(), start()]);
    await runCli(['create-operator', '--email', email, '--name', 'Scale', '--workspace', 'Scale', '--plan', 'pro', '--password', PASSWORD], {
      ...env,
      DATA_DIR: cliDir,
    });
    receiver = await startReceiver();
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop(), receiver?.close()]);
    await database?.drop();
    rmSync(cliDir, { recursive: true, force: true });
  });

  test('given failed sign-ins spread over both processes, when their sum reaches the limit, then both processes lock the account', async () => {
    const viaA = new Client(a.url);
    const viaB = new Client(b.url);
    for (const client of [viaA, viaA, viaA, viaB, viaB]) {
      assert.equal((await client.signIn(email, 'not the password')).status, 401);
    }
    // Three failures on A and two on B: only a shared counter reaches five.
    for (const client of [viaA, viaB]) {
      const locked = await client.signIn(email, PASSWORD);
      assert.equal(locked.status, 429, 'the lockout must be shared through Redis');
      assert.equal(locked.body.code, 'locked_out');
    }
  });

  test('given both processes run the scheduler, when ticks pass, then every scheduled tick ran exactly once', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const ticks = await eventually('three finished fan-out ticks', async () => {
        const { rows } = await client.query<{ id: string; attempts: number; status: string }>(
          "SELECT id, attempts, status FROM jobs WHERE id LIKE 'sched:webhooks.fan-out:%' AND status = 'done'",
        );
        return rows.length >= 3 ? rows : undefined;
      });
      for (const tick of ticks) assert.equal(tick.attempts, 1, `${tick.id} was claimed more than once`);
      const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE id LIKE 'sched:%' AND attempts > 1");
      assert.equal(rows[0]!.n, 0);
    } finally {
      await client.end();
    }
  });

  test('given a code both processes have served, when one process resets, pauses or caps it, then the other answers accordingly at once', async () => {
    const otherEmail = `scale-scan-${Date.now()}@example.com`;
    await runCli(['create-operator', '--email', otherEmail, '--name', 'Scans', '--workspace', 'Scans', '--plan', 'enterprise', '--password', PASSWORD], {
      ...env,
      DATA_DIR: cliDir,
    });
    const owner = new Client(a.url);
    assert.equal((await owner.signIn(otherEmail, PASSWORD)).status, 200);
    const api = `/api/v1/workspaces/${(await owner.get('/api/v1/workspaces')).body.items[0].id}`;
    const group = await owner.post(`${api}/groups`, { kind: 'hosted', name: 'Scale camp' });
    const code = await owner.post(`${api}/codes`, { groupId: group.body.id, validityHours: null });
    assert.equal(code.status, 201, code.text);
    const path = (url: string) => new URL(url).pathname;
    const scan = async (via: ServerProcess, url: string) => (await fetch(`${via.url}${path(url)}`)).status;
    assert.deepEqual([await scan(a, code.body.url), await scan(b, code.body.url)], [200, 200], 'both processes hold the code now');

    const reset = await owner.post(`${api}/codes/${code.body.id}/reset`);
    assert.equal(reset.status, 200, reset.text);
    assert.equal(await scan(b, code.body.url), 410, 'the old token is dead on the other process at once');
    assert.equal(await scan(b, reset.body.url), 200, 'the new token works there at once');

    assert.equal((await owner.patch(`${api}/codes/${code.body.id}`, { status: 'paused' })).status, 200);
    assert.equal(await scan(b, reset.body.url), 423, 'paused on the other process at once');
    assert.equal((await owner.patch(`${api}/codes/${code.body.id}`, { status: 'active', scansTotalCap: 10 })).status, 200);

    // Three scans were admitted so far: of 40 spread over both processes, exactly 7 fit under the cap.
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => scan(i % 2 === 0 ? a : b, reset.body.url)));
    assert.equal(statuses.filter((s) => s === 200).length, 7, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 33);
    assert.equal((await owner.get(`${api}/codes/${code.body.id}`)).body.scansTotal, 10);
  });

  test('given a webhook endpoint, when a change happens on one process, then the endpoint receives the event once, signed', async () => {
    // A different account: the first one is locked out by the test above.
    const otherEmail = `scale-hooks-${Date.now()}@example.com`;
    await runCli(['create-operator', '--email', otherEmail, '--name', 'Hooks', '--workspace', 'Hooks', '--plan', 'pro', '--password', PASSWORD], {
      ...env,
      DATA_DIR: cliDir,
    });
    const owner = new Client(b.url);
    assert.equal((await owner.signIn(otherEmail, PASSWORD)).status, 200);
    const workspaceId = (await owner.get('/api/v1/workspaces')).body.items[0].id;
    const endpoint = await owner.post(`/api/v1/workspaces/${workspaceId}/webhooks`, { url: receiver.url, eventTypes: ['api_key.created'] });
    assert.equal(endpoint.status, 201, endpoint.text);
    const viaA = new Client(a.url, owner.auth);
    const created = await viaA.post(`/api/v1/workspaces/${workspaceId}/api-keys`, { name: 'From A', scopes: ['workspace:read'] });
    assert.equal(created.status, 201);
    const request = await eventually('the webhook delivery', async () => receiver.requests[0]);
    // Give the other process time to (wrongly) deliver a second copy.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    assert.equal(receiver.requests.length, 1);
    const payload = new Webhook(endpoint.body.secret).verify(request.body, request.headers as Record<string, string>) as { type: string; data: { apiKeyId: string } };
    assert.equal(payload.type, 'api_key.created');
    assert.equal(payload.data.apiKeyId, created.body.id);
  });
});
