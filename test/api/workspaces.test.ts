import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '../harness/client.ts';
import { DIALECTS } from '../harness/env.ts';
import { operator, staffMember } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

type Operator = Awaited<ReturnType<typeof operator>>;

const FREE = { maxCodeValidityHours: 168, scansPerCodePerDay: 100, memberCapPerGroup: 500, inviteCodesPerOwnerPerDay: 5, inviteCodesPerBatch: 1000, apiAccess: false };
const PRO = { maxCodeValidityHours: 720, scansPerCodePerDay: 500, memberCapPerGroup: 2000, inviteCodesPerOwnerPerDay: 20, inviteCodesPerBatch: 100000, apiAccess: true };
const ENTERPRISE = { maxCodeValidityHours: null, scansPerCodePerDay: null, memberCapPerGroup: 10000, inviteCodesPerOwnerPerDay: null, inviteCodesPerBatch: 1000000, apiAccess: true };

for (const dialect of DIALECTS) {
  describe(`workspaces, plans and limits (${dialect})`, () => {
    let server: TestServer;
    let owner: Operator;
    before(async () => {
      server = await startTestServer(dialect);
      owner = await operator(server.url, server.deps);
    });
    after(() => server.stop());

    const path = () => `/api/v1/workspaces/${owner.workspaceId}`;
    const eventsOf = async (workspaceId: string, type: string) =>
      (await server.deps.db.kysely.selectFrom('events').selectAll().where('workspace_id', '=', workspaceId).where('type', '=', type).orderBy('id').execute()).map(
        (e) => JSON.parse(e.payload) as Record<string, unknown>,
      );

    test('given anyone, when they ask for the plans, then free, pro and enterprise come with the seed defaults', async () => {
      const response = await new Client(server.url).get('/api/v1/plans');
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, {
        items: [
          { plan: 'free', limits: FREE },
          { plan: 'pro', limits: PRO },
          { plan: 'enterprise', limits: ENTERPRISE },
        ],
      });
    });

    test('given a new operator, when their workspace is read, then it is on the free plan with its limits', async () => {
      const workspace = await owner.client.get(path());
      assert.equal(workspace.status, 200);
      assert.equal(workspace.body.plan, 'free');
      assert.deepEqual(workspace.body.limits, FREE);
    });

    test('given a signed-in staff member, when they create a workspace, then they own it, it has the plan defaults and a workspace.created event', async () => {
      const created = await owner.client.post('/api/v1/workspaces', { name: 'Second community', plan: 'enterprise' });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.name, 'Second community');
      assert.equal(created.body.plan, 'enterprise');
      assert.deepEqual(created.body.limits, ENTERPRISE);
      const mine = await owner.client.get('/api/v1/workspaces');
      assert.deepEqual(
        mine.body.items.filter((w: { id: string }) => w.id === created.body.id).map((w: { role: string; plan: string }) => [w.role, w.plan]),
        [['owner', 'enterprise']],
      );
      assert.deepEqual(await eventsOf(created.body.id, 'workspace.created'), [{ workspaceId: created.body.id, name: 'Second community', plan: 'enterprise' }]);
      const defaulted = await owner.client.post('/api/v1/workspaces', { name: 'Default plan' });
      assert.equal(defaulted.body.plan, 'free');
      for (const body of [{ name: '' }, { name: '   ' }, { name: 'x', plan: 'platinum' }, {}]) {
        assert.equal((await owner.client.post('/api/v1/workspaces', body)).status, 400, JSON.stringify(body));
      }
      assert.equal((await new Client(server.url).post('/api/v1/workspaces', { name: 'Anonymous' })).status, 401);
    });

    test('given an owner, when they rename the workspace, then the name changes and a workspace.updated event is written', async () => {
      const renamed = await owner.client.patch(path(), { name: 'Renamed community' });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.name, 'Renamed community');
      assert.equal((await owner.client.get(path())).body.name, 'Renamed community');
      const updates = await eventsOf(owner.workspaceId, 'workspace.updated');
      assert.deepEqual(updates.at(-1), { workspaceId: owner.workspaceId, name: 'Renamed community', plan: 'free', limits: FREE });
      const audit = await owner.client.get(`${path()}/audit-log?action=workspace.updated&limit=1`);
      assert.equal(audit.body.items[0].actorId, owner.staffId);
      assert.equal(audit.body.items[0].details.name, 'Renamed community');
    });

    test('given an owner, when they edit single limits, then only those change and the rest keep their values', async () => {
      const edited = await owner.client.patch(path(), { limits: { scansPerCodePerDay: 150, inviteCodesPerOwnerPerDay: null } });
      assert.equal(edited.status, 200, edited.text);
      assert.deepEqual(edited.body.limits, { ...FREE, scansPerCodePerDay: 150, inviteCodesPerOwnerPerDay: null });
      assert.equal(edited.body.plan, 'free');
      const again = await owner.client.patch(path(), { limits: { memberCapPerGroup: 800 } });
      assert.deepEqual(again.body.limits, { ...FREE, scansPerCodePerDay: 150, inviteCodesPerOwnerPerDay: null, memberCapPerGroup: 800 });
      assert.deepEqual((await owner.client.get(path())).body.limits, again.body.limits);
    });

    test('given edited limits, when the plan changes, then the limits reset to the new plan, with limits sent alongside applied on top', async () => {
      const pro = await owner.client.patch(path(), { plan: 'pro' });
      assert.equal(pro.status, 200);
      assert.equal(pro.body.plan, 'pro');
      assert.deepEqual(pro.body.limits, PRO);
      const enterprise = await owner.client.patch(path(), { plan: 'enterprise', limits: { memberCapPerGroup: 20000 } });
      assert.deepEqual(enterprise.body.limits, { ...ENTERPRISE, memberCapPerGroup: 20000 });
      const last = (await eventsOf(owner.workspaceId, 'workspace.updated')).at(-1);
      assert.deepEqual(last, { workspaceId: owner.workspaceId, name: 'Renamed community', plan: 'enterprise', limits: { ...ENTERPRISE, memberCapPerGroup: 20000 } });
      const back = await owner.client.patch(path(), { plan: 'free' });
      assert.deepEqual(back.body.limits, FREE);
    });

    test('given invalid changes, when patched, then 400 validation_failed naming the field and nothing changes', async () => {
      const before = (await owner.client.get(path())).body;
      const invalid: [unknown, string][] = [
        [{ limits: { scansPerCodePerDay: -1 } }, '/limits/scansPerCodePerDay'],
        [{ limits: { memberCapPerGroup: 0 } }, '/limits/memberCapPerGroup'],
        [{ limits: { maxCodeValidityHours: 0 } }, '/limits/maxCodeValidityHours'],
        [{ limits: { inviteCodesPerOwnerPerDay: 1.5 } }, '/limits/inviteCodesPerOwnerPerDay'],
        [{ limits: { memberCapPerGroup: null } }, '/limits/memberCapPerGroup'],
        [{ limits: { scansPerCodePerDay: '100' } }, '/limits/scansPerCodePerDay'],
        [{ limits: { apiAccess: 'yes' } }, '/limits/apiAccess'],
        [{ limits: { unknownLimit: 1 } }, '/limits/unknownLimit'],
        [{ plan: 'platinum' }, '/plan'],
        [{ name: '' }, '/name'],
        [{}, '/'],
      ];
      for (const [body, pointer] of invalid) {
        const response = await owner.client.patch(path(), body);
        assert.equal(response.status, 400, `${JSON.stringify(body)}: ${response.text}`);
        assert.equal(response.body.code, 'validation_failed');
        assert.ok(
          response.body.errors.some((e: { pointer: string }) => e.pointer === pointer),
          `${JSON.stringify(body)} should name ${pointer}: ${JSON.stringify(response.body.errors)}`,
        );
      }
      const after = (await owner.client.get(path())).body;
      assert.deepEqual(after, before);
    });

    test('given an admin, when they try to change the plan, then 403 and the plan stays', async () => {
      const admin = await staffMember(server.url, server.deps, owner.workspaceId, 'admin');
      const before = (await owner.client.get(path())).body.plan;
      const response = await admin.client.patch(path(), { plan: 'enterprise' });
      assert.equal(response.status, 403);
      assert.equal((await admin.client.get(path())).body.plan, before, 'an admin may still read it');
    });
  });
}
