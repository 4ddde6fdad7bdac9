import pg from 'pg';
import { Redis } from 'ioredis';

/** PostgreSQL and Redis for tests: DATABASE_URL / REDIS_URL when they name them, else the local defaults. */
export const POSTGRES_URL = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const IN_CI = process.env.CI === 'true';

let lastError = '';

/** Tries for a while: on a busy machine a first connection can time out or find every slot taken. */
async function reachable(check: () => Promise<void>): Promise<boolean> {
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    try {
      await check();
      return true;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      await new Promise((resolve) => setTimeout(resolve, attempt * 500));
    }
  }
  return false;
}

async function probePostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  await client.end();
}

async function probeRedis(): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 5000, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } finally {
    redis.disconnect();
  }
}

function unavailable(what: string, url: string): false {
  const message = `${what} at ${url} is not reachable (${lastError})`;
  // In CI a missing service is a failure, never a quiet skip.
  if (IN_CI) throw new Error(`${message}, and CI=true requires it`);
  process.stderr.write(`\n*** ${message}: its test suites are SKIPPED. Start it to run them. ***\n\n`);
  return false;
}

export const HAS_POSTGRES = (await reachable(probePostgres)) || unavailable('PostgreSQL', POSTGRES_URL);
export const HAS_REDIS = (await reachable(probeRedis)) || unavailable('Redis', REDIS_URL);

export type TestDialect = 'sqlite' | 'postgres';
/** Every suite that touches storage loops over these, as Kysely's own tests do. */
export const DIALECTS: TestDialect[] = HAS_POSTGRES ? ['sqlite', 'postgres'] : ['sqlite'];
