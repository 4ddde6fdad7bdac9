import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import type { BenchContext, BenchEntry } from './lib/context.ts';
import { describeLoad, load, type LoadResult } from './lib/load.ts';
import { processCpuMs } from './lib/process-cpu.ts';
import { Client } from '../test/harness/client.ts';
import { createTestDatabase } from '../test/harness/database.ts';
import { startService, type Service } from '../test/harness/process.ts';

const PASSWORD = 'bench password 12345';
/** Codes with few uses, and concurrent redemptions fired at each of them, for the over-redemption check. */
const RACE_CODES = 20;
const RACE_MAX_USES = 3;
const RACE_PER_CODE = 40;
/**
 * The service sits behind a proxy it trusts, and every request comes from its own address: the
 * API's limit per client address (1,200 a minute) and the per-address redeem limit would otherwise
 * turn this into a benchmark of 429s. What is measured is the redeem path itself.
 */
const BEHIND_PROXY = { TRUST_PROXY: '127.0.0.1' };

let addresses = 0;
/** A fresh address for each request, over many /24 networks (so no network alert fires). */
function nextAddress(): string {
  addresses += 1;
  return `10.${(addresses >> 16) & 255}.${(addresses >> 8) & 255}.${addresses & 255}`;
}

interface Workspace {
  base: string;
  apiKey: string;
}

/** An enterprise workspace (no quota on codes) and an API key with the invite scopes, as an integrator has. */
async function prepareWorkspace(service: Service, email: string): Promise<Workspace> {
  await service.runCli(['create-operator', '--email', email, '--name', 'Bench', '--workspace', 'Bench', '--plan', 'enterprise', '--password', PASSWORD]);
  const owner = new Client(service.url);
  const signedIn = await owner.signIn(email, PASSWORD);
  if (signedIn.status !== 200) throw new Error(`sign-in failed: ${signedIn.text}`);
  const workspaceId = (await owner.get('/api/v1/workspaces')).body.items[0].id as string;
  const base = `/api/v1/workspaces/${workspaceId}`;
  const key = await owner.post(`${base}/api-keys`, { name: 'bench', scopes: ['invites:manage', 'invites:redeem'] });
  if (key.status !== 201) throw new Error(`creating the API key failed: ${key.text}`);
  return { base, apiKey: key.body.secret as string };
}

async function createCode(url: string, ws: Workspace, maxUses: number | null): Promise<{ id: string; code: string }> {
  const client = new Client(url, { apiKey: ws.apiKey });
  const created = await client.post(`${ws.base}/invites`, { owner: { userId: `owner-${randomBytes(4).toString('hex')}` }, purpose: 'referral', validity: 'permanent', maxUses }, { 'x-forwarded-for': nextAddress() });
  if (created.status !== 201) throw new Error(`creating a code failed: ${created.text}`);
  return created.body;
}

/**
 * The standard load on POST …/invites/redeem with an API key: one unlimited referral code, and
 * every request a new redeemer, so each one is a real redemption (use taken, referral edge written
 * after the cycle check, invite.redeemed and funnel/abuse counters in the same transaction), not a
 * replay of the first.
 */
async function redeemLoad(url: string, ws: Workspace, runTag: string): Promise<LoadResult> {
  const code = await createCode(url, ws, null);
  let n = 0;
  return load(`${url}${ws.base}/invites/redeem`, {
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          n += 1;
          return {
            ...request,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${ws.apiKey}`, 'x-forwarded-for': nextAddress() },
            body: JSON.stringify({ code: code.code, redeemer: { userId: `${runTag}-${n}` } }),
          };
        },
      },
    ],
  });
}

/**
 * RACE_CODES codes with RACE_MAX_USES uses each; RACE_PER_CODE different redeemers fire at each at
 * once, spread over the given processes. Returns the successes beyond max uses, by the answers and
 * by the redemption rows (countRows), whichever is larger.
 */
async function race(urls: string[], ws: Workspace, countRows: (inviteIds: string[]) => Promise<Map<string, number>>): Promise<{ over: number; ok: number; extra: string }> {
  const codes = await Promise.all(Array.from({ length: RACE_CODES }, () => createCode(urls[0]!, ws, RACE_MAX_USES)));
  const statuses = await Promise.all(
    codes.flatMap((code, c) =>
      Array.from({ length: RACE_PER_CODE }, async (_, i) => {
        const client = new Client(urls[(c + i) % urls.length]!, { apiKey: ws.apiKey });
        const response = await client.post(`${ws.base}/invites/redeem`, { code: code.code, redeemer: { userId: `racer-${c}-${i}` } }, { 'x-forwarded-for': nextAddress() });
        return { code: code.id, status: response.status, reason: response.status === 200 ? 'ok' : (response.body.code as string) };
      }),
    ),
  );
  const rows = await countRows(codes.map((c) => c.id));
  let over = 0;
  let ok = 0;
  for (const code of codes) {
    const answered = statuses.filter((s) => s.code === code.id && s.status === 200).length;
    ok += answered;
    over += Math.max(0, Math.max(answered, rows.get(code.id) ?? 0) - RACE_MAX_USES);
  }
  const refusals = statuses.filter((s) => s.status !== 200).reduce<Record<string, number>>((tally, s) => ({ ...tally, [s.reason]: (tally[s.reason] ?? 0) + 1 }), {});
  return { over, ok, extra: `${RACE_CODES} codes × ${RACE_PER_CODE} concurrent redeemers, max uses ${RACE_MAX_USES}, ${urls.length} process(es): ${ok} redeemed, refused ${JSON.stringify(refusals)}` };
}

async function sqliteRun(): Promise<{ load: LoadResult; cpuUsPerRedemption: number; race: Awaited<ReturnType<typeof race>> }> {
  const service = await startService(BEHIND_PROXY);
  try {
    const ws = await prepareWorkspace(service, 'bench-redeem@example.com');
    const cpuBefore = processCpuMs(service.pid);
    const result = await redeemLoad(service.url, ws, 'sqlite');
    const cpuUsPerRedemption = ((processCpuMs(service.pid) - cpuBefore) * 1000) / result.total2xx;
    // Read beside the running service (WAL), as a second process would.
    const countRows = async (inviteIds: string[]) => {
      const db = new Database(path.join(service.dataDir, 'db.sqlite'), { readonly: true });
      try {
        const rows = db.prepare(`SELECT invite_id, count(*) AS n FROM invite_redemptions WHERE invite_id IN (${inviteIds.map(() => '?').join(',')}) GROUP BY invite_id`).all(...inviteIds) as { invite_id: string; n: number }[];
        return new Map(rows.map((r) => [r.invite_id, r.n]));
      } finally {
        db.close();
      }
    };
    return { load: result, cpuUsPerRedemption, race: await race([service.url], ws, countRows) };
  } finally {
    await service.stop();
  }
}

/** A fresh PostgreSQL database, two service processes on it: the load on one, the race over both. */
async function postgresRun(): Promise<{ load: LoadResult; race: Awaited<ReturnType<typeof race>> }> {
  const database = await createTestDatabase('postgres');
  const env = { ...BEHIND_PROXY, DATABASE_URL: database.url, SECRET_KEYS: `k1:${randomBytes(32).toString('base64')}` };
  const services: Service[] = [];
  try {
    services.push(await startService(env));
    // The second process starts once the first has migrated the database.
    services.push(await startService({ ...env, JOBS: 'false' }));
    const ws = await prepareWorkspace(services[0]!, 'bench-redeem-pg@example.com');
    const result = await redeemLoad(services[0]!.url, ws, 'pg');
    const countRows = async (inviteIds: string[]) => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ invite_id: string; n: string }>('SELECT invite_id, count(*) AS n FROM invite_redemptions WHERE invite_id = ANY($1) GROUP BY invite_id', [inviteIds]);
        return new Map(rows.map((r) => [r.invite_id, Number(r.n)]));
      } finally {
        await client.end();
      }
    };
    return { load: result, race: await race(services.map((s) => s.url), ws, countRows) };
  } finally {
    for (const service of services) await service.stop();
    await database.drop();
  }
}

/**
 * Redeem throughput on SQLite against the empty route of the same run, redemptions beyond max uses
 * under concurrency (SQLite with one process, PostgreSQL with two), and redeem latency on PostgreSQL.
 */
export default async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const empty = await ctx.baseline();
  const sqlite = await sqliteRun();
  const postgres = await postgresRun();
  return [
    { name: 'redeem.requests_per_sec', unit: 'requests/s', value: sqlite.load.requestsPerSec, extra: `SQLite, ${describeLoad(sqlite.load)}` },
    { name: 'redeem.p50_ms', unit: 'ms', value: sqlite.load.p50Ms },
    { name: 'redeem.p99_ms', unit: 'ms', value: sqlite.load.p99Ms },
    {
      name: 'redeem.service_cpu_us',
      unit: 'µs/redemption',
      value: Math.round(sqlite.cpuUsPerRedemption),
      extra: 'CPU time of the SQLite service process (all threads) during the load, per redemption',
    },
    {
      name: 'redeem.ratio_to_empty_route',
      unit: 'ratio',
      value: sqlite.load.requestsPerSec / empty.requestsPerSec,
      extra: `${sqlite.load.requestsPerSec.toFixed(0)} ÷ ${empty.requestsPerSec.toFixed(0)} requests/s (the empty route, same run)`,
    },
    {
      name: 'redeem.over_redemptions',
      unit: 'redemptions',
      value: sqlite.race.over + postgres.race.over,
      extra: `SQLite: ${sqlite.race.extra}; PostgreSQL: ${postgres.race.extra}`,
    },
    { name: 'redeem.pg_requests_per_sec', unit: 'requests/s', value: postgres.load.requestsPerSec, extra: `PostgreSQL, ${describeLoad(postgres.load)}` },
    { name: 'redeem.pg_p50_ms', unit: 'ms', value: postgres.load.p50Ms },
    { name: 'redeem.pg_p99_ms', unit: 'ms', value: postgres.load.p99Ms },
  ];
}
