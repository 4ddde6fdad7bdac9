import pino, { type Logger } from 'pino';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import { migrateToLatest, openDatabase } from './db/index.ts';
import type { Deps } from './deps.ts';
import { limiterFactory } from './infra/rate-limits.ts';
import { connectRedis } from './infra/redis.ts';

/** Opens what the configuration names (database, Redis) and migrates the database. */
export async function openRuntime(config: Config, options: { logger?: Logger; clock?: Clock } = {}): Promise<Deps> {
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'joincode' } });
  const db = openDatabase(config.database);
  const applied = await migrateToLatest(db.kysely);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  const redis = config.redisUrl ? connectRedis(config.redisUrl, logger) : null;
  return { config, db, clock: options.clock ?? systemClock, redis, limiter: limiterFactory(redis), logger };
}

export async function closeRuntime(deps: Deps): Promise<void> {
  await deps.db.close();
  if (deps.redis) await deps.redis.quit().catch(() => deps.redis?.disconnect());
}
