import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError, type ErrorCode } from '../errors.ts';

export interface LimitRule {
  /** How many points may be used per window. */
  points: number;
  windowSeconds: number;
  /** Once exhausted, refuse for this long (a lockout) instead of until the window ends. */
  blockSeconds?: number;
}

export interface Limiter {
  /** Uses points for key; throws AppError(code) with Retry-After once exhausted. */
  consume(key: string, points?: number): Promise<void>;
  /** Throws if key is currently exhausted, without using a point. */
  check(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

export type LimiterFactory = (name: string, rule: LimitRule, code?: ErrorCode) => Limiter;

function refusal(code: ErrorCode, res: RateLimiterRes): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new AppError(code, `Try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
}

function wrap(limiter: RateLimiterAbstract, rule: LimitRule, code: ErrorCode): Limiter {
  return {
    async consume(key, points = 1) {
      try {
        await limiter.consume(key, points);
      } catch (error) {
        if (error instanceof RateLimiterRes) throw refusal(code, error);
        throw error;
      }
    },
    async check(key) {
      const res = await limiter.get(key);
      if (res && res.consumedPoints >= rule.points && res.msBeforeNext > 0) throw refusal(code, res);
    },
    async reset(key) {
      await limiter.delete(key);
    },
  };
}

/**
 * Rate limits live in memory in the embedded mode and in Redis when REDIS_URL is set, so every
 * process of a scale-out deployment counts against the same budget.
 */
export function limiterFactory(redis: Redis | null): LimiterFactory {
  return (name, rule, code = 'rate_limited') => {
    const options = {
      keyPrefix: `jc:rl:${name}`,
      points: rule.points,
      duration: rule.windowSeconds,
      blockDuration: rule.blockSeconds ?? 0,
    };
    const limiter = redis ? new RateLimiterRedis({ ...options, storeClient: redis }) : new RateLimiterMemory(options);
    return wrap(limiter, rule, code);
  };
}
