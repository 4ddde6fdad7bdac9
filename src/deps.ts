import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Db } from './db/index.ts';
import type { LimiterFactory } from './infra/rate-limits.ts';

/** What services need from the outside world; built once by the server, replaced in tests. */
export interface Deps {
  config: Config;
  db: Db;
  clock: Clock;
  redis: Redis | null;
  limiter: LimiterFactory;
  logger: Logger;
}
