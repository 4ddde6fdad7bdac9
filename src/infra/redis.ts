import { Redis } from 'ioredis';

/** One client per process; a command gives up after two retries instead of hanging while Redis is down. */
export function connectRedis(url: string): Redis {
  return new Redis(url, { enableOfflineQueue: true, maxRetriesPerRequest: 2, lazyConnect: false });
}
