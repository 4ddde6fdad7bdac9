import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { buildApp } from '../../src/app.ts';
import type { Clock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import type { Deps } from '../../src/deps.ts';
import type { AppInstance } from '../../src/http/types.ts';
import { closeRuntime, openRuntime } from '../../src/runtime.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { REDIS_URL, type TestDialect } from './env.ts';

export interface TestServer {
  url: string;
  app: AppInstance;
  deps: Deps;
  database: TestDatabase;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  redis?: boolean;
  clock?: Clock;
  env?: Record<string, string>;
}

export const TEST_SECRET_KEYS = `k1:${randomBytes(32).toString('base64')}`;

/** The real application on a free port of 127.0.0.1, with its own fresh database. */
export async function startTestServer(dialect: TestDialect, options: TestServerOptions = {}): Promise<TestServer> {
  const database = await createTestDatabase(dialect);
  const config = loadConfig({
    DATABASE_URL: database.url,
    DATA_DIR: database.dataDir,
    SECRET_KEYS: TEST_SECRET_KEYS,
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...(options.redis ? { REDIS_URL } : {}),
    ...options.env,
  });
  const deps = await openRuntime(config, { logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), clock: options.clock });
  const app = await buildApp(deps);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    deps,
    database,
    stop: async () => {
      await app.close();
      await closeRuntime(deps);
      await database.drop();
    },
  };
}
