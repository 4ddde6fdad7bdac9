import type { Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import type { Actor } from '../audit/actor.ts';
import { insertAudit } from '../audit/repository.ts';
import { fieldIssue, findCampaign } from '../invites/campaigns.ts';
import type { CampaignRewardRules, Milestones, RewardSettings } from './schema.ts';

/**
 * The seed names the shape of rewards (three milestone tiers at 1 / 3 / 5 invitees, commissions on
 * downline purchases) but no amounts, so a workspace earns nothing until it sets its own. A week
 * of holding covers the usual 7-day no-questions return window (七天无理由退货) before anything is paid.
 */
const DEFAULT_REWARD_SETTINGS: RewardSettings = {
  currency: 'CNY',
  referralDepth: 3,
  holdingDays: 7,
  autoApprove: false,
  referral: { perRedemption: 0, milestones: [], commissionBps: [] },
};

const NO_CAMPAIGN_RULES: CampaignRewardRules = { perRedemption: 0, milestones: [] };

export async function getRewardSettings(db: Executor, workspaceId: string): Promise<RewardSettings> {
  const row = await db.selectFrom('reward_settings').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!row) return DEFAULT_REWARD_SETTINGS;
  return {
    currency: row.currency,
    referralDepth: row.referral_depth,
    holdingDays: row.holding_days,
    autoApprove: row.auto_approve === 1,
    referral: { perRedemption: Number(row.per_redemption), milestones: JSON.parse(row.milestones) as Milestones, commissionBps: JSON.parse(row.commission_bps) as number[] },
  };
}

function checkMilestones(milestones: Milestones, pointer: string): void {
  for (let i = 1; i < milestones.length; i++) {
    if (milestones[i]!.invitees <= milestones[i - 1]!.invitees) throw fieldIssue(pointer, 'must list tiers by strictly rising invitees');
  }
}

/**
 * Replaces the workspace's settings and referral rules. New rules apply to redemptions and
 * purchases from now on; entries already in the ledger keep their amounts and holding periods.
 * The currency cannot change under entries in another one: totals would add up different money.
 */
export async function putRewardSettings(deps: Deps, actor: Actor, workspaceId: string, input: RewardSettings): Promise<RewardSettings> {
  checkMilestones(input.referral.milestones, 'referral/milestones');
  const { commissionBps } = input.referral;
  if (commissionBps.length > input.referralDepth) throw fieldIssue('referral/commissionBps', `has ${commissionBps.length} levels; referralDepth allows ${input.referralDepth}`);
  if (commissionBps.reduce((sum, bps) => sum + bps, 0) > 10_000) throw fieldIssue('referral/commissionBps', 'adds up to more than 10000 basis points (100% of the purchase)');
  const now = deps.clock.now();
  const columns = {
    currency: input.currency,
    referral_depth: input.referralDepth,
    holding_days: input.holdingDays,
    auto_approve: input.autoApprove ? 1 : 0,
    per_redemption: input.referral.perRedemption,
    milestones: JSON.stringify(input.referral.milestones),
    commission_bps: JSON.stringify(commissionBps),
    updated_at: now,
  };
  await deps.db.kysely.transaction().execute(async (tx) => {
    const other = await tx.selectFrom('reward_entries').select('currency').where('workspace_id', '=', workspaceId).where('currency', '!=', input.currency).limit(1).executeTakeFirst();
    if (other) throw new AppError('reward_currency_locked', `The ledger has entries in ${other.currency}; the reward currency stays ${other.currency}`);
    await tx
      .insertInto('reward_settings')
      .values({ workspace_id: workspaceId, ...columns })
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet(columns))
      .execute();
    await insertAudit(tx, actor, { workspaceId, action: 'reward_settings.updated', targetType: 'workspace', targetId: workspaceId, details: input }, now);
  });
  return input;
}

async function mustFindCampaign(db: Executor, workspaceId: string, campaignId: string): Promise<void> {
  if (!(await findCampaign(db, workspaceId, campaignId))) throw new AppError('not_found', 'No such campaign');
}

export async function findCampaignRules(db: Executor, campaignId: string): Promise<CampaignRewardRules> {
  const row = await db.selectFrom('reward_campaign_rules').selectAll().where('campaign_id', '=', campaignId).executeTakeFirst();
  return row ? { perRedemption: Number(row.per_redemption), milestones: JSON.parse(row.milestones) as Milestones } : NO_CAMPAIGN_RULES;
}

export async function getCampaignRules(deps: Deps, workspaceId: string, campaignId: string): Promise<CampaignRewardRules> {
  await mustFindCampaign(deps.db.kysely, workspaceId, campaignId);
  return findCampaignRules(deps.db.kysely, campaignId);
}

/** Replaces a campaign's rules for redemptions of its codes (in the workspace's currency); from now on, as for the workspace's rules. */
export async function putCampaignRules(deps: Deps, actor: Actor, workspaceId: string, campaignId: string, input: CampaignRewardRules): Promise<CampaignRewardRules> {
  checkMilestones(input.milestones, 'milestones');
  const now = deps.clock.now();
  const columns = { per_redemption: input.perRedemption, milestones: JSON.stringify(input.milestones), updated_at: now };
  await deps.db.kysely.transaction().execute(async (tx) => {
    await mustFindCampaign(tx, workspaceId, campaignId);
    await tx
      .insertInto('reward_campaign_rules')
      .values({ campaign_id: campaignId, workspace_id: workspaceId, ...columns })
      .onConflict((oc) => oc.column('campaign_id').doUpdateSet(columns))
      .execute();
    await insertAudit(tx, actor, { workspaceId, action: 'reward_campaign_rules.updated', targetType: 'invite_campaign', targetId: campaignId, details: input }, now);
  });
  return input;
}
