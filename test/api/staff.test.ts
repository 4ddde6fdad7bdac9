import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '../harness/client.ts';
import { DIALECTS } from '../harness/env.ts';
import { operator, PASSWORD, staffMember } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

type Operator = Awaited<ReturnType<typeof operator>>;

const PUBLIC_URL = 'http://joincode.test';
const HOUR = 3600 * 1000;
const NEW_PASSWORD = 'a fresh passphrase for joining';

function tokenOf(acceptUrl: string): string {
  const prefix = `${PUBLIC_URL}/console/invite/`;
  assert.ok(acceptUrl.startsWith(prefix), acceptUrl);
  return acceptUrl.slice(prefix.length);
}

/** Keeps the session cookie an accept response sets, as a browser would. */
function signedInFrom(url: string, response: { headers: Headers; body: { csrfToken: string } }): Client {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('jc_session='));
  assert.ok(cookie, 'accepting must sign in');
  return new Client(url, { cookie: cookie.split(';')[0], csrfToken: response.body.csrfToken });
}

for (const dialect of DIALECTS) {
  describe(`staff, roles and invitations (${dialect})`, () => {
    let server: TestServer;
    let owner: Operator;
    // Real time plus an offset the expiry test moves forward (never back, so ids stay time-ordered).
    let offset = 0;
    const clock = { now: () => Date.now() + offset };
    before(async () => {
      server = await startTestServer(dialect, { clock, env: { PUBLIC_URL } });
      owner = await operator(server.url, server.deps, { plan: 'pro' });
    });
    after(() => server.stop());

    const base = () => `/api/v1/workspaces/${owner.workspaceId}`;
    const invite = async (email: string, role: string) => {
      const response = await owner.client.post(`${base()}/invitations`, { email, role });
      assert.equal(response.status, 201, response.text);
      return response.body as { invitation: { id: string; email: string; role: string; status: string; expiresAt: string }; acceptUrl: string };
    };
    const invitationStatus = async (id: string) => {
      const list = await owner.client.get(`${base()}/invitations`);
      return list.body.items.find((i: { id: string }) => i.id === id)?.status;
    };
    const eventsOf = async (type: string) =>
      (await server.deps.db.kysely.selectFrom('events').selectAll().where('workspace_id', '=', owner.workspaceId).where('type', '=', type).execute()).map(
        (e) => JSON.parse(e.payload) as Record<string, unknown>,
      );
    const auditOf = async (action: string) => (await owner.client.get(`${base()}/audit-log?action=${action}`)).body.items as Record<string, any>[];

    test('given an invitation, when a new person previews and accepts it, then they join with the role, are signed in, and the mail carried the link', async () => {
      const { invitation, acceptUrl } = await invite('New.Person@Example.com', 'moderator');
      assert.equal(invitation.email, 'new.person@example.com');
      assert.equal(invitation.status, 'pending');
      assert.ok(Math.abs(Date.parse(invitation.expiresAt) - clock.now() - 7 * 24 * HOUR) < 60_000);
      const token = tokenOf(acceptUrl);

      const mails = await server.deps.db.kysely.selectFrom('mail_outbox').selectAll().where('to_address', '=', 'new.person@example.com').execute();
      assert.equal(mails.length, 1);
      assert.equal(mails[0]!.workspace_id, owner.workspaceId);
      assert.ok(mails[0]!.text_body.includes(acceptUrl), 'the mail must carry the accept link');
      assert.equal(mails[0]!.status, 'development');

      const visitor = new Client(server.url);
      const preview = await visitor.get(`/api/v1/invitations/${token}`);
      assert.equal(preview.status, 200);
      assert.deepEqual(
        { ...preview.body, expiresAt: undefined },
        { workspaceName: (await owner.client.get(base())).body.name, email: 'new.person@example.com', role: 'moderator', accountExists: false, expiresAt: undefined },
      );

      const weak = await visitor.post(`/api/v1/invitations/${token}/accept`, { displayName: 'New Person', password: 'short' });
      assert.equal(weak.status, 422);
      assert.equal(weak.body.code, 'weak_password');
      const noPassword = await visitor.post(`/api/v1/invitations/${token}/accept`, { displayName: 'New Person' });
      assert.equal(noPassword.status, 400);
      assert.equal(await invitationStatus(invitation.id), 'pending', 'a refused accept leaves the invitation usable');

      const accepted = await visitor.post(`/api/v1/invitations/${token}/accept`, { displayName: 'New Person', password: NEW_PASSWORD });
      assert.equal(accepted.status, 200, accepted.text);
      assert.equal(accepted.body.workspaceId, owner.workspaceId);
      assert.equal(accepted.body.staff.displayName, 'New Person');
      const session = await signedInFrom(server.url, accepted).get('/api/v1/auth/session');
      assert.deepEqual(session.body.workspaces.map((w: { id: string; role: string }) => [w.id, w.role]), [[owner.workspaceId, 'moderator']]);
      assert.equal((await new Client(server.url).signIn('new.person@example.com', NEW_PASSWORD)).status, 200);

      const staff = await owner.client.get(`${base()}/staff`);
      const joined = staff.body.items.find((s: { email: string }) => s.email === 'new.person@example.com');
      assert.equal(joined.role, 'moderator');
      assert.equal(joined.displayName, 'New Person');
      assert.equal(await invitationStatus(invitation.id), 'accepted');

      const again = await visitor.post(`/api/v1/invitations/${token}/accept`, { displayName: 'Twice', password: NEW_PASSWORD });
      assert.equal(again.status, 410);
      assert.equal(again.body.code, 'invitation_unusable');
      assert.equal((await visitor.get(`/api/v1/invitations/${token}`)).status, 410);

      const invited = (await eventsOf('staff.invited')).find((e) => e.invitationId === invitation.id);
      assert.deepEqual(invited, { invitationId: invitation.id, email: 'new.person@example.com', role: 'moderator' });
      const joinedEvent = (await eventsOf('staff.joined')).find((e) => e.email === 'new.person@example.com');
      assert.equal(joinedEvent?.staffId, accepted.body.staff.id);
      assert.equal((await auditOf('staff.invited')).find((e) => e.targetId === invitation.id)?.actorId, owner.staffId);
      assert.equal((await auditOf('staff.joined')).find((e) => e.targetId === accepted.body.staff.id)?.actorId, accepted.body.staff.id);
    });

    test('given an unknown token, when previewed or accepted, then 404', async () => {
      const token = 'x'.repeat(43);
      assert.equal((await new Client(server.url).get(`/api/v1/invitations/${token}`)).status, 404);
      assert.equal((await new Client(server.url).post(`/api/v1/invitations/${token}/accept`, { displayName: 'X', password: NEW_PASSWORD })).status, 404);
    });

    test('given a revoked invitation, when previewed or accepted, then 410 and nobody joins', async () => {
      const { invitation, acceptUrl } = await invite('revoked@example.com', 'analyst');
      assert.equal((await owner.client.delete(`${base()}/invitations/${invitation.id}`)).status, 204);
      const token = tokenOf(acceptUrl);
      const visitor = new Client(server.url);
      assert.equal((await visitor.get(`/api/v1/invitations/${token}`)).body.code, 'invitation_unusable');
      const accept = await visitor.post(`/api/v1/invitations/${token}/accept`, { displayName: 'Too Late', password: NEW_PASSWORD });
      assert.equal(accept.status, 410);
      assert.equal(await invitationStatus(invitation.id), 'revoked');
      assert.equal((await server.deps.db.kysely.selectFrom('staff').select('id').where('email', '=', 'revoked@example.com').execute()).length, 0);
      assert.equal((await auditOf('staff.invitation_revoked')).filter((e) => e.targetId === invitation.id).length, 1);
    });

    test('given an invitation for an existing account, when accepted, then only that account, signed in, may accept it', async () => {
      const existing = await operator(server.url, server.deps);
      const stranger = await operator(server.url, server.deps);
      const { invitation, acceptUrl } = await invite(existing.email.toUpperCase(), 'analyst');
      const token = tokenOf(acceptUrl);
      assert.equal((await new Client(server.url).get(`/api/v1/invitations/${token}`)).body.accountExists, true);

      const anonymous = await new Client(server.url).post(`/api/v1/invitations/${token}/accept`, { displayName: 'Impostor', password: NEW_PASSWORD });
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.body.code, 'unauthenticated');
      const wrongPerson = await stranger.client.post(`/api/v1/invitations/${token}/accept`, {});
      assert.equal(wrongPerson.status, 401);
      assert.equal(await invitationStatus(invitation.id), 'pending');

      const accepted = await existing.client.post(`/api/v1/invitations/${token}/accept`, {});
      assert.equal(accepted.status, 200, accepted.text);
      assert.equal(accepted.body.staff.id, existing.staffId);
      const session = await existing.client.get('/api/v1/auth/session');
      assert.deepEqual(
        session.body.workspaces.map((w: { id: string; role: string }) => [w.id, w.role]).sort(),
        [[existing.workspaceId, 'owner'], [owner.workspaceId, 'analyst']].sort(),
      );
      // The password is unchanged: the account still signs in with its own.
      assert.equal((await new Client(server.url).signIn(existing.email, PASSWORD)).status, 200);

      const twice = await owner.client.post(`${base()}/invitations`, { email: existing.email, role: 'admin' });
      assert.equal(twice.status, 409);
      assert.equal(twice.body.code, 'already_member');
    });

    test('given staff, when the owner changes a role and removes someone, then access follows and each change is an event and an audit entry', async () => {
      const member = await staffMember(server.url, server.deps, owner.workspaceId, 'admin');
      assert.equal((await member.client.get(`${base()}/api-keys`)).status, 200, 'an admin reads API keys');

      assert.equal((await owner.client.patch(`${base()}/staff/${member.staffId}`, { role: 'analyst' })).status, 204);
      const listed = (await owner.client.get(`${base()}/staff`)).body.items.find((s: { staffId: string }) => s.staffId === member.staffId);
      assert.equal(listed.role, 'analyst');
      assert.equal((await member.client.get(`${base()}/api-keys`)).status, 403, 'an analyst does not');
      assert.equal((await owner.client.patch(`${base()}/staff/${member.staffId}`, { role: 'analyst' })).status, 204, 'the same role again is a no-op');

      assert.equal((await owner.client.delete(`${base()}/staff/${member.staffId}`)).status, 204);
      assert.equal((await member.client.get(base())).status, 404);
      assert.ok(!(await owner.client.get(`${base()}/staff`)).body.items.some((s: { staffId: string }) => s.staffId === member.staffId));

      assert.deepEqual((await eventsOf('staff.role_changed')).filter((e) => e.staffId === member.staffId), [{ staffId: member.staffId, from: 'admin', to: 'analyst' }]);
      assert.deepEqual((await eventsOf('staff.removed')).filter((e) => e.staffId === member.staffId), [{ staffId: member.staffId, role: 'analyst' }]);
      const roleAudit = (await auditOf('staff.role_changed')).filter((e) => e.targetId === member.staffId);
      assert.equal(roleAudit.length, 1);
      assert.deepEqual(roleAudit[0]!.details, { from: 'admin', to: 'analyst' });
      assert.equal(roleAudit[0]!.actorId, owner.staffId);
      assert.equal((await auditOf('staff.removed')).filter((e) => e.targetId === member.staffId).length, 1);

      assert.equal((await owner.client.patch(`${base()}/staff/${member.staffId}`, { role: 'admin' })).status, 404, 'no longer on the staff');
      assert.equal((await owner.client.patch(`${base()}/staff/${owner.staffId}`, { role: 'superuser' })).status, 400);
    });

    test('given one owner, when they would be demoted or removed, then 422 last_owner, until a second owner exists', async () => {
      const solo = await operator(server.url, server.deps);
      const path = `/api/v1/workspaces/${solo.workspaceId}/staff`;
      for (const response of [await solo.client.patch(`${path}/${solo.staffId}`, { role: 'admin' }), await solo.client.delete(`${path}/${solo.staffId}`)]) {
        assert.equal(response.status, 422);
        assert.equal(response.body.code, 'last_owner');
      }
      const second = await staffMember(server.url, server.deps, solo.workspaceId, 'admin');
      assert.equal((await solo.client.patch(`${path}/${second.staffId}`, { role: 'owner' })).status, 204);
      assert.equal((await solo.client.patch(`${path}/${solo.staffId}`, { role: 'admin' })).status, 204);
      // The first owner is an admin now; the second is the last owner and stays.
      assert.equal((await second.client.delete(`${path}/${second.staffId}`)).body.code, 'last_owner');
      assert.equal((await solo.client.get(`${path}`)).status, 200, 'an admin still reads the staff list');
      assert.equal((await solo.client.patch(`${path}/${second.staffId}`, { role: 'admin' })).status, 403, 'only owners change roles');
    });

    test('given two owners, when each demotes or removes the other at the same moment, then one of them stays owner', async () => {
      for (let round = 0; round < 4; round += 1) {
        const first = await operator(server.url, server.deps);
        const second = await staffMember(server.url, server.deps, first.workspaceId, 'owner');
        const path = `/api/v1/workspaces/${first.workspaceId}/staff`;
        const [a, b] = await Promise.all([
          first.client.patch(`${path}/${second.staffId}`, { role: 'admin' }),
          round % 2 === 0 ? second.client.patch(`${path}/${first.staffId}`, { role: 'admin' }) : second.client.delete(`${path}/${first.staffId}`),
        ]);
        const owners = await server.deps.db.kysely
          .selectFrom('memberships')
          .select('staff_id')
          .where('workspace_id', '=', first.workspaceId)
          .where('role', '=', 'owner')
          .execute();
        assert.equal(owners.length, 1, `round ${round}: ${a.status} ${b.status}`);
        // The loser is refused as the last owner, or, if the winner finished first, as no longer an owner (403) or no longer staff (404).
        const statuses = [a.status, b.status];
        assert.equal(statuses.filter((status) => status !== 204).length, 1, `round ${round}: ${statuses.join(' ')}`);
        assert.ok(statuses.every((status) => [204, 403, 404, 422].includes(status)), `round ${round}: ${statuses.join(' ')}`);
      }
    });

    test('given an admin, when they try to invite, then 403: inviting is for owners', async () => {
      const admin = await staffMember(server.url, server.deps, owner.workspaceId, 'admin');
      const response = await admin.client.post(`${base()}/invitations`, { email: 'nope@example.com', role: 'owner' });
      assert.equal(response.status, 403);
      assert.equal(response.body.code, 'forbidden');
    });

    // Moves the clock forward for good, so it runs last.
    test('given an invitation, when seven days pass, then it is expired: preview and accept are 410 and the list says expired', async () => {
      const { invitation, acceptUrl } = await invite('late@example.com', 'analyst');
      const token = tokenOf(acceptUrl);
      offset += 7 * 24 * HOUR - 60_000;
      assert.equal((await new Client(server.url).get(`/api/v1/invitations/${token}`)).status, 200, 'still usable a minute before');
      assert.equal((await owner.client.get(base())).status, 200); // keeps the owner's sliding session alive
      offset += 2 * 60_000;
      const preview = await new Client(server.url).get(`/api/v1/invitations/${token}`);
      assert.equal(preview.status, 410);
      assert.equal(preview.body.code, 'invitation_unusable');
      const accept = await new Client(server.url).post(`/api/v1/invitations/${token}/accept`, { displayName: 'Late', password: NEW_PASSWORD });
      assert.equal(accept.status, 410);
      assert.equal(await invitationStatus(invitation.id), 'expired');
      assert.equal((await owner.client.delete(`${base()}/invitations/${invitation.id}`)).status, 204);
      assert.equal(await invitationStatus(invitation.id), 'expired', 'revoking an expired invitation changes nothing');
    });
  });
}
