import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { registerLiveCodeJobs } from '../../src/modules/live-codes/jobs.ts';
import { decodeQrImage, MAX_QR_IMAGE_BYTES } from '../../src/modules/live-codes/qr-image.ts';
import { createJobRunner } from '../../src/modules/jobs/runner.ts';
import { FakeClock } from '../harness/deps.ts';
import { DIALECTS } from '../harness/env.ts';
import { operator } from '../harness/factories.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';
import { DESKTOP_UA, scan, tokenOf, WECHAT_UA } from './flow.ts';

const HOUR = 3600 * 1000;
const dataUrl = (mime: string, bytes: Buffer) => `data:${mime};base64,${bytes.toString('base64')}`;

/** A QR code as an independent encoder draws it: PNG from the qrcode package. */
async function pngQr(text: string): Promise<string> {
  return dataUrl('image/png', await QRCode.toBuffer(text, { type: 'png', width: 360, margin: 4 }));
}

/** The same as a JPEG photo would carry it: the code's modules as pixels, encoded by jpeg-js. */
function jpegQr(text: string): string {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const scale = 8;
  const side = (qr.modules.size + 8) * scale;
  const data = Buffer.alloc(side * side * 4, 255);
  for (let y = 0; y < side; y += 1) {
    for (let x = 0; x < side; x += 1) {
      const mx = Math.floor(x / scale) - 4;
      const my = Math.floor(y / scale) - 4;
      if (mx >= 0 && my >= 0 && mx < qr.modules.size && my < qr.modules.size && qr.modules.get(mx, my)) data.fill(0, (y * side + x) * 4, (y * side + x) * 4 + 3);
    }
  }
  return dataUrl('image/jpeg', jpeg.encode({ data, width: side, height: side }, 90).data);
}

/** A plain grey picture: an image, but no QR code in it. */
function blankPng(width: number, height: number): Buffer {
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 8 } as ConstructorParameters<typeof PNG>[0]);
  png.data = Buffer.alloc(width * height, 200);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0 });
}

for (const dialect of DIALECTS) {
  describe(`live codes: an external pool (${dialect})`, () => {
    let server: TestServer;
    let clock: FakeClock;
    let owner: Awaited<ReturnType<typeof operator>>;
    let api: string;

    async function liveCode(body: Record<string, unknown>) {
      const created = await owner.client.post(`${api}/live-codes`, body);
      assert.equal(created.status, 201, created.text);
      return { id: created.body.id as string, token: tokenOf(created.body.code.url) };
    }
    async function entry(liveCodeId: string, body: Record<string, unknown>) {
      const added = await owner.client.post(`${api}/live-codes/${liveCodeId}/entries`, body);
      assert.equal(added.status, 201, added.text);
      return added.body as { id: string; payload: string; source: string; scanThreshold: number; expiresAt: string | null };
    }
    const events = async (type: string, liveCodeId: string) =>
      (await server.deps.db.kysely.selectFrom('events').select('payload').where('type', '=', type).orderBy('id').execute()).map((e) => JSON.parse(e.payload)).filter((p) => p.liveCodeId === liveCodeId);
    const written = async () => ({
      entries: (await server.deps.db.kysely.selectFrom('live_code_entries').select('id').execute()).length,
      liveCodes: (await server.deps.db.kysely.selectFrom('live_codes').select('code_id').execute()).length,
      codes: (await server.deps.db.kysely.selectFrom('codes').select('id').execute()).length,
      events: (await server.deps.db.kysely.selectFrom('events').select('id').execute()).length,
      audit: (await server.deps.db.kysely.selectFrom('audit_log').select('id').execute()).length,
    });

    before(async () => {
      clock = new FakeClock(Date.UTC(2030, 3, 1, 9));
      server = await startTestServer(dialect, { clock });
      owner = await operator(server.url, server.deps, { plan: 'pro' });
      api = `/api/v1/workspaces/${owner.workspaceId}`;
    });
    after(() => server.stop());

    test('given a PNG and a JPEG group QR and a join URL, when uploaded, then each is decoded and stored with the pool defaults (threshold 200, 7 days)', async () => {
      const live = await liveCode({ name: 'WeChat groups', rule: 'fill_in_order' });
      const png = await entry(live.id, { image: await pngQr('https://weixin.qq.com/g/AQPNG01'), label: 'WeChat 1', platform: 'wechat' });
      const jpg = await entry(live.id, { image: jpegQr('https://weixin.qq.com/g/AQJPG02'), label: 'WeChat 2', platform: 'wechat' });
      const url = await entry(live.id, { url: 'https://t.me/+springcamp', platform: 'telegram', scanThreshold: 500, expiresAt: null });
      assert.deepEqual([png.source, png.payload], ['image', 'https://weixin.qq.com/g/AQPNG01']);
      assert.deepEqual([jpg.source, jpg.payload], ['image', 'https://weixin.qq.com/g/AQJPG02']);
      assert.deepEqual([url.source, url.payload, url.scanThreshold, url.expiresAt], ['url', 'https://t.me/+springcamp', 500, null]);
      assert.equal(png.scanThreshold, 200);
      assert.equal(png.expiresAt, new Date(clock.now() + 168 * HOUR).toISOString());
      const view = (await owner.client.get(`${api}/live-codes/${live.id}`)).body;
      assert.deepEqual(view.entries.map((e: { id: string; position: number; usable: boolean }) => [e.id, e.position, e.usable]), [
        [png.id, 0, true],
        [jpg.id, 1, true],
        [url.id, 2, true],
      ]);
    });

    test('given bad uploads, then not an image, a corrupt image, no QR code, an oversize image or body, and a duplicate payload are each a clear 4xx, and nothing is written', async () => {
      const live = await liveCode({ name: 'Refusals', rule: 'fill_in_order' });
      const original = await pngQr('https://weixin.qq.com/g/AQDUP03');
      await entry(live.id, { image: original });
      const realPng = Buffer.from(original.split(',')[1]!, 'base64');
      const before = await written();
      const cases: [string, Record<string, unknown>, number, string][] = [
        ['text posing as a PNG', { image: dataUrl('image/png', Buffer.from('hello, this is not a picture')) }, 422, 'not_an_image'],
        ['a PDF', { image: dataUrl('application/pdf', Buffer.from('%PDF-1.4 not an image')) }, 422, 'not_an_image'],
        ['a PNG cut short', { image: dataUrl('image/png', realPng.subarray(0, 120)) }, 422, 'image_unreadable'],
        ['a picture without a QR code', { image: dataUrl('image/png', blankPng(300, 300)) }, 422, 'no_qr_code'],
        ['a 17-megapixel picture', { image: dataUrl('image/png', blankPng(4100, 4100)) }, 413, 'image_too_large'],
        ['an image just over the size limit', { image: dataUrl('image/png', Buffer.concat([realPng, Buffer.alloc(MAX_QR_IMAGE_BYTES)])) }, 413, 'image_too_large'],
        ['a body over the upload limit', { image: dataUrl('image/png', Buffer.concat([realPng, Buffer.alloc(MAX_QR_IMAGE_BYTES + 64 * 1024)])) }, 413, 'payload_too_large'],
        ['the same QR again', { image: original }, 409, 'duplicate_entry'],
        ['the same QR as a JPEG', { image: jpegQr('https://weixin.qq.com/g/AQDUP03') }, 409, 'duplicate_entry'],
        ['its payload as a URL', { url: 'https://weixin.qq.com/g/AQDUP03' }, 409, 'duplicate_entry'],
        ['both an image and a URL', { image: original, url: 'https://example.com/x' }, 400, 'validation_failed'],
      ];
      const wrong: string[] = [];
      for (const [what, body, status, code] of cases) {
        const response = await owner.client.post(`${api}/live-codes/${live.id}/entries`, body);
        if (response.status !== status || response.body?.code !== code || !/problem\+json/.test(response.headers.get('content-type') ?? '')) {
          wrong.push(`${what}: ${response.status} ${response.text.slice(0, 200)}`);
        } else if (typeof response.body.detail !== 'string' || response.body.detail.length < 10) {
          wrong.push(`${what}: no clear detail`);
        }
      }
      assert.deepEqual(wrong, []);
      assert.deepEqual(await written(), before);
    });

    test('given link entries with scan thresholds, when scans reach them, then each retires with an event, routing moves on, and pool_low then pool_empty fire once each', async () => {
      const live = await liveCode({ name: 'Thresholds', rule: 'fill_in_order', scanThreshold: 3 });
      const first = await entry(live.id, { image: await pngQr('https://weixin.qq.com/g/AQTHR04'), platform: 'wechat' });
      const second = await entry(live.id, { url: 'https://weixin.qq.com/g/AQTHR05', platform: 'wechat', scanThreshold: 2 });
      const routed = [];
      for (let i = 0; i < 5; i += 1) {
        const page = await scan(server, live.token, { ua: WECHAT_UA });
        assert.equal(page.status, 200, page.text.slice(0, 200));
        routed.push(page.text.includes('AQTHR05') ? 'second' : 'first');
        assert.ok(page.text.length < 30 * 1024, 'under 30 KB');
      }
      assert.deepEqual(routed, ['first', 'first', 'first', 'second', 'second']);
      const empty = await scan(server, live.token, { ua: WECHAT_UA });
      assert.equal(empty.status, 409);
      assert.match(empty.text, /data-reason="pool_empty"/);

      const rows = await server.deps.db.kysely.selectFrom('scans').select(['entry_id', 'outcome']).where('code_id', '=', live.id).orderBy('id').execute();
      assert.deepEqual(rows.map((r) => [r.entry_id, r.outcome]), [
        [first.id, 'ok'], [first.id, 'ok'], [first.id, 'ok'], [second.id, 'ok'], [second.id, 'ok'], [null, 'pool_empty'],
      ]);
      const retired = await events('live_code.entry_retired', live.id);
      assert.deepEqual(retired.map((e) => [e.entry.id, e.reason]), [[first.id, 'threshold'], [second.id, 'threshold']]);
      const low = await events('live_code.pool_low', live.id);
      const gone = await events('live_code.pool_empty', live.id);
      assert.equal(low.length, 1);
      assert.equal(low[0].usableEntries, 1);
      assert.equal(gone.length, 1);
      assert.equal(gone[0].usableEntries, 0);
      const view = (await owner.client.get(`${api}/live-codes/${live.id}`)).body;
      assert.equal(view.poolState, 'empty');
      assert.deepEqual(view.entries.map((e: { status: string; retiredReason: string; scans: number; unusableReason: string }) => [e.status, e.retiredReason, e.scans, e.unusableReason]), [
        ['retired', 'threshold', 3, 'retired'],
        ['retired', 'threshold', 2, 'retired'],
      ]);

      // Raising a threshold and resuming brings an entry back, silently (only drops alert).
      const back = await owner.client.patch(`${api}/live-codes/${live.id}/entries/${second.id}`, { scanThreshold: 10, status: 'active' });
      assert.equal(back.status, 200, back.text);
      assert.equal(back.body.usable, true);
      assert.equal((await scan(server, live.token)).status, 200);
      assert.equal((await events('live_code.pool_low', live.id)).length, 1);
    });

    test('given entries that expire, when the clock nears and passes their expiry and the job runs, then one reminder 24 h before, then retirement with pool_low and pool_empty', async () => {
      const live = await liveCode({ name: 'Expiry', rule: 'fill_in_order', entryValidityHours: 48 });
      const soon = await entry(live.id, { image: await pngQr('https://weixin.qq.com/g/AQEXP06'), platform: 'wechat' });
      const later = await entry(live.id, { url: 'https://weixin.qq.com/g/AQEXP07', expiresAt: new Date(clock.now() + 72 * HOUR).toISOString() });
      const runner = createJobRunner(server.deps);
      registerLiveCodeJobs(runner);
      const tick = async () => {
        await runner.runDueOnce();
        await runner.runDueOnce();
      };
      await tick();
      assert.equal((await events('live_code.entry_expiring', live.id)).length, 0, 'not within 24 h yet');

      clock.advance(25 * HOUR);
      await tick();
      await tick();
      const reminders = await events('live_code.entry_expiring', live.id);
      assert.deepEqual(reminders.map((r) => r.entry.id), [soon.id], 'one reminder, for the entry expiring within 24 h');
      assert.equal(reminders[0].expiresAt, soon.expiresAt);

      clock.advance(23 * HOUR);
      const routed = await scan(server, live.token);
      assert.match(routed.text, /AQEXP07/, 'routing skips the expired entry before the job marks it');
      await tick();
      assert.deepEqual((await events('live_code.entry_retired', live.id)).map((e) => [e.entry.id, e.reason]), [[soon.id, 'expired']]);
      assert.equal((await events('live_code.pool_low', live.id)).length, 1);
      assert.deepEqual((await events('live_code.entry_expiring', live.id)).map((r) => r.entry.id), [soon.id, later.id], 'the later entry is now within 24 h');

      clock.advance(25 * HOUR);
      await tick();
      assert.equal((await events('live_code.pool_empty', live.id)).length, 1);
      assert.equal((await events('live_code.entry_expiring', live.id)).length, 2, 'never twice for one entry');
      assert.equal((await scan(server, live.token)).status, 409);
    });

    test('given a WeChat entry for WeChat and a Telegram link for everyone, then a WeChat scanner gets the WeChat QR to long-press and a desktop browser the Telegram link', async () => {
      const live = await liveCode({ name: '跨平台', rule: 'fill_in_order' });
      await entry(live.id, { url: 'https://t.me/+crossplatform', platform: 'telegram', label: 'Telegram' });
      await entry(live.id, { image: jpegQr('https://weixin.qq.com/g/AQUA08'), platform: 'wechat', audience: ['wechat', 'wecom'], label: '微信群' });
      const wechat = await scan(server, live.token, { ua: WECHAT_UA });
      assert.equal(wechat.status, 200);
      const qr = /<img class="qr" id="group-qr" src="data:image\/png;base64,([^"]+)"/.exec(wechat.text);
      assert.ok(qr, 'a QR image to long-press');
      assert.deepEqual(decodeQrImage(Buffer.from(qr[1]!, 'base64')), { ok: true, payload: 'https://weixin.qq.com/g/AQUA08' });
      assert.match(wechat.text, /href="https:\/\/weixin\.qq\.com\/g\/AQUA08"/, 'and its link');
      assert.doesNotMatch(wechat.text, /t\.me/);
      const desktop = await scan(server, live.token, { ua: DESKTOP_UA });
      assert.equal(desktop.status, 200);
      assert.match(desktop.text, /href="https:\/\/t\.me\/\+crossplatform"/);
      assert.doesNotMatch(desktop.text, /group-qr/);
      const rows = await server.deps.db.kysely.selectFrom('scans').select(['ua_app', 'entry_id']).where('code_id', '=', live.id).orderBy('id').execute();
      assert.deepEqual(rows.map((r) => r.ua_app), ['wechat', 'browser']);
      assert.notEqual(rows[0]!.entry_id, rows[1]!.entry_id);
    });

    test('given nearest routing, then a scanner with a position goes to the closest entry, one without first gets a locating page (not a scan), and a declined location falls back to the first entry', async () => {
      const live = await liveCode({ name: '同城群', rule: 'nearest' });
      await entry(live.id, { url: 'https://t.me/+beijing', latitude: 39.9042, longitude: 116.4074, region: '北京' });
      await entry(live.id, { url: 'https://t.me/+shanghai', latitude: 31.2304, longitude: 121.4737, region: '上海' });
      const shanghai = await scan(server, live.token, { query: '?lat=31.19&lon=121.44' });
      assert.match(shanghai.text, /t\.me\/\+shanghai/);
      const beijing = await scan(server, live.token, { query: '?lat=40.0&lon=116.3' });
      assert.match(beijing.text, /t\.me\/\+beijing/);
      const locating = await scan(server, live.token);
      assert.equal(locating.status, 200);
      assert.match(locating.text, /id="locating"/);
      const hash = /script-src [^;]*'(sha256-[^']+)'/.exec(locating.headers.get('content-security-policy') ?? '');
      assert.ok(hash, 'the inline script is allowed by its hash only');
      assert.doesNotMatch(locating.headers.get('content-security-policy') ?? '', /script-src[^;]*'unsafe-inline'/);
      const declined = await scan(server, live.token, { query: '?located=0' });
      assert.match(declined.text, /t\.me\/\+beijing/, 'no position: fill_in_order');
      assert.equal((await server.deps.db.kysely.selectFrom('scans').select('id').where('code_id', '=', live.id).execute()).length, 3, 'the locating page is not a scan');
    });

    test('given contradictory pool rules, then each is refused with 422 contradictory_pool_rules naming the field, and nothing is written', async () => {
      const other = await operator(server.url, server.deps, { plan: 'pro' });
      const foreign = (await other.client.post(`/api/v1/workspaces/${other.workspaceId}/groups`, { kind: 'hosted', name: 'Theirs' })).body.id;
      const external = (await owner.client.post(`${api}/groups`, { kind: 'external', name: 'WeChat group', platform: 'wechat' })).body.id;
      const hosted = (await owner.client.post(`${api}/groups`, { kind: 'hosted', name: 'Ours' })).body.id;
      const live = await liveCode({ name: 'Rules', rule: 'fill_in_order' });
      await entry(live.id, { url: 'https://t.me/+rules' });
      const before = await written();
      const template = { namePattern: 'Camp {n}群' };
      const cases: [string, string, string, Record<string, unknown>, string][] = [
        ['nearest with a group without a location', 'POST', `${api}/live-codes`, { name: 'x', rule: 'nearest', groups: [{ groupId: hosted }] }, '/rule'],
        ['nearest with a template', 'POST', `${api}/live-codes`, { name: 'x', rule: 'nearest', template }, '/template'],
        ['a template above the plan\'s group size', 'POST', `${api}/live-codes`, { name: 'x', rule: 'fill_in_order', template: { ...template, capacity: 5000 } }, '/template/capacity'],
        ['template admins who are not staff', 'POST', `${api}/live-codes`, { name: 'x', rule: 'fill_in_order', template: { ...template, adminIds: [other.staffId] } }, '/template/adminIds'],
        ['a scan threshold of 0', 'POST', `${api}/live-codes`, { name: 'x', rule: 'fill_in_order', scanThreshold: 0 }, '/scanThreshold'],
        ['an external group as a hosted entry', 'POST', `${api}/live-codes`, { name: 'x', rule: 'fill_in_order', groups: [{ groupId: external }] }, '/groups/0/groupId'],
        ['another workspace\'s group', 'POST', `${api}/live-codes`, { name: 'x', rule: 'fill_in_order', groups: [{ groupId: foreign }] }, '/groups/0/groupId'],
        ['switching to nearest with an entry without a location', 'PATCH', `${api}/live-codes/${live.id}`, { rule: 'nearest' }, '/rule'],
        ['an expiry in the past', 'POST', `${api}/live-codes/${live.id}/entries`, { url: 'https://t.me/+past', expiresAt: new Date(clock.now() - HOUR).toISOString() }, '/expiresAt'],
        ['a threshold below 1 on an entry', 'POST', `${api}/live-codes/${live.id}/entries`, { url: 'https://t.me/+zero', scanThreshold: -5 }, '/scanThreshold'],
        ['a latitude without a longitude', 'POST', `${api}/live-codes/${live.id}/entries`, { url: 'https://t.me/+half', latitude: 31.2 }, '/longitude'],
        ['a hosted group with a scan threshold', 'POST', `${api}/live-codes/${live.id}/entries`, { groupId: hosted, scanThreshold: 10 }, '/scanThreshold'],
        ['another workspace\'s group as an entry', 'POST', `${api}/live-codes/${live.id}/entries`, { groupId: foreign }, '/groupId'],
      ];
      const wrong: string[] = [];
      for (const [what, method, path, body, pointer] of cases) {
        const response = await owner.client.request(method, path, body);
        const named = (response.body?.errors ?? []).some((e: { pointer: string }) => e.pointer === pointer);
        if (response.status !== 422 || response.body?.code !== 'contradictory_pool_rules' || !named) wrong.push(`${what}: ${response.status} ${response.text.slice(0, 240)}`);
      }
      assert.deepEqual(wrong, []);
      assert.deepEqual(await written(), before);
    });
  });
}
