import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { decodeCursor, pageLimit, toPage } from '../../http/pagination.ts';
import { Id, WorkspaceAnd, WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { getEntry, listLedger, nameEntries, presentEntry, transitionEntry } from './ledger.ts';
import { getLeaderboard } from './leaderboard.ts';
import { purchaseRoutes } from './purchase-routes.ts';
import { reverseRedemption } from './redemption-rewards.ts';
import { referralRoutes } from './referral-routes.ts';
import {
  ApproveEntry,
  CampaignRewardRules,
  EntryView,
  Leaderboard,
  LeaderboardQuery,
  LedgerPage,
  LedgerQuery,
  PayEntry,
  RedemptionReversalView,
  ReverseEntry,
  RewardSettings,
} from './schema.ts';
import { getCampaignRules, getRewardSettings, putCampaignRules, putRewardSettings } from './settings.ts';

const tags = ['Rewards'];
const EntryParams = WorkspaceAnd('entryId');
const CampaignParams = WorkspaceAnd('campaignId');
const RedemptionParams = Type.Object({ workspaceId: Id, redemptionId: Id }, { additionalProperties: false });
/** Bodies that may be omitted: an empty one means no reference or reason. */
const optionalBody = { preValidation: async (request: { body: unknown }) => void (request.body ??= {}) };

export async function rewardRoutes(app: AppInstance, deps: Deps): Promise<void> {
  await referralRoutes(app, deps);
  await purchaseRoutes(app, deps);

  app.get(
    '/workspaces/:workspaceId/reward-settings',
    {
      config: { access: 'rewards:read' },
      schema: { tags, summary: "The workspace's reward settings and referral program rules", params: WorkspaceParams, response: { 200: RewardSettings } },
    },
    async (request) => getRewardSettings(deps.db.kysely, request.params.workspaceId),
  );

  app.put(
    '/workspaces/:workspaceId/reward-settings',
    {
      config: { access: 'rewards:manage' },
      schema: {
        tags,
        summary: "Replace the workspace's reward settings and referral program rules",
        description:
          'All fields are required. Rules apply to redemptions and purchases from now on; ledger entries keep their amounts and holding periods. Milestone tiers must rise; commissionBps has at most referralDepth levels adding up to at most 10000. The currency cannot change while the ledger has entries in another (409 reward_currency_locked).',
        params: WorkspaceParams,
        body: RewardSettings,
        response: { 200: RewardSettings },
      },
    },
    async (request) => putRewardSettings(deps, request.actor, request.params.workspaceId, request.body),
  );

  app.get(
    '/workspaces/:workspaceId/invite-campaigns/:campaignId/reward-rules',
    {
      config: { access: 'rewards:read' },
      schema: { tags, summary: "A campaign's reward rules for redemptions of its codes", params: CampaignParams, response: { 200: CampaignRewardRules } },
    },
    async (request) => getCampaignRules(deps, request.params.workspaceId, request.params.campaignId),
  );

  app.put(
    '/workspaces/:workspaceId/invite-campaigns/:campaignId/reward-rules',
    {
      config: { access: 'rewards:manage' },
      schema: {
        tags,
        summary: "Replace a campaign's reward rules",
        description: "A reward per redemption of the campaign's codes and milestone tiers by the owner's redemptions in the campaign, in the workspace's currency.",
        params: CampaignParams,
        body: CampaignRewardRules,
        response: { 200: CampaignRewardRules },
      },
    },
    async (request) => putCampaignRules(deps, request.actor, request.params.workspaceId, request.params.campaignId, request.body),
  );

  app.get(
    '/workspaces/:workspaceId/rewards',
    {
      config: { access: 'rewards:read' },
      schema: {
        tags,
        summary: 'The reward ledger, newest first, with totals per state',
        description: 'Filter by state, kind, beneficiary (u:<user id> or m:<member id>), program (referral or a campaign id), orderId and redemptionId. totals count every entry the filters other than state match.',
        params: WorkspaceParams,
        querystring: LedgerQuery,
        response: { 200: LedgerPage },
      },
    },
    async (request) => {
      const { query } = request;
      const limit = pageLimit(query);
      const { rows, totals } = await listLedger(deps, request.params.workspaceId, {
        state: query.state,
        kind: query.kind,
        beneficiaryKey: query.beneficiary,
        scope: query.program,
        orderId: query.orderId,
        redemptionId: query.redemptionId,
        before: decodeCursor(query.cursor),
        limit: limit + 1,
      });
      const { currency } = await getRewardSettings(deps.db.kysely, request.params.workspaceId);
      const page = toPage(rows, limit, presentEntry);
      return { items: await nameEntries(deps.db.kysely, request.params.workspaceId, page.items), nextCursor: page.nextCursor, currency, totals };
    },
  );

  app.get(
    '/workspaces/:workspaceId/rewards/leaderboard',
    {
      config: { access: 'rewards:read' },
      schema: {
        tags,
        summary: 'The top inviters of a campaign or of the referral program',
        description: 'Ranked by live invitees (redemptions not reversed), ties to whoever reached the count first, with the reward amounts of the program (not reversed, and paid). Without campaignId: the referral program.',
        params: WorkspaceParams,
        querystring: LeaderboardQuery,
        response: { 200: Leaderboard },
      },
    },
    async (request) => getLeaderboard(deps, request.params.workspaceId, { campaignId: request.query.campaignId, limit: request.query.limit ?? 10 }),
  );

  app.get(
    '/workspaces/:workspaceId/rewards/:entryId',
    { config: { access: 'rewards:read' }, schema: { tags, summary: 'A reward ledger entry', params: EntryParams, response: { 200: EntryView } } },
    async (request) => getEntry(deps, request.params.workspaceId, request.params.entryId),
  );

  app.post(
    '/workspaces/:workspaceId/rewards/:entryId/approve',
    {
      config: { access: 'rewards:manage' },
      schema: {
        tags,
        summary: 'Approve a pending reward entry',
        description: 'Only pending entries whose holding period is over (409 reward_on_hold before; 409 reward_transition_invalid in any other state). Audited; records reward.approved. The body may be omitted.',
        params: EntryParams,
        body: ApproveEntry,
        response: { 200: EntryView },
      },
      ...optionalBody,
    },
    async (request) => transitionEntry(deps, request.actor, request.params.workspaceId, request.params.entryId, 'approved'),
  );

  app.post(
    '/workspaces/:workspaceId/rewards/:entryId/pay',
    {
      config: { access: 'rewards:manage' },
      schema: {
        tags,
        summary: 'Mark an approved reward entry paid',
        description: 'Only approved entries (409 reward_transition_invalid otherwise); paid is final. Keeps your payment reference. Audited; records reward.paid. The body may be omitted.',
        params: EntryParams,
        body: PayEntry,
        response: { 200: EntryView },
      },
      ...optionalBody,
    },
    async (request) => transitionEntry(deps, request.actor, request.params.workspaceId, request.params.entryId, 'paid', request.body),
  );

  app.post(
    '/workspaces/:workspaceId/rewards/:entryId/reverse',
    {
      config: { access: 'rewards:manage' },
      schema: {
        tags,
        summary: 'Reverse a pending or approved reward entry',
        description: 'Paid and reversed entries cannot be reversed (409 reward_transition_invalid). A reversed milestone tier can be earned again. Audited; records reward.reversed. The body may be omitted.',
        params: EntryParams,
        body: ReverseEntry,
        response: { 200: EntryView },
      },
      ...optionalBody,
    },
    async (request) => transitionEntry(deps, request.actor, request.params.workspaceId, request.params.entryId, 'reversed', request.body),
  );

  app.post(
    '/workspaces/:workspaceId/invite-redemptions/:redemptionId/reverse',
    {
      config: { access: 'rewards:manage' },
      schema: {
        tags,
        summary: 'Reverse a redemption found fraudulent, with the rewards that hang off it',
        description:
          "The redemption stops counting as the code owner's invitee; the entries it created and the milestone tiers the owner no longer reaches are reversed (paid ones are kept and listed). The referral edge stays. Once only (409 redemption_already_reversed). Audited; records invite.redemption_reversed and reward.reversed. The body may be omitted.",
        params: RedemptionParams,
        body: ReverseEntry,
        response: { 200: RedemptionReversalView },
      },
      ...optionalBody,
    },
    async (request) => {
      const { workspaceId } = request.params;
      const reversal = await reverseRedemption(deps, request.actor, workspaceId, request.params.redemptionId, request.body.reason ?? null);
      const entries = await nameEntries(deps.db.kysely, workspaceId, [...reversal.reversed, ...reversal.kept]);
      return { ...reversal, reversed: entries.slice(0, reversal.reversed.length), kept: entries.slice(reversal.reversed.length) };
    },
  );
}
