import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codeFace } from '../../src/modules/codes/face.ts';
import { FakeClock } from '../harness/deps.ts';
import { DIALECTS } from '../harness/env.ts';
import { FormBrowser, hiddenFields } from '../harness/forms.ts';
import { operator, staffMember } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';
import { integrationSecret, join, scan, tokenOf } from './flow.ts';

/** Editing a pool through the API, and the code settings a live code shares with join codes. */
for (const dialect of DIALECTS) {
  describe(`live codes: the pool API (${dialect})`, () => {
    let server: TestServer;
    let owner: Awaited<ReturnType<typeof operator>>;
    let api: string;

    async function liveCode(body: Record<string, unknown>) {
      const created = await owner.client.post(`${api}/live-codes`, body);
      assert.equal(created.status, 201, created.text);
      return { id: created.body.id as string, token: tokenOf(created.body.code.url) };
    }
    const linkOf = (page: string) => /id="join-link" href="([^"]+)"/.exec(page)?.[1];

    before(async () => {
      server = await startTestServer(dialect, { clock: new FakeClock(Date.UTC(2030, 4, 1, 9)) });
      owner = await operator(server.url, server.deps, { plan: 'pro' });
      api = `/api/v1/workspaces/${owner.workspaceId}`;
    });
    after(() => server.stop());

    test('given a pool, when entries are reordered, edited and removed, then routing follows, positions stay 0..n-1, and each change is audited with its event', async () => {
      const live = await liveCode({ name: 'Order', rule: 'fill_in_order' });
      const ids = [];
      for (const name of ['a', 'b', 'c']) ids.push((await owner.client.post(`${api}/live-codes/${live.id}/entries`, { url: `https://t.me/+${name}`, label: name })).body.id);
      assert.equal(linkOf((await scan(server, live.token)).text), 'https://t.me/+a');

      const reordered = await owner.client.request('PUT', `${api}/live-codes/${live.id}/entry-order`, { entryIds: [ids[2], ids[0], ids[1]] });
      assert.equal(reordered.status, 200, reordered.text);
      assert.deepEqual(reordered.body.entries.map((e: { label: string; position: number }) => [e.label, e.position]), [['c', 0], ['a', 1], ['b', 2]]);
      assert.equal(linkOf((await scan(server, live.token)).text), 'https://t.me/+c');
      const partial = await owner.client.request('PUT', `${api}/live-codes/${live.id}/entry-order`, { entryIds: [ids[0]] });
      assert.equal(partial.status, 400);

      const paused = await owner.client.patch(`${api}/live-codes/${live.id}/entries/${ids[2]}`, { status: 'paused' });
      assert.equal(paused.body.unusableReason, 'paused');
      assert.equal(linkOf((await scan(server, live.token)).text), 'https://t.me/+a');

      assert.equal((await owner.client.delete(`${api}/live-codes/${live.id}/entries/${ids[0]}`)).status, 204);
      assert.equal((await owner.client.delete(`${api}/live-codes/${live.id}/entries/${ids[0]}`)).status, 404);
      const view = (await owner.client.get(`${api}/live-codes/${live.id}`)).body;
      assert.deepEqual(view.entries.map((e: { label: string; position: number }) => [e.label, e.position]), [['c', 0], ['b', 1]]);
      assert.equal(linkOf((await scan(server, live.token)).text), 'https://t.me/+b');

      const audit = (await owner.client.get(`${api}/audit-log?limit=200`)).body.items.filter((row: { targetId: string }) => row.targetId === live.id).map((row: { action: string }) => row.action);
      for (const action of ['live_code.created', 'live_code.entry_added', 'live_code.updated', 'live_code.entry_updated', 'live_code.entry_removed']) assert.ok(audit.includes(action), `${action} in ${audit}`);
    });

    test('given live codes, then they list newest first with cursors, and an analyst may read but not change them', async () => {
      const made = [];
      for (let i = 0; i < 3; i += 1) made.push((await liveCode({ name: `List ${i}`, rule: 'round_robin' })).id);
      const first = await owner.client.get(`${api}/live-codes?limit=2`);
      assert.equal(first.status, 200);
      const second = await owner.client.get(`${api}/live-codes?limit=2&cursor=${first.body.nextCursor}`);
      const seen = [...first.body.items, ...second.body.items].map((v: { id: string }) => v.id);
      assert.deepEqual(seen.slice(0, 3), [...made].reverse());
      const analyst = await staffMember(server.url, server.deps, owner.workspaceId, 'analyst');
      assert.equal((await analyst.client.get(`${api}/live-codes/${made[0]}`)).status, 200);
      assert.equal((await analyst.client.patch(`${api}/live-codes/${made[0]}`, { rule: 'least_full' })).status, 403);
    });

    test('given a live code with an access password, then the scan asks for it first, and the right password shows the routed entry and counts its scan', async () => {
      const live = await liveCode({ name: 'Locked', rule: 'fill_in_order', password: 'open sesame' });
      const entry = (await owner.client.post(`${api}/live-codes/${live.id}/entries`, { url: 'https://t.me/+locked' })).body;
      const browser = new FormBrowser(server.url);
      const asked = await browser.get(`/j/${live.token}`);
      assert.equal(asked.status, 200);
      assert.match(asked.text, /name="password"/);
      assert.equal(linkOf(asked.text), undefined);
      const opened = await browser.post(`/j/${live.token}`, { password: 'open sesame' });
      assert.equal(opened.status, 200);
      assert.equal(linkOf(opened.text), 'https://t.me/+locked');
      const after = (await owner.client.get(`${api}/live-codes/${live.id}`)).body.entries[0];
      assert.equal(after.id, entry.id);
      assert.equal(after.scans, 1);
    });

    test('given a live code paused, revoked or reset at /codes, then scanners get the code\'s pages, as for a join code', async () => {
      const live = await liveCode({ name: 'Code ops', rule: 'fill_in_order', template: { namePattern: 'Ops {n}', valueStatement: '扫码入群领资料' } });
      await owner.client.post(`${api}/live-codes/${live.id}/entries`, { url: 'https://t.me/+ops' });
      const face = await codeFace(server.deps, owner.workspaceId, live.id);
      assert.deepEqual(face.group, { name: 'Code ops', valueStatement: '扫码入群领资料', description: '' }, 'what its QR caption and poster print');
      assert.equal((await owner.client.patch(`${api}/codes/${live.id}`, { status: 'paused' })).status, 200);
      assert.equal((await scan(server, live.token)).status, 423);
      assert.equal((await owner.client.patch(`${api}/codes/${live.id}`, { status: 'active' })).status, 200);
      const reset = await owner.client.post(`${api}/codes/${live.id}/reset`);
      assert.equal(reset.status, 200);
      assert.equal(reset.body.kind, 'live');
      assert.equal((await scan(server, live.token)).status, 410);
      const fresh = tokenOf(reset.body.url);
      assert.equal(linkOf((await scan(server, fresh)).text), 'https://t.me/+ops');
      assert.equal((await owner.client.post(`${api}/codes/${live.id}/revoke`, {})).status, 200);
      assert.equal((await scan(server, fresh)).status, 410);
      assert.equal((await owner.client.post(`${api}/live-codes/${live.id}/entries`, { url: 'https://t.me/+late' })).status, 400);
    });

    test('given nearest routing over hosted groups, then the join step carries the scanner\'s position and seats them in the nearest group', async () => {
      const group = async (name: string) => (await owner.client.post(`${api}/groups`, { kind: 'hosted', name, capacity: 5 })).body.id as string;
      const beijing = await group('北京群');
      const shanghai = await group('上海群');
      const live = await liveCode({
        name: '同城',
        rule: 'nearest',
        groups: [
          { groupId: beijing, latitude: 39.9042, longitude: 116.4074, region: '北京' },
          { groupId: shanghai, latitude: 31.2304, longitude: 121.4737, region: '上海' },
        ],
      });
      const landing = await scan(server, live.token, { query: '?lat=31.2&lon=121.5' });
      assert.match(landing.text, /<h1>上海群<\/h1>/);
      assert.match(landing.text, /href="\/j\/[^"]+\/join\?lat=31\.2&amp;lon=121\.5"/, 'the join button carries the position');
      const secret = await integrationSecret(owner.client, owner.workspaceId);
      const joined = await join(server, secret, owner.workspaceId, live.token, 'near-1', { query: '?lat=31.2&lon=121.5' });
      assert.equal(joined.groupId, shanghai);
      assert.deepEqual(hiddenFields(joined.member.confirm.text).lat, '31.2');
      const fallback = await join(server, secret, owner.workspaceId, live.token, 'near-2');
      assert.equal(fallback.groupId, beijing, 'no position: fill_in_order');
    });
  });
}
