import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** One client per process; a command gives up after two retries instead of hanging while Redis is down. */
export function connectRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { enableOfflineQueue: true, maxRetriesPerRequest: 2, lazyConnect: false });
  // ioredis reports every failed reconnect; log when the state changes, not each time.
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) logger.error({ err: error }, 'Redis is unreachable; retrying');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('Redis is reachable again');
    down = false;
  });
  return redis;
}
