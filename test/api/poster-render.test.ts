import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '../harness/client.ts';
import { DIALECTS } from '../harness/env.ts';
import { operator } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

for (const dialect of DIALECTS) {
  describe(`poster rendering beside other requests (${dialect})`, () => {
    let server: TestServer;
    let owner: Awaited<ReturnType<typeof operator>>;
    let posterPath: string;
    before(async () => {
      server = await startTestServer(dialect);
      owner = await operator(server.url, server.deps);
      const group = await owner.client.post(`/api/v1/workspaces/${owner.workspaceId}/groups`, { kind: 'hosted', name: '春季训练营 3群', valueStatement: '扫码入群领资料：100 页私域运营手册' });
      assert.equal(group.status, 201, group.text);
      const code = await owner.client.post(`/api/v1/workspaces/${owner.workspaceId}/codes`, { groupId: group.body.id });
      assert.equal(code.status, 201, code.text);
      posterPath = `/api/v1/workspaces/${owner.workspaceId}/codes/${code.body.id}/poster?format=pdf&locale=zh-CN`;
    });
    after(() => server.stop());

    /** Polls /metrics until a render is under way; each answer already shows the server is not blocked. */
    async function renderUnderWay(anyone: Client): Promise<boolean> {
      for (let attempt = 0; attempt < 500; attempt += 1) {
        const metrics = await anyone.get('/metrics');
        if (/^joincode_worker_jobs\{kind="render",state="running"\} [1-9]/m.test(metrics.text)) return true;
      }
      return false;
    }

    test('given a Chinese A4 poster being drawn, when /healthz is asked meanwhile, then it is answered before the poster is done', async () => {
      const anyone = new Client(server.url);
      const finished: string[] = [];
      const poster = owner.client.get(posterPath).then((response) => {
        finished.push('poster');
        return response;
      });
      assert.ok(await renderUnderWay(anyone), 'the poster render was never seen running');
      const health = await anyone.get('/healthz');
      finished.push('healthz');
      assert.equal(health.status, 200);
      const pdf = await poster;
      assert.equal(pdf.status, 200, pdf.text);
      assert.equal(pdf.headers.get('content-type'), 'application/pdf');
      assert.deepEqual(finished, ['healthz', 'poster']);
    });
  });
}
