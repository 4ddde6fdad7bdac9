import type { Deps } from '../deps.ts';
import type { AppInstance } from './types.ts';

/** Every /api request counts against its client address; shared across processes through Redis. */
export const API_RATE_LIMIT = { points: 1200, windowSeconds: 60 };

export function registerApiRateLimit(app: AppInstance, deps: Deps): void {
  const limiter = deps.limiter('api-ip', API_RATE_LIMIT);
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/api/')) await limiter.consume(request.ip);
  });
}
