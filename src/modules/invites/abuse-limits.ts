import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import type { Limiter } from '../../infra/rate-limits.ts';
import { getAbuseSettings, type AbuseSettings } from './abuse-settings.ts';

const DAY_SECONDS = 24 * 3600;

/** Who is redeeming, as far as the abuse rules see them. */
export interface RedeemClient {
  /** The redeemer's address: client.ip from the body, else the request's (after TRUST_PROXY). */
  ip: string;
  /** client.userAgent from the body; the request's own User-Agent is the caller's server or console, not the redeemer's. */
  userAgent: string | null;
  device: string | null;
}

/** What the redeeming transaction needs to count the redemption against the alert thresholds. */
export interface RedeemWatch {
  settings: AbuseSettings;
  userAgent: string | null;
}

export interface RedeemLimits {
  /**
   * Reads the workspace's abuse settings and counts one redeem request against its per-address and
   * per-device limits (every request, refused ones included); throws 429 rate_limited with
   * Retry-After when one is used up. Returns what the redemption's transaction watches.
   */
  admit(workspaceId: string, client: RedeemClient): Promise<RedeemWatch>;
}

/**
 * Per-address and per-device limits on redeem requests, over 24 hours, in memory or in Redis
 * (shared by all processes) as every rate limit. The limit is per workspace, so each distinct
 * limit value gets its own limiter; changing a workspace's limit starts its counts afresh.
 */
export function createRedeemLimits(deps: Deps): RedeemLimits {
  const limiters = new Map<string, Limiter>();
  const limiterFor = (dimension: 'ip' | 'device', points: number): Limiter => {
    const name = `invite-redeem-${dimension}-${points}`;
    let limiter = limiters.get(name);
    if (!limiter) {
      limiter = deps.limiter(name, { points, windowSeconds: DAY_SECONDS }, 'rate_limited');
      limiters.set(name, limiter);
    }
    return limiter;
  };
  const consume = async (dimension: 'ip' | 'device', points: number, key: string, what: string): Promise<void> => {
    try {
      await limiterFor(dimension, points).consume(key);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const retryAfterSeconds = Number(error.extensions.retryAfterSeconds);
      throw new AppError('rate_limited', `${what} made ${points} redeem requests within 24 hours, the workspace's limit; try again in ${retryAfterSeconds} s`, {
        limit: dimension,
        retryAfterSeconds,
      });
    }
  };
  return {
    async admit(workspaceId, client) {
      const settings = await getAbuseSettings(deps.db.reader, workspaceId);
      if (settings.redeemsPerIpPerDay !== null) await consume('ip', settings.redeemsPerIpPerDay, `${workspaceId}|${client.ip}`, 'This address');
      if (settings.redeemsPerDevicePerDay !== null && client.device !== null) {
        await consume('device', settings.redeemsPerDevicePerDay, `${workspaceId}|${client.device}`, 'This device');
      }
      return { settings, userAgent: client.userAgent };
    },
  };
}
