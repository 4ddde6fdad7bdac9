import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { DEFAULT_ALPHABET, generateCode } from '../../src/modules/invites/alphabet.ts';
import { IMPORT_MAX_BYTES } from '../../src/modules/invites/import.ts';
import type { Client } from '../harness/client.ts';
import { FakeClock } from '../harness/deps.ts';
import { DIALECTS } from '../harness/env.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';
import { inviteWorkspace, type InviteWorkspace } from './setup.ts';

const FORMAT = { alphabet: DEFAULT_ALPHABET, bodyLength: 8, prefix: '', suffix: '' };
const FORMULA_NAME = '=HYPERLINK("http://evil.example","领奖")';

/** A raw request with the client's credentials: file bodies and file answers. */
async function raw(client: Client, method: string, path: string, options: { body?: Buffer | string; contentType?: string; language?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (client.auth.apiKey) headers.authorization = `Bearer ${client.auth.apiKey}`;
  if (options.contentType) headers['content-type'] = options.contentType;
  if (options.language) headers['accept-language'] = options.language;
  const response = await fetch(`${client.baseUrl}${path}`, { method, headers, body: options.body as BodyInit | undefined });
  const bytes = Buffer.from(await response.arrayBuffer());
  const json = (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(bytes.toString('utf8')) : undefined;
  return { status: response.status, headers: response.headers, bytes, json };
}

function readCsv(bytes: Buffer): string[][] {
  assert.equal(bytes.subarray(0, 3).toString('hex'), 'efbbbf', 'a UTF-8 byte order mark');
  return parse(bytes.subarray(3).toString('utf8')) as string[][];
}

for (const dialect of DIALECTS) {
  describe(`invite codes: export to CSV/XLSX and import from CSV (${dialect})`, () => {
    let server: TestServer;
    let clock: FakeClock;
    let ws: InviteWorkspace;
    let other: InviteWorkspace;
    const made: Record<string, Record<string, any>> = {};
    const upload = (target: InviteWorkspace, body: Buffer | string, contentType = 'text/csv', headers?: Record<string, string>) =>
      raw(target.api, 'POST', `${target.base}/invites/import`, { body, contentType, headers });
    const count = async (workspaceId: string) => (await server.deps.db.kysely.selectFrom('invites').select('id').where('workspace_id', '=', workspaceId).execute()).length;

    before(async () => {
      clock = new FakeClock(Date.UTC(2030, 4, 2, 9));
      server = await startTestServer(dialect, { clock });
      ws = await inviteWorkspace(server.url, server.deps, 'enterprise');
      other = await inviteWorkspace(server.url, server.deps, 'enterprise');
      const memberId = await ws.member('张三');
      const campaign = await ws.api.post(`${ws.base}/invite-campaigns`, { name: '五一活动', startsAt: new Date(clock.now()).toISOString() });
      made.formula = await ws.create({ owner: { userId: 'evil', displayName: FORMULA_NAME }, purpose: 'referral', maxUses: null, validity: 'permanent' });
      made.member = await ws.create({ owner: { memberId }, purpose: 'referral' });
      made.campaign = await ws.create({ owner: { userId: 'c1' }, purpose: 'campaign', campaignId: campaign.body.id, validity: '180d', maxUses: 5 });
      made.support = await ws.create({ owner: { userId: 's1' }, purpose: 'support', routing: { type: 'queue', name: 'VIP 客服' } });
      made.tracking = await ws.create({ owner: { userId: 't1', displayName: 'Tracker' }, purpose: 'tracking', tags: { utm_source: 'douyin', channel: 'live, room' } });
      made.revoked = await ws.create({ owner: { userId: 'r1' }, purpose: 'referral' });
      assert.equal((await ws.api.post(`${ws.base}/invites/${made.revoked.id}/revoke`, {})).status, 200);
    });
    after(() => server.stop());

    test('given codes, when exported as CSV in English, then every code is a row with readable values, and the owner name that starts with "=" is neutralised with a leading apostrophe', async () => {
      const file = await raw(ws.api, 'GET', `${ws.base}/invites/export?format=csv`, { language: 'en-US,en;q=0.9' });
      assert.equal(file.status, 200);
      assert.match(file.headers.get('content-type')!, /^text\/csv; charset=utf-8/);
      assert.match(file.headers.get('content-disposition')!, /^attachment; filename="invite-codes-2030-05-02\.csv"/);
      const [header, ...rows] = readCsv(file.bytes);
      assert.deepEqual(header, ['Code', 'Short link', 'State', 'Purpose', 'Owner type', 'Owner ID', 'Owner name', 'Campaign ID', 'Routing', 'Tags', 'Max uses', 'Uses', 'Expires at', 'Link suffix', 'Origin', 'Batch ID', 'Created at']);
      assert.equal(rows.length, 6);
      const byCode = new Map(rows.map((row) => [row[0]!, Object.fromEntries(header!.map((h, i) => [h, row[i]]))]));
      const formula = byCode.get(made.formula!.code)!;
      assert.equal(formula['Owner name'], `'${FORMULA_NAME}`);
      assert.equal(formula['Max uses'], 'unlimited');
      assert.equal(formula['Expires at'], '');
      assert.equal(formula['Short link'], `${server.deps.config.publicUrl}/i/${made.formula!.code}`);
      assert.equal(byCode.get(made.member!.code)!['Owner name'], '张三');
      assert.equal(byCode.get(made.member!.code)!['Owner type'], 'member');
      assert.equal(byCode.get(made.support!.code)!.Routing, 'queue:VIP 客服');
      assert.equal(byCode.get(made.tracking!.code)!.Tags, 'utm_source=douyin; channel=live, room');
      assert.equal(byCode.get(made.campaign!.code)!['Expires at'], made.campaign!.expiresAt);
      assert.equal(byCode.get(made.revoked!.code)!.State, 'revoked');

      const revokedOnly = readCsv((await raw(ws.api, 'GET', `${ws.base}/invites/export?state=revoked&format=csv`, { language: 'en' })).bytes);
      assert.deepEqual(revokedOnly.slice(1).map((row) => row[0]), [made.revoked!.code]);
    });

    test('given codes, when exported as XLSX in Chinese, then exceljs reads Chinese headers, typed numbers and dates, and the "=" name as plain text, never a formula', async () => {
      const file = await raw(ws.api, 'GET', `${ws.base}/invites/export?format=xlsx&purpose=referral`, { language: 'zh-CN,zh;q=0.9' });
      assert.equal(file.status, 200);
      assert.equal(file.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      assert.match(file.headers.get('content-disposition')!, /filename\*=UTF-8''%E9%82%80%E8%AF%B7%E7%A0%81-2030-05-02\.xlsx/);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(file.bytes as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0]!;
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      assert.deepEqual(header.slice(0, 7), ['邀请码', '短链接', '状态', '用途', '所有者类型', '所有者ID', '所有者名称']);
      assert.equal(sheet.rowCount, 4);
      const rows = new Map<string, ExcelJS.Row>();
      sheet.eachRow((row, n) => n > 1 && rows.set(String(row.getCell(1).value), row));
      assert.deepEqual([...rows.keys()].sort(), [made.formula!.code, made.member!.code, made.revoked!.code].sort());
      const formulaRow = rows.get(made.formula!.code)!;
      const name = formulaRow.getCell(7);
      assert.equal(name.type, ExcelJS.ValueType.String);
      assert.equal(name.value, `'${FORMULA_NAME}`);
      assert.equal(formulaRow.getCell(11).value, '不限');
      const memberRow = rows.get(made.member!.code)!;
      assert.equal(memberRow.getCell(11).value, 1);
      assert.equal(memberRow.getCell(12).value, 0);
      assert.ok(memberRow.getCell(13).value instanceof Date);
      assert.equal((memberRow.getCell(13).value as Date).toISOString(), made.member!.expiresAt);
    });

    test('given locale, then headers, state names and the file name follow it over Accept-Language, the "=" name stays neutralised, and the Chinese file imports elsewhere', async () => {
      const zh = await raw(ws.api, 'GET', `${ws.base}/invites/export?format=csv&locale=zh-CN`, { language: 'en-US,en;q=0.9' });
      assert.equal(zh.status, 200);
      assert.match(zh.headers.get('content-disposition')!, /filename\*=UTF-8''%E9%82%80%E8%AF%B7%E7%A0%81-2030-05-02\.csv/);
      const [zhHeader, ...zhRows] = readCsv(zh.bytes);
      assert.deepEqual(zhHeader!.slice(0, 7), ['邀请码', '短链接', '状态', '用途', '所有者类型', '所有者ID', '所有者名称']);
      const zhState = new Map(zhRows.map((row) => [row[0], row[2]]));
      assert.equal(zhState.get(made.revoked!.code), '已撤销');
      assert.equal(zhState.get(made.member!.code), '有效');
      assert.equal(zhRows.find((row) => row[0] === made.formula!.code)![6], `'${FORMULA_NAME}`, 'formula-like text is still neutralised');
      assert.equal(zhRows.find((row) => row[0] === made.formula!.code)![3], 'referral', 'other values keep their API names');

      const en = await raw(ws.api, 'GET', `${ws.base}/invites/export?format=xlsx&locale=en&state=revoked`, { language: 'zh-CN,zh;q=0.9' });
      assert.match(en.headers.get('content-disposition')!, /filename="invite-codes-2030-05-02\.xlsx"/);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(en.bytes as unknown as ArrayBuffer);
      const sheet = workbook.getWorksheet('Invite codes')!;
      assert.deepEqual((sheet.getRow(1).values as unknown[]).slice(1, 4), ['Code', 'Short link', 'State']);
      assert.deepEqual([sheet.getRow(2).getCell(1).value, sheet.getRow(2).getCell(3).value], [made.revoked!.code, 'revoked']);

      const byDefault = readCsv((await raw(ws.api, 'GET', `${ws.base}/invites/export?state=revoked`, { language: 'zh-TW' })).bytes);
      assert.deepEqual([byDefault[0]![2], byDefault[1]![2]], ['状态', '已撤销'], 'without locale, Accept-Language decides');
      const batch = (await ws.api.post(`${ws.base}/invite-batches`, { count: 1, owner: { userId: 'b1' }, purpose: 'referral' })).body;
      const batchFile = await raw(ws.api, 'GET', `${ws.base}/invite-batches/${batch.id}/export?locale=zh-CN`, { language: 'en' });
      assert.equal(readCsv(batchFile.bytes)[0]![0], '邀请码');
      assert.equal((await ws.api.post(`${ws.base}/invite-batches/${batch.id}/cancel`)).status, 200);
      for (const path of ['/invites/export?locale=fr', `/invite-batches/${batch.id}/export?locale=zh`]) {
        const refused = await ws.api.get(`${ws.base}${path}`);
        assert.equal(refused.status, 400, refused.text);
        assert.deepEqual(refused.body.errors.map((e: any) => [e.in, e.pointer]), [['querystring', '/locale']]);
      }

      const third = await inviteWorkspace(server.url, server.deps, 'enterprise');
      const imported = await upload(third, (await raw(ws.api, 'GET', `${ws.base}/invites/export?locale=zh-CN&ownerUserId=s1`)).bytes);
      assert.equal(imported.status, 201, imported.bytes.toString());
      assert.equal(imported.json.total, 1);
    });

    test('given an upload with an Idempotency-Key, when it is retried, then the first answer comes back and nothing is imported twice; the same key with another file is refused', async () => {
      const third = await inviteWorkspace(server.url, server.deps, 'enterprise');
      const file = `Code,Owner ID\r\n${generateCode(FORMAT)},u-retry\r\n${generateCode(FORMAT)},u-retry\r\n`;
      const key = { 'idempotency-key': `import-${third.workspaceId}` };
      const first = await upload(third, file, 'text/csv', key);
      assert.equal(first.status, 201, first.bytes.toString());
      assert.equal(first.headers.get('idempotent-replayed'), null);
      const retry = await upload(third, file, 'text/csv', key);
      assert.equal(retry.status, 201, retry.bytes.toString());
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(retry.json, first.json);
      assert.equal(await count(third.workspaceId), 2);
      assert.equal((await third.api.get(`${third.base}/invite-batches?kind=import`)).body.items.length, 1);
      // The stored key holds the file's digest, not the file.
      const stored = await server.deps.db.kysely.selectFrom('idempotency_keys').select('request_hash').where('key', '=', key['idempotency-key']).executeTakeFirstOrThrow();
      assert.match(stored.request_hash, /^[0-9a-f]{64}$/);

      const otherFile = `Code,Owner ID\r\n${generateCode(FORMAT)},u-retry\r\n`;
      const reused = await upload(third, otherFile, 'text/csv', key);
      assert.equal(reused.status, 422, reused.bytes.toString());
      assert.equal(reused.json.code, 'idempotency_key_reused');
      assert.equal(await count(third.workspaceId), 2);
      // Without a key a retry is refused whole (the codes exist now) and still imports nothing.
      const unkeyed = await upload(third, file);
      assert.equal(unkeyed.status, 422);
      assert.equal(await count(third.workspaceId), 2);
    });

    test('given a CSV exported here, when it is imported into another workspace, then the codes arrive with owners, purposes, tags, validity and max uses, as one import batch with one event', async () => {
      const exported = await raw(ws.api, 'GET', `${ws.base}/invites/export?format=csv&purpose=tracking`, { language: 'en' });
      const imported = await upload(other, exported.bytes);
      assert.equal(imported.status, 201, imported.bytes.toString());
      const batch = imported.json;
      assert.deepEqual([batch.kind, batch.state, batch.total, batch.generated, batch.settings], ['import', 'done', 1, 1, null]);
      const listed = (await other.api.get(`${other.base}/invites?batchId=${batch.id}`)).body.items;
      assert.equal(listed.length, 1);
      const [copy] = listed;
      assert.equal(copy.code, made.tracking!.code);
      assert.equal(copy.origin, 'import');
      assert.deepEqual(copy.owner, made.tracking!.owner);
      assert.deepEqual(copy.tags, made.tracking!.tags);
      assert.equal(copy.expiresAt, made.tracking!.expiresAt);
      assert.equal(copy.maxUses, 1);
      const events = await server.deps.db.kysely.selectFrom('events').select('type').where('workspace_id', '=', other.workspaceId).where('type', 'like', 'invite.%').execute();
      assert.deepEqual(events.map((e) => e.type), ['invite.batch_completed']);
      // The batch's own export has the code.
      const batchFile = readCsv((await raw(other.api, 'GET', `${other.base}/invite-batches/${batch.id}/export`, { language: 'en' })).bytes);
      assert.deepEqual(batchFile.slice(1).map((row) => row[0]), [made.tracking!.code]);
    });

    test('given a file written by hand in Chinese, when imported, then blank cells take the defaults and each column lands where it belongs', async () => {
      const [a, b, c] = [generateCode(FORMAT), generateCode(FORMAT), generateCode(FORMAT)];
      const memberId = await other.member('李四');
      const campaign = await other.api.post(`${other.base}/invite-campaigns`, { name: '导入活动', startsAt: new Date(clock.now()).toISOString() });
      const file = [
        '邀请码,所有者ID,所有者类型,所有者名称,用途,活动ID,分配对象,最多使用次数,过期时间,短链尾缀,备注',
        `${a.toLowerCase().slice(0, 4)}-${a.slice(4)},u-100,,小明,,,,,,立即领券-${a.slice(0, 4)},无关的列`,
        `${b},${memberId},成员,,campaign,${campaign.body.id},,不限,2031-01-01 00:00:00,,`,
        `${c},u-200,user,,support,,agent:王五,3,2030-12-31T16:00:00+08:00,,`,
      ].join('\r\n');
      const imported = await upload(other, file);
      assert.equal(imported.status, 201, imported.bytes.toString());
      const rows = await server.deps.db.kysely.selectFrom('invites').selectAll().where('batch_id', '=', imported.json.id).orderBy('code').execute();
      const byCode = new Map(rows.map((r) => [r.code, r]));
      assert.deepEqual(
        [byCode.get(a)!.owner_key, byCode.get(a)!.owner_name, byCode.get(a)!.purpose, byCode.get(a)!.max_uses, byCode.get(a)!.expires_at, byCode.get(a)!.link_suffix],
        ['u:u-100', '小明', 'referral', 1, null, `立即领券-${a.slice(0, 4).toLowerCase()}`],
      );
      assert.deepEqual([byCode.get(b)!.owner_type, byCode.get(b)!.owner_name, byCode.get(b)!.campaign_id, byCode.get(b)!.max_uses, byCode.get(b)!.expires_at], ['member', '李四', campaign.body.id, null, Date.UTC(2031, 0, 1)]);
      assert.deepEqual([byCode.get(c)!.routing, byCode.get(c)!.max_uses, byCode.get(c)!.expires_at], [JSON.stringify({ type: 'agent', name: '王五' }), 3, Date.UTC(2030, 11, 31, 8)]);
    });

    test('given a file with bad rows, when imported, then 422 invalid_csv lists every problem by line and column and nothing is written', async () => {
      const good = generateCode(FORMAT);
      const mistyped = `${good.slice(0, -1)}${good.endsWith('2') ? '3' : '2'}`;
      const before = await count(other.workspaceId);
      const batches = (await other.api.get(`${other.base}/invite-batches`)).body.items.length;
      const file = [
        'Code,Owner ID,Owner type,Purpose,Campaign ID,Max uses,Expires at,Tags,Link suffix',
        `${good},u-1,,,,,,,`,
        `${mistyped},u-2,,,,,,,`,
        `${good},u-3,,,,,,,`,
        `${made.tracking!.code},u-4,,,,,,,`,
        `${generateCode(FORMAT)},01ARZ3NDEKTSV4RRFFQ69G5FAV,member,,,,,,`,
        `${generateCode(FORMAT)},u-6,,campaign,,,,,`,
        `${generateCode(FORMAT)},u-7,,,,0,,,`,
        `${generateCode(FORMAT)},u-8,,,,,2020-01-01T00:00:00Z,,`,
        `${generateCode(FORMAT)},u-9,,,,,,color=red,`,
        `${generateCode(FORMAT)},u-10,,,,,,,a b`,
        `${generateCode(FORMAT)},,,,,,,,`,
      ].join('\n');
      const refused = await upload(other, file);
      assert.equal(refused.status, 422, refused.bytes.toString());
      assert.equal(refused.json.code, 'invalid_csv');
      assert.equal(refused.json.reason, 'invalid_rows');
      assert.equal(refused.json.invalidRows, 10);
      const problems = (refused.json.rowErrors as { line: number; column?: string; message: string }[]).map((e) => `${e.line} ${e.column}`);
      assert.deepEqual(problems, ['3 Code', '4 Code', '5 Code', '6 Owner ID', '7 Campaign ID', '8 Max uses', '9 Expires at', '10 Tags', '11 Link suffix', '12 Owner ID']);
      const messages = refused.json.rowErrors.map((e: { message: string }) => e.message).join('\n');
      assert.match(messages, /does not match the others/);
      assert.match(messages, /on line 2 too/);
      assert.match(messages, /has the code .* already/);
      assert.equal(await count(other.workspaceId), before);
      assert.equal((await other.api.get(`${other.base}/invite-batches`)).body.items.length, batches);
    });

    test("given a free workspace, when a file has more rows than the plan's inviteCodesPerBatch (1,000), then 422 too_many_rows names the plan, the limit, the rows and the cap, and nothing is written; 1,000 rows import", async () => {
      const free = await inviteWorkspace(server.url, server.deps, 'free');
      const codes = new Set<string>();
      while (codes.size < 1001) codes.add(generateCode(FORMAT));
      const lines = [...codes].map((code, i) => `${code},u-${i}`);
      const send = (rows: string[]) => free.api.post(`${free.base}/invites/import`, `Code,Owner ID\n${rows.join('\n')}\n`, { 'content-type': 'text/csv' });

      const refused = await send(lines);
      assert.equal(refused.status, 422, refused.text);
      assert.match(refused.headers.get('content-type')!, /^application\/problem\+json/);
      assert.deepEqual([refused.body.code, refused.body.reason, refused.body.rows, refused.body.maxRows], ['invalid_csv', 'too_many_rows', 1001, 1000]);
      assert.deepEqual(refused.body.limit, { name: 'inviteCodesPerBatch', value: 1000, plan: 'free' });
      assert.equal(refused.body.detail, "The file has 1001 rows, which is more than 1000, the most codes one batch may generate on this workspace's plan (free; limit inviteCodesPerBatch)");
      assert.equal(await count(free.workspaceId), 0);
      assert.equal((await free.api.get(`${free.base}/invite-batches`)).body.items.length, 0);

      const imported = await send(lines.slice(0, 1000));
      assert.equal(imported.status, 201, imported.text);
      assert.deepEqual([imported.body.kind, imported.body.total], ['import', 1000]);
      assert.equal(await count(free.workspaceId), 1000);
    });

    test('given files that cannot be read, an oversize file or no CSV at all, then a clear 4xx problem and nothing written', async () => {
      const before = await count(other.workspaceId);
      const cases: [string, Buffer | string, string, number, string, string?][] = [
        ['unclosed quote', 'Code,Owner ID\n"ABC,u-1\n', 'text/csv', 422, 'invalid_csv', 'malformed'],
        ['no code column', 'Owner ID\nu-1\n', 'text/csv', 422, 'invalid_csv', 'missing_columns'],
        ['header only', 'Code,Owner ID\r\n', 'text/csv', 422, 'invalid_csv', 'no_rows'],
        ['GBK bytes', Buffer.from([0xd1, 0xfb, 0xc7, 0xeb, 0xc2, 0xeb, 0x0a]), 'text/csv', 422, 'invalid_csv', 'not_utf8'],
        ['an XLSX', Buffer.from('504b030414000000', 'hex'), 'text/csv', 422, 'invalid_csv', 'not_csv'],
        ['too many rows', `Code,Owner ID\n${'X,u\n'.repeat(50_001)}`, 'text/csv', 422, 'invalid_csv', 'too_many_rows'],
        ['over the size limit', `Code,Owner ID\n${'x'.repeat(IMPORT_MAX_BYTES)}`, 'text/csv', 413, 'payload_too_large'],
        ['JSON', '{}', 'application/json', 415, 'unsupported_media_type'],
        ['plain text', 'Code\nABC', 'text/plain', 415, 'unsupported_media_type'],
      ];
      for (const [name, body, contentType, status, code, reason] of cases) {
        const refused = await upload(other, body, contentType);
        assert.equal(refused.status, status, `${name}: ${refused.bytes.toString().slice(0, 300)}`);
        assert.equal(refused.json?.code, code, name);
        if (reason) assert.equal(refused.json.reason, reason, name);
        if (status === 415) {
          assert.equal(refused.json.detail, `Content-Type "${contentType}" is not read here: send the body as text/csv`, name);
          assert.deepEqual(refused.json.accepted, ['text/csv'], name);
        }
      }
      assert.equal(await count(other.workspaceId), before);
    });
  });
}
