import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import { migrateToLatest, openDatabase, type Db } from '../../src/db/index.ts';
import type { Deps } from '../../src/deps.ts';
import { limiterFactory } from '../../src/infra/rate-limits.ts';
import { createTestDatabase } from './database.ts';
import type { TestDialect } from './env.ts';

/** A clock the test moves by hand. */
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

/** Services without HTTP: a fresh migrated database of the dialect, a fake clock, and Deps around them. */
export async function openHarness(dialect: TestDialect, options: { start?: number; env?: Record<string, string> } = {}): Promise<Harness> {
  const database = await createTestDatabase(dialect);
  const config = loadConfig({
    DATA_DIR: database.dataDir,
    DATABASE_URL: database.url,
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
      await database.drop();
    },
  };
}
