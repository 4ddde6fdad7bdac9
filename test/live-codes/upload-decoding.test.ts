import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { MAX_QR_IMAGE_BYTES } from '../../src/modules/live-codes/qr-image.ts';
import { Client } from '../harness/client.ts';
import { DIALECTS } from '../harness/env.ts';
import { operator } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

const PAYLOAD = 'https://weixin.qq.com/g/AQBIGPHOTO09';

/** A 12-megapixel phone photo (4000 × 3000) of a group QR on a white sheet: seconds of decoding. */
async function bigPhoto(): Promise<Buffer> {
  const code = PNG.sync.read(await QRCode.toBuffer(PAYLOAD, { type: 'png', scale: 30, margin: 4 }));
  const photo = new PNG({ width: 4000, height: 3000 });
  photo.data.fill(255);
  PNG.bitblt(code, photo, 0, 0, code.width, code.height, 1400, 900);
  return jpeg.encode(photo, 60).data;
}

for (const dialect of DIALECTS) {
  describe(`uploaded group QR images decode off the event loop (${dialect})`, () => {
    let server: TestServer;
    let owner: Awaited<ReturnType<typeof operator>>;
    let image: string;
    before(async () => {
      server = await startTestServer(dialect);
      owner = await operator(server.url, server.deps, { plan: 'pro' });
      const photo = await bigPhoto();
      assert.ok(photo.length <= MAX_QR_IMAGE_BYTES);
      image = `data:image/jpeg;base64,${photo.toString('base64')}`;
    });
    after(() => server.stop());

    /** Polls /metrics until a decode is under way; each answer already shows the server is not blocked. */
    async function decodeUnderWay(anyone: Client): Promise<boolean> {
      for (let attempt = 0; attempt < 500; attempt += 1) {
        const metrics = await anyone.get('/metrics');
        if (/^joincode_worker_jobs\{kind="qr_decode",state="running"\} [1-9]/m.test(metrics.text)) return true;
      }
      return false;
    }

    test('given a 12-megapixel photo being decoded for a live code entry, when /healthz is asked meanwhile, then it is answered before the upload is done', async () => {
      const live = await owner.client.post(`/api/v1/workspaces/${owner.workspaceId}/live-codes`, { name: 'Big photo', rule: 'fill_in_order' });
      assert.equal(live.status, 201, live.text);
      const anyone = new Client(server.url);
      const finished: string[] = [];
      const upload = owner.client.post(`/api/v1/workspaces/${owner.workspaceId}/live-codes/${live.body.id}/entries`, { image, platform: 'wechat' }).then((response) => {
        finished.push('upload');
        return response;
      });
      assert.ok(await decodeUnderWay(anyone), 'the decode was never seen running');
      const health = await anyone.get('/healthz');
      finished.push('healthz');
      assert.equal(health.status, 200);
      const entry = await upload;
      assert.equal(entry.status, 201, entry.text);
      assert.equal(entry.body.payload, PAYLOAD);
      assert.deepEqual(finished, ['healthz', 'upload']);
    });
  });
}
