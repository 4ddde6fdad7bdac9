import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { rasterise } from '../src/modules/codes/render/raster.ts';
import { operator } from './harness/factories.ts';
import { Client } from './harness/client.ts';
import { startTestServer, type TestServer } from './harness/server.ts';

const ZBARIMG = '/usr/bin/zbarimg';
const missing = !existsSync(ZBARIMG);
if (missing && process.env.CI === 'true') throw new Error('zbarimg (Debian zbar-tools) is required under CI=true');
if (missing) process.stderr.write('\n*** zbarimg is missing (apt-get install zbar-tools): the QR decoding test is SKIPPED ***\n\n');

describe('QR images decode with an independent decoder (zbarimg)', { skip: missing ? 'zbarimg missing' : false }, () => {
  let server: TestServer;
  let owner: Awaited<ReturnType<typeof operator>>;
  let code: { id: string; url: string; checkCode: string };
  const dir = mkdtempSync(path.join(tmpdir(), 'joincode-qr-'));

  before(async () => {
    server = await startTestServer('sqlite');
    owner = await operator(server.url, server.deps);
    const group = await owner.client.post(`/api/v1/workspaces/${owner.workspaceId}/groups`, { kind: 'hosted', name: '春季训练营 1群', valueStatement: '扫码入群领资料' });
    code = (await owner.client.post(`/api/v1/workspaces/${owner.workspaceId}/codes`, { groupId: group.body.id, name: 'Poster A' })).body;
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function decode(query: string, route = 'qr'): Promise<string> {
    const response = await fetch(`${server.url}/api/v1/workspaces/${owner.workspaceId}/codes/${code.id}/${route}?${query}`, {
      headers: { cookie: owner.client.auth.cookie! },
    });
    assert.equal(response.status, 200, await response.clone().text());
    assert.equal(response.headers.get('content-type'), 'image/png');
    const file = path.join(dir, `${query.replace(/[^a-z0-9]/gi, '_')}.png`);
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    return execFileSync(ZBARIMG, ['--raw', '-q', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  }

  for (const query of ['format=png', 'format=png&caption=false&size=256&margin=2', 'format=png&dark=%230a3d91&light=%23fff8e1&errorCorrection=H', 'format=png&size=1024']) {
    test(`given ${query}, when the PNG is decoded, then it yields the code's URL, which serves the landing page`, async () => {
      const decoded = await decode(query);
      assert.equal(decoded, code.url);
      const landing = await new Client(server.url).get(new URL(decoded).pathname);
      assert.equal(landing.status, 200);
      assert.match(landing.text, /春季训练营 1群/);
      assert.match(landing.text, new RegExp(code.checkCode));
    });
  }

  test('given a centre logo, when the PNG is decoded, then it still yields the URL; a fake logo is refused', async () => {
    const base = `/api/v1/workspaces/${owner.workspaceId}/codes/${code.id}/qr`;
    const logoPng = await rasterise('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle cx="32" cy="32" r="30" fill="#e4393c"/><text x="32" y="42" font-size="28" text-anchor="middle" fill="#fff">群</text></svg>', 128);
    const logo = `data:image/png;base64,${logoPng.toString('base64')}`;
    const response = await fetch(`${server.url}${base}`, {
      method: 'POST',
      headers: { cookie: owner.client.auth.cookie!, 'x-csrf-token': owner.client.auth.csrfToken!, 'content-type': 'application/json' },
      body: JSON.stringify({ format: 'png', size: 600, logo }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    const file = path.join(dir, 'with-logo.png');
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    assert.equal(execFileSync(ZBARIMG, ['--raw', '-q', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(), code.url);
    const fake = await owner.client.post(base, { logo: `data:image/png;base64,${Buffer.from('not an image').toString('base64')}` });
    assert.equal(fake.status, 400);
    assert.match(fake.body.detail, /PNG or JPEG/);
  });

  test('given the printable poster, when its PNG is decoded, then it yields the same URL', async () => {
    for (const locale of ['zh-CN', 'en']) assert.equal(await decode(`format=png&locale=${locale}`, 'poster'), code.url);
    const pdf = await owner.client.get(`/api/v1/workspaces/${owner.workspaceId}/codes/${code.id}/poster?format=pdf&locale=en`);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    assert.ok(pdf.text.startsWith('%PDF-'));
  });

  test('given an SVG, then it is self-contained, escapes the caption and carries the check code', async () => {
    const svg = await owner.client.get(`/api/v1/workspaces/${owner.workspaceId}/codes/${code.id}/qr?format=svg`);
    assert.equal(svg.status, 200);
    assert.match(svg.headers.get('content-type') ?? '', /^image\/svg\+xml/);
    assert.match(svg.text, new RegExp(code.checkCode));
    assert.doesNotMatch(svg.text, /href="http/);
  });

  test('given unreadable colours or sizes, when asked, then 400 with a clear reason', async () => {
    const base = `/api/v1/workspaces/${owner.workspaceId}/codes/${code.id}/qr`;
    const lowContrast = await owner.client.get(`${base}?dark=%23cccccc&light=%23ffffff`);
    assert.equal(lowContrast.status, 400);
    assert.match(lowContrast.body.detail, /contrast/);
    const inverted = await owner.client.get(`${base}?dark=%23ffffff&light=%23000000`);
    assert.equal(inverted.status, 400);
    assert.match(inverted.body.detail, /darker/);
    assert.equal((await owner.client.get(`${base}?size=10`)).status, 400);
    assert.equal((await owner.client.get(`${base}?dark=red`)).status, 400);
  });
});
