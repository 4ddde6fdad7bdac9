import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newId } from '../../src/ids.ts';
import { API_KEY_SCOPES, PERMISSIONS, ROLES, roleGrants, type Permission, type Role } from '../../src/modules/staff/permissions.ts';
import { newSecret, sha256 } from '../../src/modules/staff/tokens.ts';
import { Client, type Response } from '../harness/client.ts';
import type { TestDialect } from '../harness/env.ts';
import { operator, staffMember } from '../harness/factories.ts';
import { mapInFlight } from '../harness/in-flight.ts';
import { assertProblem, BODY_METHODS, describeOperation, fetchOpenApi, fillPath, isPermission, operationsOf, snapshotState, type Operation } from '../harness/routes.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

/** Requests of one walk in flight at once: PostgreSQL round trips overlap (SQLite answers in turn anyway). */
const IN_FLIGHT = 4;

/**
 * Every route of /openapi.json against the one permission table (src/modules/staff/permissions.ts):
 * each role, each API key scope, strangers and anonymous callers get exactly what the table says.
 * Path ids are fresh ULIDs and bodies are {}, so a granted call fails on lookup or validation
 * (404/400) and nothing changes; the last test proves that.
 * The walks (some 2,400 requests a dialect) go through app.inject(): the same hooks and handlers
 * at a quarter of the cost of loopback HTTP, which kept the suite near the runner's per-file
 * timeout on a loaded machine. Set-up still signs in and creates keys over HTTP. Each dialect has
 * its own file (permissions.<dialect>.test.ts), so the runner runs them side by side, each
 * within its own time limit.
 */
export function describePermissionTable(dialect: TestDialect, options: { skip?: string | false } = {}): void {
  describe(`every route against the permission table (${dialect})`, options, () => {
    let server: TestServer;
    let operations: Operation[];
    let guarded: (Operation & { access: Permission })[];
    let workspaceId: string;
    const staff = {} as Record<Role, Client>;
    let outsider: Client;
    /** One key per grantable scope, each holding only that scope. */
    const keyByScope = new Map<Permission, Client>();
    let everyGrantableScope: Client;
    let everyPermission: Client;
    let otherWorkspaceKey: Client;
    let stateBefore: Record<string, unknown>;

    // Each walker calls from its own address (through TRUST_PROXY): all walks together send more
    // requests than the per-address API limit lets one address send in a minute.
    const addresses = new Map<Client, string>();
    function addressOf(client: Client): string {
      if (!addresses.has(client)) addresses.set(client, `198.51.100.${addresses.size + 1}`);
      return addresses.get(client)!;
    }

    function call(client: Client, op: Operation, workspace = workspaceId): Promise<Response> {
      return client.inProcess(server.app).request(op.method, fillPath(op, { workspaceId: workspace }), BODY_METHODS.has(op.method) ? {} : undefined, { 'x-forwarded-for': addressOf(client) });
    }

    async function createKey(owner: Client, workspace: string, scopes: string[]): Promise<Client> {
      const created = await owner.post(`/api/v1/workspaces/${workspace}/api-keys`, { name: `key ${scopes.join(' ')}`.slice(0, 120), scopes });
      assert.equal(created.status, 201, created.text);
      return new Client(server.url, { apiKey: created.body.secret });
    }

    /** What is wrong with one call's answer, if anything; throws on a 429, a 5xx or a malformed refusal. */
    async function check(client: Client, op: Operation, want: 'pass' | { status: number; code: string }): Promise<string | null> {
      const response = await call(client, op);
      assert.notEqual(response.status, 429, `rate limited during the walk at ${describeOperation(op)}`);
      assert.ok(response.status < 500, `${describeOperation(op)} answered ${response.status}: ${response.text}`);
      if (want === 'pass') {
        return response.status === 403 || response.status === 401 ? `${describeOperation(op)}: expected to pass, got ${response.status} ${response.body?.code}` : null;
      }
      if (response.status !== want.status || response.body?.code !== want.code) {
        return `${describeOperation(op)}: expected ${want.status} ${want.code}, got ${response.status} ${response.body?.code}`;
      }
      assertProblem(response, want.status, want.code, describeOperation(op));
      return null;
    }

    /**
     * Walks ops with a client, IN_FLIGHT calls at a time (nothing a walk sends changes state, so
     * order does not matter); expected(op) is 'pass' (anything but 401, 403 and 5xx) or the exact
     * refusal. The findings come back in the order of ops; the first failed assertion stops the walk.
     */
    async function walk(client: Client, ops: Operation[], expected: (op: Operation) => 'pass' | { status: number; code: string }): Promise<string[]> {
      const found = await mapInFlight(ops, IN_FLIGHT, (op) => check(client, op, expected(op)));
      return found.filter((wrong): wrong is string => wrong !== null);
    }

    before(async () => {
      server = await startTestServer(dialect, { env: { TRUST_PROXY: '127.0.0.1' } });
      const owner = await operator(server.url, server.deps, { plan: 'pro' });
      workspaceId = owner.workspaceId;
      staff.owner = owner.client;
      // Side by side: each sign-in waits on scrypt in the thread pool, not on the others.
      const others = ROLES.filter((r) => r !== 'owner');
      const [stranger, ...members] = await Promise.all([operator(server.url, server.deps, { plan: 'pro' }), ...others.map((role) => staffMember(server.url, server.deps, workspaceId, role))]);
      others.forEach((role, i) => (staff[role] = members[i]!.client));
      outsider = stranger.client;
      operations = operationsOf(await fetchOpenApi(server.url));
      guarded = operations.filter((op): op is Operation & { access: Permission } => isPermission(op.access));

      const scoped = await Promise.all(API_KEY_SCOPES.map((scope) => createKey(owner.client, workspaceId, [scope])));
      API_KEY_SCOPES.forEach((scope, i) => keyByScope.set(scope, scoped[i]!));
      [everyGrantableScope, otherWorkspaceKey] = await Promise.all([
        createKey(owner.client, workspaceId, [...API_KEY_SCOPES]),
        createKey(stranger.client, stranger.workspaceId, [...API_KEY_SCOPES]),
      ]);
      // Keys cannot be given non-grantable permissions through the API; a row written by hand (as a
      // bug or an old version might) must still not reach them.
      const id = newId();
      const secret = newSecret();
      await server.deps.db.kysely
        .insertInto('api_keys')
        .values({
          id,
          workspace_id: workspaceId,
          name: 'every permission',
          prefix: `jc_${id.slice(0, 10)}`,
          secret_hash: sha256(secret),
          scopes: JSON.stringify(Object.keys(PERMISSIONS)),
          ip_allow_list: '[]',
          created_by: owner.staffId,
          created_at: Date.now(),
          last_used_at: null,
          revoked_at: null,
        })
        .execute();
      everyPermission = new Client(server.url, { apiKey: `jc_${id}_${secret}` });
      stateBefore = await snapshotState(server.deps);
    });
    after(() => server.stop());

    test('given the OpenAPI document, then every operation declares a known access and the permission routes include audit log and API keys', () => {
      assert.ok(guarded.length > 0, 'no permission-guarded operations found');
      for (const op of operations) {
        assert.ok(op.access === 'public' || op.access === 'signed_in' || isPermission(op.access), `${describeOperation(op)} has an unknown access`);
        if (isPermission(op.access)) assert.match(op.path, /\{workspaceId\}/, `${describeOperation(op)} needs a workspace to check a permission on`);
      }
      const names = guarded.map((op) => `${op.method} ${op.path}`);
      for (const expected of [
        'GET /api/v1/workspaces/{workspaceId}/audit-log',
        'GET /api/v1/workspaces/{workspaceId}/api-keys',
        'POST /api/v1/workspaces/{workspaceId}/api-keys',
        'DELETE /api/v1/workspaces/{workspaceId}/api-keys/{apiKeyId}',
      ]) {
        assert.ok(names.includes(expected), `${expected} is missing from ${names.join(', ')}`);
      }
    });

    for (const role of ROLES) {
      test(`given a ${role}, when they call every permission route, then they pass exactly where the table grants it and get 403 forbidden elsewhere`, async () => {
        const wrong = await walk(staff[role], guarded, (op) => (roleGrants(role, op.access as Permission) ? 'pass' : { status: 403, code: 'forbidden' }));
        assert.deepEqual(wrong, []);
      });
    }

    test('given staff of another workspace, when they call every permission route of this one, then it does not exist for them (404)', async () => {
      assert.deepEqual(await walk(outsider, guarded, () => ({ status: 404, code: 'not_found' })), []);
    });

    test('given no credentials, when every non-public route is called, then it answers 401 unauthenticated, and public routes never ask for credentials', async () => {
      const anonymous = new Client(server.url);
      const wrong = await walk(anonymous, operations, (op) => (op.access === 'public' ? 'pass' : { status: 401, code: 'unauthenticated' }));
      assert.deepEqual(wrong, []);
    });

    for (const scope of API_KEY_SCOPES) {
      test(`given an API key with only the scope ${scope}, when it calls every permission route, then it passes exactly the routes needing ${scope}`, async () => {
        const wrong = await walk(keyByScope.get(scope)!, guarded, (op) => (op.access === scope ? 'pass' : { status: 403, code: 'forbidden' }));
        assert.deepEqual(wrong, []);
      });
    }

    test('given an API key holding every permission (also non-grantable ones), then it still gets 403 on routes whose permission keys may not hold', async () => {
      const wrong = await walk(everyPermission, guarded, (op) => (PERMISSIONS[op.access as Permission].apiKey ? 'pass' : { status: 403, code: 'forbidden' }));
      assert.deepEqual(wrong, []);
    });

    test('given an API key of another workspace, when it calls every permission route of this one, then it does not exist for it (404)', async () => {
      assert.deepEqual(await walk(otherWorkspaceKey, guarded, () => ({ status: 404, code: 'not_found' })), []);
    });

    test('given an API key with every grantable scope, when it calls routes for signed-in staff, then they refuse it with 403', async () => {
      const signedIn = operations.filter((op) => op.access === 'signed_in');
      assert.ok(signedIn.length > 0, 'no signed_in operations found');
      assert.deepEqual(await walk(everyGrantableScope, signedIn, () => ({ status: 403, code: 'forbidden' })), []);
    });

    test('given the whole walk, then nothing changed: row counts, workspaces, memberships and API keys are as before, and every session still works', async () => {
      assert.deepEqual(await snapshotState(server.deps), stateBefore);
      for (const role of ROLES) {
        const session = await staff[role].get('/api/v1/auth/session');
        assert.equal(session.status, 200, `${role} session`);
        assert.deepEqual(
          session.body.workspaces.map((w: { id: string; role: string }) => [w.id, w.role]),
          [[workspaceId, role]],
        );
      }
    });
  });
}
