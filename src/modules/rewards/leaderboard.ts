import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { findCampaign } from '../invites/campaigns.ts';
import { REFERRAL_SCOPE } from './ledger.ts';
import { lookUpNames, namedParty } from './parties.ts';
import type { Leaderboard } from './schema.ts';
import { getRewardSettings } from './settings.ts';

/**
 * The top owners of a program (a campaign, or the referral program) by live invitees, ties going
 * to whoever reached the count first: a range of the counters' (workspace, scope, invitees,
 * reached_at) index, then the reward sums and latest names of just those owners.
 */
export async function getLeaderboard(deps: Deps, workspaceId: string, query: { campaignId?: string; limit: number }): Promise<Leaderboard> {
  const db = deps.db.kysely;
  let campaign: Leaderboard['campaign'] = null;
  if (query.campaignId !== undefined) {
    const row = await findCampaign(db, workspaceId, query.campaignId);
    if (!row) throw new AppError('not_found', 'No such campaign');
    campaign = { id: row.id, name: row.name };
  }
  const scope = campaign?.id ?? REFERRAL_SCOPE;
  const top = await db
    .selectFrom('reward_counters')
    .select(['party_key', 'invitees'])
    .where('workspace_id', '=', workspaceId)
    .where('scope', '=', scope)
    .where('invitees', '>', 0)
    .orderBy('invitees', 'desc')
    .orderBy('reached_at', 'asc')
    .orderBy('party_key', 'asc')
    .limit(query.limit)
    .execute();
  const keys = top.map((t) => t.party_key);
  const sums =
    keys.length === 0
      ? []
      : await db
          .selectFrom('reward_entries')
          .select((eb) => [
            'beneficiary_key',
            eb.fn.sum<number>(sql`case when state <> 'reversed' then amount else 0 end`).as('reward'),
            eb.fn.sum<number>(sql`case when state = 'paid' then amount else 0 end`).as('paid'),
          ])
          .where('workspace_id', '=', workspaceId)
          .where('beneficiary_key', 'in', keys)
          .where('scope', '=', scope)
          .groupBy('beneficiary_key')
          .execute();
  const { currency } = await getRewardSettings(db, workspaceId);
  const names = await lookUpNames(db, workspaceId, keys);
  return {
    campaign,
    currency,
    items: top.map((t, i) => {
      const sum = sums.find((s) => s.beneficiary_key === t.party_key);
      return { rank: i + 1, party: namedParty(t.party_key, names), invitees: t.invitees, rewardAmount: Number(sum?.reward ?? 0), paidAmount: Number(sum?.paid ?? 0) };
    }),
  };
}
