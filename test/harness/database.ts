import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Migrator } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { openDatabase, type Db } from '../../src/db/index.ts';
import { migrationProvider } from '../../src/db/migrations/index.ts';
import { POSTGRES_URL, type TestDialect } from './env.ts';

export interface TestDatabase {
  /** DATABASE_URL for this test's own database. */
  url: string;
  /** A scratch directory for DATA_DIR. */
  dataDir: string;
  drop(): Promise<void>;
}

async function adminQuery(text: string, values: unknown[] = []): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Drops a test database once its connections are gone. A closed pg pool hangs up without
 * waiting, and a DROP … WITH (FORCE) that catches a connection still hanging up makes that
 * client emit an error nobody listens to any more.
 */
async function dropPostgresDatabase(name: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    const [row] = (await adminQuery('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name])) as { n: number }[];
    if (row?.n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** A fresh, empty database of the dialect: a SQLite file, or a new PostgreSQL database. */
export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'joincode-test-'));
  if (dialect === 'sqlite') {
    return { url: path.join(dataDir, 'joincode.sqlite'), dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `jc_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dataDir,
    drop: async () => {
      await dropPostgresDatabase(name);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The test database opened as the service opens it and migrated up to `migration` only, for tests
 * that fill it as an older version would and then run the migrations after it.
 */
export async function openDatabaseAt(database: TestDatabase, migration: string): Promise<Db> {
  const config = loadConfig({ DATA_DIR: database.dataDir, DATABASE_URL: database.url, SECRET_KEYS: `k1:${randomBytes(32).toString('base64')}` });
  const db = openDatabase(config.database);
  const { error } = await new Migrator({ db: db.kysely, provider: migrationProvider }).migrateTo(migration);
  if (error) throw error;
  return db;
}
