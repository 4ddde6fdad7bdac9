import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type SqliteDatabase, type Transaction } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config.ts';
import { durableWritesDialect, type StatementSource } from './durable-writes.ts';
import { migrationProvider } from './migrations/index.ts';
import { SqliteReaderDialect } from './sqlite-reader.ts';
import type { Database } from './schema.ts';
import { createWalSync, type WalSync } from './wal-sync.ts';

export type { Database } from './schema.ts';
/** What a repository function takes first: the database or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;
export type Dialect = DatabaseConfig['dialect'];

export interface Db {
  kysely: Kysely<Database>;
  /**
   * For reads on hot paths that may see the last committed state. On SQLite it is a second
   * connection without Kysely's lock: Kysely holds its one connection for a whole transaction,
   * across awaits, so reads on it would queue behind every group-commit batch. WAL lets them run beside it.
   * On PostgreSQL the pool already reads beside writers, so it is the same instance.
   */
  reader: Kysely<Database>;
  /**
   * On SQLite, the connection under `kysely` itself, for connection settings (checkpoints) and, on
   * an in-memory database, the scan batches' statements. Run statements on it only while holding
   * that connection (`kysely.connection()`), so nothing of Kysely's interleaves. Null on PostgreSQL.
   */
  sqlite: SQLite.Database | null;
  /**
   * The sync of an on-disk SQLite database's WAL, shared by everything that commits without its own
   * sync (Kysely's connection, group-commit batches). Null for an in-memory database and PostgreSQL.
   */
  walSync: WalSync | null;
  dialect: Dialect;
  close(): Promise<void>;
}

const PG_INT8 = 20;
const STATEMENT_CACHE_SIZE = 500;
const PG_NUMERIC = 1700;

/**
 * Kysely prepares every query anew; on the scan path preparing cost as much as running. The
 * queries are few and fixed, so each distinct SQL text is prepared once and reused.
 */
export function withStatementCache(sqlite: SQLite.Database): SqliteDatabase & StatementSource {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (!statement) {
        statement = sqlite.prepare(text);
        // Multi-row inserts make texts of many lengths; keep the cache bounded, oldest out first.
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

export function openDatabase(config: DatabaseConfig, options: { poolSize?: number } = {}): Db {
  if (config.dialect === 'sqlite') {
    if (config.file !== ':memory:') mkdirSync(path.dirname(config.file), { recursive: true });
    const sqlite = new SQLite(config.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    if (config.file === ':memory:') {
      const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
      return { kysely, reader: kysely, sqlite, walSync: null, dialect: 'sqlite', close: () => kysely.destroy() };
    }
    // Commits do not sync by themselves: durableWritesDialect answers each write once the WAL is
    // synced off the event loop, so an acknowledged write survives a power cut, as with FULL.
    sqlite.pragma('synchronous = NORMAL');
    const walSync = createWalSync(config.file);
    const kysely = new Kysely<Database>({ dialect: durableWritesDialect(sqlite, withStatementCache(sqlite), walSync) });
    const readConnection = new SQLite(config.file);
    readConnection.pragma('busy_timeout = 5000');
    const reader = new Kysely<Database>({ dialect: new SqliteReaderDialect(withStatementCache(readConnection)) });
    return {
      kysely,
      reader,
      sqlite,
      walSync,
      dialect: 'sqlite',
      close: async () => {
        await reader.destroy();
        await kysely.destroy();
        await walSync.close();
      },
    };
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    max: options.poolSize ?? 10,
    // Times and counts are bigint/numeric in PostgreSQL; every value we store fits a JS number.
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8 || oid === PG_NUMERIC ? Number : pg.types.getTypeParser(oid, format ?? 'text'),
    } as pg.CustomTypesConfig,
  });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { kysely, reader: kysely, sqlite: null, walSync: null, dialect: 'postgres', close: () => kysely.destroy() };
}

/** Runs every pending migration; safe to call from several processes at once (Kysely locks). */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}

/** PostgreSQL chose this transaction as the victim of a deadlock; run again, it usually succeeds. */
export function isDeadlock(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '40P01';
}

/** True when the error is a unique-constraint violation, on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
