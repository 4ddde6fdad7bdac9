import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '../harness/client.ts';
import { DIALECTS } from '../harness/env.ts';
import { operator, PASSWORD } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

for (const dialect of DIALECTS) {
  describe(`staff sign-in and sessions (${dialect})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(dialect);
    });
    after(() => server.stop());

    test('given an operator, when they sign in, then the session cookie is httpOnly and SameSite and the session lists their workspace', async () => {
      const op = await operator(server.url, server.deps);
      const client = new Client(server.url);
      const login = await client.signIn(op.email, PASSWORD);
      assert.equal(login.status, 200);
      const cookie = login.headers.getSetCookie().find((c) => c.startsWith('jc_session='))!;
      assert.match(cookie, /HttpOnly/i);
      assert.match(cookie, /SameSite=Strict/i);
      const session = await client.get('/api/v1/auth/session');
      assert.equal(session.status, 200);
      assert.deepEqual(session.body.workspaces.map((w: { id: string; role: string }) => [w.id, w.role]), [[op.workspaceId, 'owner']]);
    });

    test('given a session, when an unsafe request lacks the CSRF token, then it is refused with 403 csrf_failed and nothing changes', async () => {
      const op = await operator(server.url, server.deps);
      const noCsrf = new Client(server.url, { cookie: op.client.auth.cookie });
      const response = await noCsrf.patch(`/api/v1/workspaces/${op.workspaceId}`, { name: 'Renamed' });
      assert.equal(response.status, 403);
      assert.equal(response.body.code, 'csrf_failed');
      assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      const workspace = await op.client.get(`/api/v1/workspaces/${op.workspaceId}`);
      assert.notEqual(workspace.body.name, 'Renamed');
    });

    test('given a forged cookie, when it is used, then the caller is unauthenticated', async () => {
      const forged = new Client(server.url, { cookie: 'jc_session=forged-value', csrfToken: 'x' });
      const response = await forged.get('/api/v1/auth/session');
      assert.equal(response.status, 401);
      assert.equal(response.body.code, 'unauthenticated');
    });

    test('given repeated wrong passwords, when the limit is reached, then the account is locked out with Retry-After even for the right password', async () => {
      const op = await operator(server.url, server.deps);
      const client = new Client(server.url);
      for (let i = 0; i < 5; i += 1) {
        const wrong = await client.signIn(op.email, 'wrong password here');
        assert.equal(wrong.status, 401);
        assert.equal(wrong.body.code, 'invalid_credentials');
      }
      const locked = await client.signIn(op.email, PASSWORD);
      assert.equal(locked.status, 429);
      assert.equal(locked.body.code, 'locked_out');
      assert.ok(Number(locked.headers.get('retry-after')) > 0);
    });

    test('given a signed-in operator, when they change their password, then other sessions end and the new password works', async () => {
      const op = await operator(server.url, server.deps);
      const other = new Client(server.url);
      await other.signIn(op.email, PASSWORD);
      const weak = await op.client.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'short' });
      assert.equal(weak.status, 422);
      assert.equal(weak.body.code, 'weak_password');
      const changed = await op.client.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'a much better passphrase' });
      assert.equal(changed.status, 204);
      assert.equal((await other.get('/api/v1/auth/session')).status, 401);
      assert.equal((await op.client.get('/api/v1/auth/session')).status, 200);
      assert.equal((await new Client(server.url).signIn(op.email, 'a much better passphrase')).status, 200);
    });

    test('given a session, when the staff member signs out, then the cookie no longer works', async () => {
      const op = await operator(server.url, server.deps);
      const cookie = op.client.auth.cookie;
      assert.equal((await op.client.post('/api/v1/auth/logout')).status, 204);
      assert.equal((await new Client(server.url, { cookie }).get('/api/v1/auth/session')).status, 401);
    });
  });
}
