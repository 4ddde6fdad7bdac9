import type { LimiterFactory, Limiter, LimitRule } from '../../infra/rate-limits.ts';

/**
 * Limits on redeeming codes that do not exist, per client address and per redeemer, each ending in
 * a lockout (429 locked_out with Retry-After) during which every redeem from that address or
 * redeemer is refused, real codes included, so a guesser cannot confirm a hit.
 *
 * Mistyped codes (the check character does not match) and well-formed unknown codes are counted
 * separately: people mistype honestly, while a well-formed code that does not exist is what a
 * guesser produces once per 32 tries on average, so the second budget is the tighter one. Per
 * address the budgets are larger because an integrator's server redeems for all of its users
 * from one address.
 */
const WINDOW_SECONDS = 15 * 60;
export const GUESSING_RULES = {
  mistypedPerRedeemer: { points: 20, windowSeconds: WINDOW_SECONDS, blockSeconds: WINDOW_SECONDS },
  mistypedPerIp: { points: 200, windowSeconds: WINDOW_SECONDS, blockSeconds: WINDOW_SECONDS },
  unknownPerRedeemer: { points: 10, windowSeconds: WINDOW_SECONDS, blockSeconds: WINDOW_SECONDS },
  unknownPerIp: { points: 100, windowSeconds: WINDOW_SECONDS, blockSeconds: WINDOW_SECONDS },
} as const satisfies Record<string, LimitRule>;

export interface GuessingLimits {
  /** Throws locked_out while the address or the redeemer is locked out by either budget. */
  assertNotLocked(workspaceId: string, ip: string, redeemerId: string): Promise<void>;
  /** Counts a mistyped code; throws locked_out when this one exhausts a budget. */
  countMistyped(workspaceId: string, ip: string, redeemerId: string): Promise<void>;
  /** Counts a well-formed code that does not exist here; throws locked_out when this one exhausts a budget. */
  countUnknown(workspaceId: string, ip: string, redeemerId: string): Promise<void>;
}

export function createGuessingLimits(limiter: LimiterFactory): GuessingLimits {
  const make = (name: keyof typeof GUESSING_RULES): Limiter => limiter(`invite-${name}`, GUESSING_RULES[name], 'locked_out');
  const mistyped = { redeemer: make('mistypedPerRedeemer'), ip: make('mistypedPerIp') };
  const unknown = { redeemer: make('unknownPerRedeemer'), ip: make('unknownPerIp') };
  const keys = (workspaceId: string, ip: string, redeemerId: string) => ({ ip: `${workspaceId}|${ip}`, redeemer: `${workspaceId}|${redeemerId}` });
  return {
    async assertNotLocked(workspaceId, ip, redeemerId) {
      const k = keys(workspaceId, ip, redeemerId);
      await Promise.all([mistyped, unknown].flatMap((budget) => [budget.ip.check(k.ip), budget.redeemer.check(k.redeemer)]));
    },
    async countMistyped(workspaceId, ip, redeemerId) {
      const k = keys(workspaceId, ip, redeemerId);
      await mistyped.ip.consume(k.ip);
      await mistyped.redeemer.consume(k.redeemer);
    },
    async countUnknown(workspaceId, ip, redeemerId) {
      const k = keys(workspaceId, ip, redeemerId);
      await unknown.ip.consume(k.ip);
      await unknown.redeemer.consume(k.redeemer);
    },
  };
}
