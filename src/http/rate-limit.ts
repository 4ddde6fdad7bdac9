import type { Deps } from '../deps.ts';
import type { AppInstance } from './types.ts';

/** Every API request counts against its client address; shared across processes through Redis. */
export const API_RATE_LIMIT = { points: 1200, windowSeconds: 60 };

export function registerApiRateLimit(app: AppInstance, deps: Deps): void {
  const limiter = deps.limiter('api-ip', API_RATE_LIMIT);
  app.addHook('onRequest', async (request) => {
    await limiter.consume(request.ip);
  });
}
