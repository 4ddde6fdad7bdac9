import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { decodeQrImage, MAX_QR_IMAGE_BYTES } from '../../src/modules/live-codes/qr-image.ts';
import { DIALECTS } from '../harness/env.ts';
import { operator } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

const dataUrl = (mime: string, bytes: Buffer) => `data:${mime};base64,${bytes.toString('base64')}`;
const pngQr = async (text: string) => dataUrl('image/png', await QRCode.toBuffer(text, { type: 'png', width: 360, margin: 4 }));

/** A PNG of random pixels: it does not compress, so its size is what its side makes it. */
function noisePng(side: number): string {
  const png = new PNG({ width: side, height: side });
  for (let i = 0; i < png.data.length; i += 1) png.data[i] = i % 4 === 3 ? 255 : Math.floor(Math.random() * 256);
  return dataUrl('image/png', PNG.sync.write(png));
}

/** The QR a landing page shows to long-press, decoded back; null when there is none. */
function shownQr(page: string): string | null {
  const qr = /<img class="qr" id="group-qr" src="data:image\/png;base64,([^"]+)"/.exec(page);
  if (!qr) return null;
  const decoded = decodeQrImage(Buffer.from(qr[1]!, 'base64'));
  assert.ok(decoded.ok, 'the QR shown decodes');
  return decoded.payload;
}

for (const dialect of DIALECTS) {
  describe(`an external group's current QR (${dialect})`, () => {
    let server: TestServer;
    let owner: Awaited<ReturnType<typeof operator>>;
    let api: string;

    /** An external group and a join code leading to it. */
    async function externalGroup(body: Record<string, unknown> = {}) {
      const group = await owner.client.post(`${api}/groups`, { kind: 'external', name: '春季训练营 微信群', platform: 'wechat', ...body });
      assert.equal(group.status, 201, group.text);
      const code = await owner.client.post(`${api}/codes`, { groupId: group.body.id });
      assert.equal(code.status, 201, code.text);
      return { id: group.body.id as string, landing: new URL(code.body.url).pathname };
    }
    async function landing(path: string, language = 'zh-CN') {
      const response = await fetch(`${server.url}${path}`, { headers: { 'accept-language': language } });
      const text = await response.text();
      assert.equal(response.status, 200, text.slice(0, 300));
      assert.ok(Buffer.byteLength(text) < 30 * 1024, `${Buffer.byteLength(text)} bytes: under 30 KB`);
      return text;
    }
    const uploadQr = (groupId: string, image: string) => owner.client.request('PUT', `${api}/groups/${groupId}/qr`, { image });
    const written = async () => ({
      groups: await server.deps.db.kysely.selectFrom('groups').select(['id', 'qr_payload', 'qr_uploaded_at', 'updated_at']).orderBy('id').execute(),
      events: (await server.deps.db.kysely.selectFrom('events').select('id').execute()).length,
      audit: (await server.deps.db.kysely.selectFrom('audit_log').select('id').execute()).length,
    });

    before(async () => {
      server = await startTestServer(dialect);
      owner = await operator(server.url, server.deps, { plan: 'pro' });
      api = `/api/v1/workspaces/${owner.workspaceId}`;
    });
    after(() => server.stop());

    test('given a WeChat group QR uploaded for an external group, then it is decoded and stored, and the landing page shows it to long-press with its link', async () => {
      const group = await externalGroup();
      assert.match(await landing(group.landing), /群主尚未提供加入链接/, 'no QR and no link yet');
      const uploaded = await uploadQr(group.id, await pngQr('https://weixin.qq.com/g/AQGROUP01'));
      assert.equal(uploaded.status, 200, uploaded.text);
      assert.equal(uploaded.body.qrPayload, 'https://weixin.qq.com/g/AQGROUP01');
      assert.equal(typeof uploaded.body.qrUploadedAt, 'string');
      assert.deepEqual((await owner.client.get(`${api}/groups/${group.id}`)).body, uploaded.body);

      const zh = await landing(group.landing);
      assert.equal(shownQr(zh), 'https://weixin.qq.com/g/AQGROUP01');
      assert.match(zh, /长按下方二维码，选择“识别图中二维码”，在微信中加入群聊/);
      assert.match(zh, /<a class="button" id="join-link" href="https:\/\/weixin\.qq\.com\/g\/AQGROUP01"/, 'the payload is a web link: it is offered too');
      const en = await landing(group.landing, 'en');
      assert.match(en, /Long-press the QR code below/);

      const event = await server.deps.db.kysely.selectFrom('events').select('payload').where('type', '=', 'group.updated').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(event.payload).changed, ['qr']);
      assert.equal(JSON.parse(event.payload).group.qrPayload, 'https://weixin.qq.com/g/AQGROUP01');
      const audit = await server.deps.db.kysely.selectFrom('audit_log').select(['action', 'target_id']).orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.deepEqual(audit, { action: 'group.updated', target_id: group.id });
    });

    test('given a QR that replaces the last one, a join URL beside it, a payload that is not a link, and removal, then the landing page follows each', async () => {
      const group = await externalGroup({ joinUrl: 'https://example.com/join/spring' });
      assert.equal(shownQr(await landing(group.landing)), null, 'a join URL alone: the link, as before');
      assert.equal((await uploadQr(group.id, await pngQr('https://weixin.qq.com/g/AQOLD02'))).status, 200);
      assert.equal((await uploadQr(group.id, await pngQr('https://weixin.qq.com/g/AQNEW03'))).status, 200);
      const page = await landing(group.landing);
      assert.equal(shownQr(page), 'https://weixin.qq.com/g/AQNEW03', 'the newest QR');
      assert.match(page, /id="join-link" href="https:\/\/example\.com\/join\/spring"/, 'the join URL is the link beside it');
      assert.doesNotMatch(page, /AQOLD02/);

      const text = await externalGroup({ name: 'QQ 群', platform: 'qq' });
      assert.equal((await uploadQr(text.id, await pngQr('QQ群号 123456789'))).status, 200);
      const qq = await landing(text.landing);
      assert.equal(shownQr(qq), 'QQ群号 123456789');
      assert.doesNotMatch(qq, /id="join-link"/, 'not a web address: no link');

      const removed = await owner.client.delete(`${api}/groups/${group.id}/qr`);
      assert.equal(removed.status, 204, removed.text);
      const after = await owner.client.get(`${api}/groups/${group.id}`);
      assert.deepEqual([after.body.qrPayload, after.body.qrUploadedAt, after.body.joinUrl], [null, null, 'https://example.com/join/spring']);
      const events = (await written()).events;
      assert.equal((await owner.client.delete(`${api}/groups/${group.id}/qr`)).status, 204, 'removing no QR is no error');
      assert.equal((await written()).events, events, 'and records nothing');
      const back = await landing(group.landing);
      assert.equal(shownQr(back), null);
      assert.match(back, /<a class="button" href="https:\/\/example\.com\/join\/spring"/);
    });

    test('given an avatar and a large QR, then the page stays under 30 KB: the avatar gives way to a letter when both do not fit', async () => {
      const avatar = noisePng(60);
      assert.ok(avatar.length > 15 * 1024 && avatar.length < 20 * 1024, `an avatar that inlines alone (${avatar.length} chars)`);
      const group = await externalGroup({ avatar, description: '扫码入群领资料。'.repeat(120), valueStatement: '入群领取 100 页私域运营手册' });
      assert.ok((await landing(group.landing)).includes(avatar), 'alone, the avatar is inlined');
      const short = 'https://weixin.qq.com/g/AQSHORT04';
      assert.equal((await uploadQr(group.id, await pngQr(short))).status, 200);
      assert.equal(shownQr(await landing(group.landing)), short);

      const long = `https://weixin.qq.com/g/${'AQLONG05'.repeat(250)}`;
      assert.equal((await uploadQr(group.id, dataUrl('image/png', await QRCode.toBuffer(long, { type: 'png', scale: 4, margin: 4 })))).status, 200);
      const page = await landing(group.landing);
      assert.equal(shownQr(page), long);
      assert.ok(!page.includes(avatar), 'the avatar gave way');
      assert.match(page, /<div class="avatar center"[^>]*>春<\/div>/);
    });

    test('given bad uploads, then each gets the problem a live code entry gets, a hosted or unknown group is refused, and nothing is written', async () => {
      const group = await externalGroup();
      const hosted = (await owner.client.post(`${api}/groups`, { kind: 'hosted', name: 'Hosted' })).body.id;
      const realPng = Buffer.from((await pngQr('https://weixin.qq.com/g/AQBAD06')).split(',')[1]!, 'base64');
      const blank = new PNG({ width: 300, height: 300 });
      blank.data.fill(255);
      const before = await written();
      const cases: [string, string, unknown, number, string][] = [
        ['text posing as a PNG', group.id, { image: dataUrl('image/png', Buffer.from('hello, this is not a picture')) }, 422, 'not_an_image'],
        ['a PNG cut short', group.id, { image: dataUrl('image/png', realPng.subarray(0, 120)) }, 422, 'image_unreadable'],
        ['a picture without a QR code', group.id, { image: dataUrl('image/png', PNG.sync.write(blank)) }, 422, 'no_qr_code'],
        ['an image just over the size limit', group.id, { image: dataUrl('image/png', Buffer.concat([realPng, Buffer.alloc(MAX_QR_IMAGE_BYTES)])) }, 413, 'image_too_large'],
        ['a body over the upload limit', group.id, { image: dataUrl('image/png', Buffer.concat([realPng, Buffer.alloc(MAX_QR_IMAGE_BYTES + 64 * 1024)])) }, 413, 'payload_too_large'],
        ['no image', group.id, {}, 400, 'validation_failed'],
        ['a URL instead of an image', group.id, { image: 'https://weixin.qq.com/g/AQBAD06' }, 400, 'validation_failed'],
        ['a hosted group', hosted, { image: dataUrl('image/png', realPng) }, 400, 'validation_failed'],
        ['an unknown group', '01JAAAAAAAAAAAAAAAAAAAAAAA', { image: dataUrl('image/png', realPng) }, 404, 'not_found'],
      ];
      const wrong: string[] = [];
      for (const [what, groupId, body, status, code] of cases) {
        const response = await owner.client.request('PUT', `${api}/groups/${groupId}/qr`, body);
        if (response.status !== status || response.body?.code !== code || !/problem\+json/.test(response.headers.get('content-type') ?? '')) {
          wrong.push(`${what}: ${response.status} ${response.text.slice(0, 200)}`);
        } else if (typeof response.body.detail !== 'string' || response.body.detail.length < 10) {
          wrong.push(`${what}: no clear detail`);
        }
      }
      assert.deepEqual(wrong, []);
      assert.equal((await owner.client.delete(`${api}/groups/${hosted}/qr`)).status, 400);
      assert.deepEqual(await written(), before);
    });
  });
}
