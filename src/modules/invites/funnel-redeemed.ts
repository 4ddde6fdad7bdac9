import type { Executor } from '../../db/index.ts';
import { utcDay } from '../codes/tokens.ts';
import type { RedeemWatch } from './abuse-limits.ts';
import { watchRedemption } from './abuse.ts';
import { addToFunnelDays } from './funnel-days.ts';
import type { InviteRow, RedemptionRow } from './repository.ts';

/**
 * What a redemption adds beyond itself, in its own transaction so the counts are exact: one more
 * redeemed on the code's funnel day, and its abuse counters, which may fire an alert or, when the
 * workspace blocks on alert, refuse it (throwing rolls the whole redemption back, so the counters
 * go first and the funnel day is not touched for nothing).
 */
export async function noteRedemption(tx: Executor, watch: RedeemWatch, invite: InviteRow, redemption: RedemptionRow): Promise<void> {
  await watchRedemption(tx, watch, invite, redemption, redemption.created_at);
  await addToFunnelDays(tx, [{ code: invite, day: utcDay(redemption.created_at), redeemed: 1 }]);
}
