import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { loadConfig, type Config } from '../../config.ts';
import { migrateToLatest, openDatabase, type Db } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { limiterFactory } from '../../infra/rate-limits.ts';

/**
 * Test harness for the jobs and webhooks tests: one real, migrated database per dialect, a clock
 * the test moves by hand, and Deps built around them. PostgreSQL tests run when the server at
 * TEST_PG_URL (default postgres://127.0.0.1:5432/test) answers; each harness gets a throwaway
 * database of its own there.
 */
export const DIALECTS = ['sqlite', 'postgres'] as const;
export type TestDialect = (typeof DIALECTS)[number];

const PG_ADMIN_URL = withUser(process.env.TEST_PG_URL ?? 'postgres://127.0.0.1:5432/test');

// libpq falls back to the OS user when the URL names none; node-postgres needs it spelled out.
function withUser(raw: string): string {
  const url = new URL(raw);
  if (!url.username) url.username = process.env.PGUSER ?? userInfo().username;
  return url.toString();
}

export class FakeClock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface Harness {
  deps: Deps;
  clock: FakeClock;
  /** Another connection pool on the same database, as a second process would have. */
  openAnother(): Db;
  close(): Promise<void>;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

let pgReachable: Promise<boolean> | undefined;
/** A reason to skip the PostgreSQL variant, or false to run it. */
export async function skipReason(dialect: TestDialect): Promise<string | false> {
  if (dialect === 'sqlite') return false;
  pgReachable ??= adminQuery('select 1').then(
    () => true,
    () => false,
  );
  return (await pgReachable) ? false : `PostgreSQL not reachable at ${PG_ADMIN_URL}`;
}

export async function openHarness(dialect: TestDialect, options: { start?: number; env?: Record<string, string> } = {}): Promise<Harness> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'jc-test-'));
  let databaseUrl = path.join(dataDir, 'test.sqlite');
  let dropDatabase = async () => {};
  if (dialect === 'postgres') {
    const name = `jc_t_${randomBytes(6).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  const config: Config = loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    SECRET_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    ...options.env,
  });
  const db = openDatabase(config.database);
  await migrateToLatest(db.kysely);
  const clock = new FakeClock(options.start ?? Date.UTC(2030, 0, 1));
  const deps: Deps = { config, db, clock, redis: null, limiter: limiterFactory(null), logger: pino({ level: 'silent' }) };
  const others: Db[] = [];
  return {
    deps,
    clock,
    openAnother() {
      const other = openDatabase(config.database);
      others.push(other);
      return other;
    },
    async close() {
      await Promise.all([db, ...others].map((d) => d.close()));
      await dropDatabase();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
