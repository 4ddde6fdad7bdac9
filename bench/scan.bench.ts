import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchContext, BenchEntry } from './lib/context.ts';
import { describeLoad, load } from './lib/load.ts';
import { processCpuMs } from './lib/process-cpu.ts';
import { Client } from '../test/harness/client.ts';
import { spawnServer, startService } from '../test/harness/process.ts';

const PASSWORD = 'bench password 12345';

/** An enterprise workspace (no daily scan cap), a hosted group and a code; returns the code's URL. */
async function prepareCode(url: string, runCli: (args: string[]) => Promise<unknown>): Promise<{ scanUrl: string; codeId: string }> {
  await runCli(['create-operator', '--email', 'bench@example.com', '--name', 'Bench', '--workspace', 'Bench', '--plan', 'enterprise', '--password', PASSWORD]);
  const client = new Client(url);
  const signedIn = await client.signIn('bench@example.com', PASSWORD);
  if (signedIn.status !== 200) throw new Error(`sign-in failed: ${signedIn.text}`);
  const workspaceId = (await client.get('/api/v1/workspaces')).body.items[0].id as string;
  const group = await client.post(`/api/v1/workspaces/${workspaceId}/groups`, { kind: 'hosted', name: '基准测试 1群', valueStatement: '扫码入群领资料' });
  const code = await client.post(`/api/v1/workspaces/${workspaceId}/codes`, { groupId: group.body.id, name: 'Bench poster', tags: { channel: 'bench' } });
  if (code.status !== 201) throw new Error(`creating the code failed: ${code.text}`);
  return { scanUrl: code.body.url as string, codeId: code.body.id as string };
}

/** What the landing page weighs on the wire: its body's size and the headers the floor repeats. */
async function measurePage(target: string): Promise<{ bytes: number; headers: Record<string, string> }> {
  const response = await fetch(target);
  const bytes = Buffer.byteLength(await response.text());
  if (response.status !== 200) throw new Error(`the scan page answered ${response.status}`);
  // Node sets these per connection and per answer, for the floor as for the service.
  const perAnswer = new Set(['connection', 'content-length', 'date', 'keep-alive', 'transfer-encoding']);
  return { bytes, headers: Object.fromEntries([...response.headers].filter(([name]) => !perAnswer.has(name))) };
}

/** The same load on bench/fixtures/durable-floor-server.ts, serving a page like the real one. */
async function loadFloor(page: { bytes: number; headers: Record<string, string> }) {
  const tempDir = mkdtempSync(path.join(tmpdir(), 'joincode-floor-'));
  const env = { DATA_DIR: tempDir, PAGE_BYTES: String(page.bytes), PAGE_HEADERS: JSON.stringify(page.headers) };
  const floor = await spawnServer({ args: ['bench/fixtures/durable-floor-server.ts'], env, readyPath: '/', tempDir });
  try {
    return await load(`${floor.url}/j/token`);
  } finally {
    await floor.stop();
  }
}

/**
 * GET /j/TOKEN for a valid code: the landing page, with the scan recorded durably (group commit)
 * before each response. Events lost = 2xx answers that have no scan row once the service stopped.
 * Requests still in flight when the load ends are recorded but never counted as answered, so the
 * rows may outnumber the 2xx answers; that surplus is not a loss.
 */
export default async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const empty = await ctx.baseline();
  const service = await startService();
  let scan;
  let codeId: string;
  let cpuUsPerScan: number;
  let page;
  try {
    const prepared = await prepareCode(service.url, (args) => service.runCli(args));
    codeId = prepared.codeId;
    // The code's URL is built from PUBLIC_URL; aim the load at this process on loopback.
    const target = new URL(new URL(prepared.scanUrl).pathname, service.url).toString();
    page = await measurePage(target);
    const cpuBefore = processCpuMs(service.pid);
    scan = await load(target);
    cpuUsPerScan = ((processCpuMs(service.pid) - cpuBefore) * 1000) / (scan.total2xx + scan.non2xx);
  } finally {
    await service.stop({ keepData: true });
  }
  const db = new Database(path.join(service.dataDir, 'db.sqlite'), { readonly: true });
  let recorded: number;
  try {
    recorded = (db.prepare("SELECT count(*) AS n FROM scans WHERE code_id = ? AND outcome = 'ok'").get(codeId) as { n: number }).n;
  } finally {
    db.close();
    service.removeData();
  }
  const floor = await loadFloor(page);
  return [
    { name: 'scan.requests_per_sec', unit: 'requests/s', value: scan.requestsPerSec, extra: describeLoad(scan) },
    { name: 'scan.p50_ms', unit: 'ms', value: scan.p50Ms },
    { name: 'scan.p99_ms', unit: 'ms', value: scan.p99Ms },
    { name: 'scan.service_cpu_us', unit: 'µs/scan', value: Math.round(cpuUsPerScan), extra: 'CPU time of the service process (all threads) during the load, per answered scan' },
    { name: 'scan.ratio_to_empty_route', unit: 'ratio', value: scan.requestsPerSec / empty.requestsPerSec },
    { name: 'scan.events_lost', unit: 'events', value: Math.max(0, scan.total2xx - recorded), extra: `${scan.total2xx} 2xx, ${recorded} scans recorded` },
    { name: 'scan.peak_rss_mb', unit: 'MB', value: service.peakRssMb() },
    { name: 'scan.floor.requests_per_sec', unit: 'requests/s', value: floor.requestsPerSec, extra: `durable-floor-server.ts, ${page.bytes}-byte page: ${describeLoad(floor)}` },
    { name: 'scan.floor.ratio_to_empty_route', unit: 'ratio', value: floor.requestsPerSec / empty.requestsPerSec },
    { name: 'scan.ratio_to_floor', unit: 'ratio', value: scan.requestsPerSec / floor.requestsPerSec },
  ];
}
