import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newId } from '../../src/ids.ts';
import { QR_UPLOAD_BODY_LIMIT } from '../../src/modules/live-codes/qr-upload.ts';
import { newSecret } from '../../src/modules/staff/tokens.ts';
import { Client, type Response } from '../harness/client.ts';
import type { TestDialect } from '../harness/env.ts';
import { operator } from '../harness/factories.ts';
import { mapInFlight } from '../harness/in-flight.ts';
import {
  assertProblem,
  BODY_METHODS,
  bodyWith,
  fetchOpenApi,
  fillPath,
  hasQueryParam,
  operationsOf,
  pathParams,
  propertiesOf,
  snapshotState,
  withQuery,
  wrongTypeValue,
  type Operation,
} from '../harness/routes.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

/** Requests of one table in flight at once: PostgreSQL round trips overlap (SQLite answers in turn anyway). */
const IN_FLIGHT = 4;

/** One bad request: who sends it, and the problem it must get back. */
interface BadRequest {
  name: string;
  client: Client;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** null: any 4xx will do. */
  status: number | null;
  code: string | null;
  /** Extra checks on the problem body. */
  check?: (response: Response) => void;
}

// Over every route's limit: 256 KiB for the API, more only where an image travels in the body (an
// uploaded group QR, for a live code or an external group, the largest: 2 MiB of image in base64).
const OVER_LIMIT = JSON.stringify({ padding: 'x'.repeat(Math.max(1024 * 1024, QR_UPLOAD_BODY_LIMIT)) });

/**
 * Path parameters that are not joincode ids, with values their own formats refuse: invitation
 * tokens, the integrator's order ids, and party keys (u:<user id> or m:<member id>).
 */
const BAD_PATH_VALUES: Record<string, string[]> = {
  token: ['short', 'x'.repeat(19)],
  orderId: ['has space', 'x'.repeat(65), '订单-1'],
  party: ['not-a-party', 'x:alice', 'm:not-a-ulid', 'u:'],
};

function naming(pointer: string, where: string) {
  return (response: Response) => {
    const errors = response.body.errors as { in: string; pointer: string }[] | undefined;
    assert.ok(Array.isArray(errors), `an errors array in ${response.text}`);
    assert.ok(
      errors.some((e) => e.in === where && e.pointer === pointer),
      `errors name ${where} ${pointer}: ${JSON.stringify(errors)}`,
    );
  };
}

/**
 * A table of bad requests sent to every route of /openapi.json by an owner of a pro workspace (so
 * access passes and the input is what fails): each gets the right 4xx problem, never a 5xx, and
 * none of them writes anything.
 * Most of the table (some 1,800 requests a dialect) goes through app.inject(), IN_FLIGHT at a
 * time: the requests change nothing, so their order does not matter. Malformed JSON, text/plain
 * bodies, forged cookies and keys and bad parameters take the same path there as over the
 * network — Fastify's router, hooks and content-type parsers reading the same headers and body
 * stream (sent both ways once, every answer came back alike: status, code, title, detail, errors).
 * Two tables stay on loopback HTTP because the network is part of what they test: bodies
 * over the limit (the client must still receive the 413 that is sent before its upload is read,
 * on a real socket that Node then drains or closes) and URLs the router refuses (the request line
 * as Node's HTTP parser hands it over). Each dialect has its own file (bad-input.<dialect>.test.ts),
 * so the runner runs them side by side, each within its own time limit.
 */
export function describeBadInput(dialect: TestDialect, options: { skip?: string | false } = {}): void {
  describe(`bad input on every route (${dialect})`, options, () => {
    let server: TestServer;
    let doc: Record<string, any>;
    let operations: Operation[];
    let owner: Client;
    let workspaceId: string;
    let revokedKey: string;
    let liveKeyId: string;
    let stateBefore: Record<string, unknown>;
    let sent = 0;

    const path = (op: Operation, values: Record<string, string> = {}) => fillPath(op, { workspaceId, ...values });
    const emptyBody = (op: Operation) => (BODY_METHODS.has(op.method) ? {} : undefined);

    /**
     * Sends every request, IN_FLIGHT at a time, through app.inject() unless the network is part of
     * the test, and reports every one that was not answered as expected, not just the first.
     */
    async function expectAll(requests: BadRequest[], transport: 'in-process' | 'http' = 'in-process'): Promise<void> {
      const failures = await mapInFlight(requests, IN_FLIGHT, async (bad) => {
        sent += 1;
        // A fresh client address (through TRUST_PROXY) every 500 requests: the table sends more than
        // the per-address API limit lets one address send in a minute.
        const address = `198.51.100.${Math.ceil(sent / 500)}`;
        const client = transport === 'http' ? bad.client : bad.client.inProcess(server.app);
        const response = await client.request(bad.method, bad.path, bad.body, { 'x-forwarded-for': address, ...bad.headers });
        try {
          assertProblem(response, bad.status, bad.code, `${bad.name}: ${bad.method} ${bad.path.slice(0, 120)}`);
          bad.check?.(response);
          return null;
        } catch (error) {
          return (error as Error).message.split('\n')[0]!;
        }
      });
      assert.deepEqual(failures.filter((failure) => failure !== null), []);
    }

    before(async () => {
      server = await startTestServer(dialect, { env: { TRUST_PROXY: '127.0.0.1' } });
      const op = await operator(server.url, server.deps, { plan: 'pro' });
      owner = op.client;
      workspaceId = op.workspaceId;
      doc = await fetchOpenApi(server.url);
      operations = operationsOf(doc);
      const keys = `/api/v1/workspaces/${workspaceId}/api-keys`;
      const revoked = await owner.post(keys, { name: 'revoked', scopes: ['workspace:read'] });
      const live = await owner.post(keys, { name: 'live', scopes: ['workspace:read'] });
      assert.equal(revoked.status, 201);
      assert.equal(live.status, 201);
      assert.equal((await owner.delete(`${keys}/${revoked.body.id}`)).status, 204);
      revokedKey = revoked.body.secret;
      liveKeyId = live.body.id;
      stateBefore = await snapshotState(server.deps);
    });
    after(() => server.stop());

    test('given a JSON body that is cut short, when it is sent to every route taking a body, then 400 malformed_json', async () => {
      const targets = operations.filter((op) => BODY_METHODS.has(op.method));
      assert.ok(targets.length > 0);
      await expectAll(targets.map((op) => ({ name: 'malformed JSON', client: owner, method: op.method, path: path(op), body: '{"a":', status: 400, code: 'malformed_json' })));
    });

    test('given an unknown field, when it is sent to every route with a body schema, then 400 validation_failed naming the field', async () => {
      const targets = operations.filter((op) => op.bodySchema);
      assert.ok(targets.length > 0);
      await expectAll(
        targets.map((op) => ({
          name: 'unknown field',
          client: owner,
          method: op.method,
          path: path(op),
          body: { zzUnknownField: 1 },
          status: 400,
          code: 'validation_failed',
          check: naming('/zzUnknownField', 'body'),
        })),
      );
    });

    test('given a value of the wrong type, when it is sent for each property of every body schema, then 400 validation_failed naming the property', async () => {
      const requests: BadRequest[] = [];
      for (const op of operations.filter((o) => o.bodySchema)) {
        for (const property of propertiesOf(doc, op.bodySchema)) {
          const wrong = wrongTypeValue(property.schema);
          if (wrong === undefined) continue;
          requests.push({
            name: `wrong type for ${property.pointer} (${JSON.stringify(wrong)})`,
            client: owner,
            method: op.method,
            path: path(op),
            body: bodyWith(property.path, wrong),
            status: 400,
            code: 'validation_failed',
            check: naming(property.pointer, 'body'),
          });
        }
      }
      assert.ok(requests.length > 0, 'no typed body properties found');
      await expectAll(requests);
    });

    test('given a 1 MiB body, when it is sent to every route taking a body, then 413 payload_too_large', async () => {
      const targets = operations.filter((op) => BODY_METHODS.has(op.method));
      await expectAll(
        targets.map((op) => ({ name: 'body over the limit', client: owner, method: op.method, path: path(op), body: OVER_LIMIT, status: 413, code: 'payload_too_large' })),
        'http',
      );
    });

    test('given a text/plain body, when it is sent to every route with a body, then 415 unsupported_media_type naming what was sent and what the route reads', async () => {
      const targets = operations.filter((op) => op.bodySchema);
      await expectAll(
        targets.map((op) => ({
          name: 'text/plain body',
          client: owner,
          method: op.method,
          path: path(op),
          body: '{}',
          headers: { 'content-type': 'text/plain' },
          status: 415,
          code: 'unsupported_media_type',
          check: (response) => {
            const wanted = op.path.endsWith('/invites/import') ? 'text/csv' : 'application/json';
            assert.equal(response.body.detail, `Content-Type "text/plain" is not read here: send the body as ${wanted}`);
            assert.deepEqual(response.body.accepted, [wanted]);
          },
        })),
      );
    });

    test('given a path parameter that is not an id, when it is sent to every route with path parameters, then 400 validation_failed naming the parameter', async () => {
      const requests: BadRequest[] = [];
      for (const op of operations) {
        for (const name of pathParams(op)) {
          // Within the router's 100-character parameter limit; past it see the todo test below.
          const badValues = BAD_PATH_VALUES[name] ?? ['not-a-ulid', `${newId()}0`, newId().toLowerCase(), 'I'.repeat(26)];
          for (const value of badValues) {
            requests.push({
              name: `path parameter ${name}=${value.slice(0, 20)}`,
              client: owner,
              method: op.method,
              path: path(op, { [name]: value }),
              body: emptyBody(op),
              status: 400,
              code: 'validation_failed',
              check: naming(`/${name}`, 'params'),
            });
          }
        }
      }
      assert.ok(requests.length > 0, 'no routes with path parameters');
      await expectAll(requests);
    });

    test(
      'given a path parameter over 100 characters or a URL that does not decode, when it is sent, then a 4xx problem like any other',
      async () => {
        // The router refuses these before any route runs, so one route stands for all.
        const op = operations.find((o) => pathParams(o).includes('workspaceId'))!;
        await expectAll(
          ['x'.repeat(101), '%E0%A4%A'].map((value) => ({
            name: `workspaceId=${value.slice(0, 12)}`,
            client: owner,
            method: op.method,
            // Put in as is: fillPath would percent-encode it into something harmless.
            path: path({ ...op, path: op.path.replace('{workspaceId}', value) }),
            body: emptyBody(op),
            status: null,
            code: null,
          })),
          'http',
        );
      },
    );

    test('given a cursor we did not issue, when it is sent to every list, then 400 invalid_cursor', async () => {
      const lists = operations.filter((op) => op.method === 'GET' && hasQueryParam(op, 'cursor'));
      assert.ok(lists.length > 0, 'no paginated lists');
      const requests = lists.flatMap((op) =>
        ['garbage', 'eyJiZWZvcmUiOjF9', Buffer.from('{"before":"not-an-id"}').toString('base64url')].map((cursor) => ({
          name: `cursor ${cursor}`,
          client: owner,
          method: 'GET',
          path: withQuery(path(op), { cursor }),
          status: 400,
          code: 'invalid_cursor',
        })),
      );
      await expectAll(requests);
    });

    test('given a limit out of range or not a number, when it is sent to every list, then 400 validation_failed', async () => {
      const lists = operations.filter((op) => op.method === 'GET' && hasQueryParam(op, 'limit'));
      assert.ok(lists.length > 0, 'no lists with a limit');
      const requests = lists.flatMap((op) =>
        ['0', 'abc', '100000', '-1', '1.5'].map((limit) => ({
          name: `limit=${limit}`,
          client: owner,
          method: 'GET',
          path: withQuery(path(op), { limit }),
          status: 400,
          code: 'validation_failed',
          check: naming('/limit', 'querystring'),
        })),
      );
      await expectAll(requests);
    });

    test('given a forged session cookie, when every non-public route is called with it, then 401 unauthenticated', async () => {
      const forged = new Client(server.url, { cookie: 'jc_session=forged-session-value', csrfToken: 'forged' });
      const targets = operations.filter((op) => op.access !== 'public');
      await expectAll(targets.map((op) => ({ name: 'forged cookie', client: forged, method: op.method, path: path(op), body: emptyBody(op), status: 401, code: 'unauthenticated' })));
    });

    test('given a forged, unknown, wrong-secret or revoked API key, when every non-public route is called with it, then 401 invalid_api_key', async () => {
      const forgeries: Record<string, Client> = {
        'not a key': new Client(server.url, { apiKey: 'jc_bad' }),
        'unknown id': new Client(server.url, { apiKey: `jc_${newId()}_${newSecret()}` }),
        'wrong secret': new Client(server.url, { apiKey: `jc_${liveKeyId}_${newSecret()}` }),
        revoked: new Client(server.url, { apiKey: revokedKey }),
      };
      const notBearer = new Client(server.url);
      const targets = operations.filter((op) => op.access !== 'public');
      const requests: BadRequest[] = [];
      for (const op of targets) {
        for (const [name, client] of Object.entries(forgeries)) {
          requests.push({ name: `API key: ${name}`, client, method: op.method, path: path(op), body: emptyBody(op), status: 401, code: 'invalid_api_key' });
        }
        requests.push({
          name: 'API key: not a bearer token',
          client: notBearer,
          method: op.method,
          path: path(op),
          body: emptyBody(op),
          headers: { authorization: 'Basic Zm9vOmJhcg==' },
          status: 401,
          code: 'invalid_api_key',
        });
      }
      await expectAll(requests);
    });

    test('given the whole table, then nothing was written: audit log and row counts are as before, and the owner is still signed in', async (t) => {
      assert.ok(sent > 0);
      t.diagnostic(`${sent} bad requests over ${operations.length} operations`);
      assert.deepEqual(await snapshotState(server.deps), stateBefore);
      assert.equal((await owner.get('/api/v1/auth/session')).status, 200);
    });
  });
}
