import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { decodeCursor, PagedQuery, pageLimit, PageOf, toPage } from '../../http/pagination.ts';
import { NoContent, WorkspaceAnd, WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { createRedeemLimits } from './abuse-limits.ts';
import { revokeInvites } from './bulk-revoke.ts';
import { listBulkRevokes, mustFindBulkRevoke, presentBulkRevoke } from './bulk-revoke-background.ts';
import { BulkRevokeQuery, BulkRevokeView } from './bulk-revoke-schema.ts';
import { createCampaign, deleteCampaign, getCampaign, listCampaigns, presentCampaign, updateCampaign } from './campaigns.ts';
import { createGuessingLimits } from './guessing.ts';
import { createRedeemer } from './redeem.ts';
import { inviteFilterOf } from './repository.ts';
import {
  BULK_REVOKE_MAX_IDS,
  BulkRevoke,
  BulkRevokeResult,
  CAMPAIGN_STATUSES,
  CampaignChanges,
  CampaignView,
  ExtendInvite,
  InviteQuery,
  InviteSettings,
  InviteView,
  NewCampaign,
  NewInvite,
  Redeem,
  Redemption,
  RevokeInvite,
} from './schema.ts';
import { createInvite, extendInvite, getInvite, listInvites, presentInvite, revokeInvite } from './service.ts';
import { getInviteSettings, putInviteSettings } from './settings.ts';

const tags = ['Invite codes'];
const InviteParams = WorkspaceAnd('inviteId');
const BulkRevokeParams = WorkspaceAnd('bulkRevokeId');
const CampaignParams = WorkspaceAnd('campaignId');
const CampaignQuery = PagedQuery({
  status: Type.Optional(Type.Enum(CAMPAIGN_STATUSES)),
});

export async function inviteRoutes(app: AppInstance, deps: Deps): Promise<void> {
  const guessing = createGuessingLimits(deps.limiter);
  const redeemLimits = createRedeemLimits(deps);
  const redeemer = createRedeemer(deps, guessing);
  app.addHook('onClose', async () => redeemer.close());

  app.get(
    '/workspaces/:workspaceId/invites',
    {
      config: { access: 'invites:read' },
      schema: {
        tags,
        summary: 'List invite codes, newest first',
        description:
          'Filter by state (active, expired, exhausted, revoked, archived), owner (ownerMemberId, or ownerUserId: your user id), purpose, campaignId, batchId and code (part of a code as typed: any case, spaces and dashes ignored; anything but letters and digits left over is 400). GET …/invites/export and POST …/invites/bulk-revoke take the same filters.',
        params: WorkspaceParams,
        querystring: InviteQuery,
        response: { 200: PageOf(InviteView) },
      },
    },
    async (request) => {
      const { query } = request;
      const limit = pageLimit(query);
      const rows = await listInvites(deps, request.params.workspaceId, { ...inviteFilterOf(query), before: decodeCursor(query.cursor), limit: limit + 1 });
      const now = deps.clock.now();
      return toPage(rows, limit, (row) => presentInvite(row, now));
    },
  );

  app.post(
    '/workspaces/:workspaceId/invites',
    {
      config: { access: 'invites:manage', idempotent: true },
      schema: {
        tags,
        summary: 'Create an invite code for an owner',
        description:
          "The code is random from the workspace's alphabet with a check character. Validity 72h (default), 180d, permanent or custom (expiresAt); maxUses 1 (default), N or null (unlimited). Counts against the owner's daily quota (the plan's inviteCodesPerOwnerPerDay, UTC days): over it, 429 invite_quota_exceeded.",
        params: WorkspaceParams,
        body: NewInvite,
        response: { 201: InviteView },
      },
    },
    async (request, reply) => reply.status(201).send(await createInvite(deps, request.actor, request.params.workspaceId, request.body)),
  );

  app.post(
    '/workspaces/:workspaceId/invites/redeem',
    {
      config: { access: 'invites:redeem', idempotent: true },
      schema: {
        tags,
        summary: 'Redeem an invite code for a user',
        description:
          'Atomic and idempotent: the same redeemer redeeming the same code again gets the first redemption back (replayed: true), and an Idempotency-Key replays the whole first response. Never more successful redemptions than maxUses. Refusals: 422 invite_code_mistyped (did you mistype?), 404 invite_code_unknown / invite_code_other_workspace, 410 invite_expired / invite_revoked, 409 invite_exhausted, 403 invite_campaign_not_running, 409 invite_campaign_limit_reached, 422 invite_self_referral / invite_referral_cycle, 409 invite_already_referred, 429 locked_out after too many mistyped or unknown codes, 429 rate_limited over the per-address or per-device limit, 429 invite_redemptions_held while the workspace blocks on an abuse alert. Pass client { ip, userAgent } as your front end received them: limits, network alerts and bot detection are about the redeemer, not your server.',
        params: WorkspaceParams,
        body: Redeem,
        response: { 200: Redemption },
      },
    },
    async (request) => {
      const { workspaceId } = request.params;
      const { body } = request;
      const ip = body.client?.ip ?? request.ip;
      const watch = await redeemLimits.admit(workspaceId, { ip, userAgent: body.client?.userAgent ?? null, device: body.device ?? null });
      return redeemer.redeem({ workspaceId, body, ip, watch });
    },
  );

  const inlineMax = deps.config.inviteBulkRevokeMax.toLocaleString('en');
  app.post(
    '/workspaces/:workspaceId/invites/bulk-revoke',
    {
      config: { access: 'invites:manage', idempotent: true },
      schema: {
        tags,
        summary: 'Revoke many invite codes in one audited action',
        description: `Name the codes one way: ids (up to ${BULK_REVOKE_MAX_IDS.toLocaleString('en')} of this workspace's codes; an unknown one is 400 naming /ids/N), filter (the filters of GET …/invites, at least one), or batchId (every code a batch made; 404 for another workspace's, 409 invite_batch_running while it still generates: cancel it first). Up to ${inlineMax} codes (INVITE_BULK_REVOKE_MAX), 200 when done, all or nothing in one transaction: each code not yet revoked (active, expired or used up) is revoked with invite.revoked as POST …/invites/{inviteId}/revoke records it; codes already revoked and archived ones are left as they are and counted in alreadyEnded. One audit entry (invite.bulk_revoked) names the selection, the reason and the counts. A filter or batch naming more codes (an enterprise batch of a million) answers 202 with a bulk revoke and its Location: a background job revokes the codes in chunks (resuming after a restart; the codes revoked stay revoked if it fails) and GET …/invite-bulk-revokes/{bulkRevokeId} shows its status and counts. It revokes the codes the selection matched at the request (codes created later are left alone), and writes one audit entry invite.bulk_revoked (the counts and the bulkRevokeId) and one invite.bulk_revoked event when it ends, instead of an invite.revoked per code: a million events would take longer than the revoke and flood webhooks. While one runs, the same selection again is 409 invite_bulk_revoke_running with its bulkRevokeId. Honours Idempotency-Key (a retry gets the first answer again, the same bulk revoke included).`,
        params: WorkspaceParams,
        body: BulkRevoke,
        response: { 200: BulkRevokeResult, 202: BulkRevokeView },
      },
    },
    async (request, reply) => {
      const { workspaceId } = request.params;
      const answer = await revokeInvites(deps, request.actor, workspaceId, request.body);
      if (answer.status === 200) return answer.body;
      return reply.status(202).header('location', `/api/v1/workspaces/${workspaceId}/invite-bulk-revokes/${answer.body.id}`).send(answer.body);
    },
  );

  app.get(
    '/workspaces/:workspaceId/invite-bulk-revokes',
    {
      config: { access: 'invites:read' },
      schema: {
        tags,
        summary: 'List bulk revokes run in the background, newest first',
        description: 'Those a 202 of POST …/invites/bulk-revoke started. status=active lists those still queued or running, to pick their progress up again.',
        params: WorkspaceParams,
        querystring: BulkRevokeQuery,
        response: { 200: PageOf(BulkRevokeView) },
      },
    },
    async (request) => {
      const limit = pageLimit(request.query);
      const rows = await listBulkRevokes(deps.db.reader, request.params.workspaceId, { status: request.query.status, before: decodeCursor(request.query.cursor), limit: limit + 1 });
      return toPage(rows, limit, presentBulkRevoke);
    },
  );

  app.get(
    '/workspaces/:workspaceId/invite-bulk-revokes/:bulkRevokeId',
    {
      config: { access: 'invites:read' },
      schema: {
        tags,
        summary: 'A bulk revoke running in the background, and its progress',
        description: 'The status (queued, running, succeeded, failed), the codes matched at the request and those revoked or found ended so far. Poll it until succeeded or failed.',
        params: BulkRevokeParams,
        response: { 200: BulkRevokeView },
      },
    },
    async (request) => presentBulkRevoke(await mustFindBulkRevoke(deps.db.reader, request.params.workspaceId, request.params.bulkRevokeId)),
  );

  app.get(
    '/workspaces/:workspaceId/invites/:inviteId',
    { config: { access: 'invites:read' }, schema: { tags, summary: 'An invite code with its state and uses', params: InviteParams, response: { 200: InviteView } } },
    async (request) => getInvite(deps, request.params.workspaceId, request.params.inviteId),
  );

  app.post(
    '/workspaces/:workspaceId/invites/:inviteId/extend',
    {
      config: { access: 'invites:manage' },
      schema: {
        tags,
        summary: "Move an invite code's expiry later",
        description: 'The new expiry counts from now (72h, 180d), is a later custom expiresAt, or permanent. An expired code becomes active again; exhausted, revoked and archived codes cannot be extended. Audited; records invite.extended.',
        params: InviteParams,
        body: ExtendInvite,
        response: { 200: InviteView },
      },
    },
    async (request) => extendInvite(deps, request.actor, request.params.workspaceId, request.params.inviteId, request.body),
  );

  app.post(
    '/workspaces/:workspaceId/invites/:inviteId/revoke',
    {
      config: { access: 'invites:manage' },
      schema: {
        tags,
        summary: 'Revoke an invite code for good',
        description: 'Redeeming it is refused from now on (410 invite_revoked). Revoking a revoked code changes nothing. Audited; records invite.revoked. The body may be omitted.',
        params: InviteParams,
        body: RevokeInvite,
        response: { 200: InviteView },
      },
      // An empty body means no reason.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => revokeInvite(deps, request.actor, request.params.workspaceId, request.params.inviteId, request.body),
  );

  app.get(
    '/workspaces/:workspaceId/invite-settings',
    { config: { access: 'invites:read' }, schema: { tags, summary: "The workspace's invite code format and lifecycle settings", params: WorkspaceParams, response: { 200: InviteSettings } } },
    async (request) => getInviteSettings(deps.db.kysely, request.params.workspaceId),
  );

  app.put(
    '/workspaces/:workspaceId/invite-settings',
    {
      config: { access: 'invites:manage' },
      schema: {
        tags,
        summary: "Replace the workspace's invite code settings",
        description: 'All fields are required. A new format applies to codes created afterwards; issued codes keep working. An alphabet with ambiguous or repeated characters, fewer than 16 characters, or a size without a check-character construction is refused with 422 invite_alphabet_invalid.',
        params: WorkspaceParams,
        body: InviteSettings,
        response: { 200: InviteSettings },
      },
    },
    async (request) => putInviteSettings(deps, request.actor, request.params.workspaceId, request.body),
  );

  app.get(
    '/workspaces/:workspaceId/invite-campaigns',
    {
      config: { access: 'invites:read' },
      schema: { tags, summary: 'List invite campaigns, newest first', params: WorkspaceParams, querystring: CampaignQuery, response: { 200: PageOf(CampaignView) } },
    },
    async (request) => {
      const limit = pageLimit(request.query);
      const rows = await listCampaigns(deps, request.params.workspaceId, { status: request.query.status, before: decodeCursor(request.query.cursor), limit: limit + 1 });
      const now = deps.clock.now();
      return toPage(rows, limit, (row) => presentCampaign(row, now));
    },
  );

  app.post(
    '/workspaces/:workspaceId/invite-campaigns',
    {
      config: { access: 'invites:manage', idempotent: true },
      schema: {
        tags,
        summary: 'Create an invite campaign',
        description: "Codes of purpose campaign belong to one; they redeem only while it is active and between startsAt and endsAt, and at most perRedeemerLimit times per user across the campaign's codes.",
        params: WorkspaceParams,
        body: NewCampaign,
        response: { 201: CampaignView },
      },
    },
    async (request, reply) => reply.status(201).send(await createCampaign(deps, request.actor, request.params.workspaceId, request.body)),
  );

  app.get(
    '/workspaces/:workspaceId/invite-campaigns/:campaignId',
    { config: { access: 'invites:read' }, schema: { tags, summary: 'An invite campaign', params: CampaignParams, response: { 200: CampaignView } } },
    async (request) => getCampaign(deps, request.params.workspaceId, request.params.campaignId),
  );

  app.patch(
    '/workspaces/:workspaceId/invite-campaigns/:campaignId',
    {
      config: { access: 'invites:manage' },
      schema: { tags, summary: 'Edit, pause, resume or end an invite campaign', description: 'An ended campaign stays ended.', params: CampaignParams, body: CampaignChanges, response: { 200: CampaignView } },
    },
    async (request) => updateCampaign(deps, request.actor, request.params.workspaceId, request.params.campaignId, request.body),
  );

  app.delete(
    '/workspaces/:workspaceId/invite-campaigns/:campaignId',
    {
      config: { access: 'invites:manage' },
      schema: {
        tags,
        summary: 'Delete an invite campaign without codes',
        description: 'A campaign that codes refer to (archived ones included) is refused with 409 invite_campaign_in_use: end it instead.',
        params: CampaignParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await deleteCampaign(deps, request.actor, request.params.workspaceId, request.params.campaignId);
      return reply.status(204).send(null);
    },
  );
}
