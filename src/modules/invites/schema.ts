import { Type, type Static } from 'typebox';
import { PagedQuery } from '../../http/pagination.ts';
import { ID_PATTERN, Id, Name, NullableTimestamp, Timestamp } from '../../http/schemas.ts';
import { CodeTags } from '../codes/schema.ts';
import { RewardOutcome } from '../rewards/schema.ts';
import { BODY_LENGTH_MAX, BODY_LENGTH_MIN } from './alphabet.ts';

export const PURPOSES = ['referral', 'campaign', 'support', 'tracking'] as const;
export type Purpose = (typeof PURPOSES)[number];
export const INVITE_STATUSES = ['active', 'expired', 'exhausted', 'revoked'] as const;
export type InviteStatus = (typeof INVITE_STATUSES)[number];
/** What a code is now: its status, with a code past its expiry shown as expired before the job marks it, and archived history. */
export const INVITE_STATES = [...INVITE_STATUSES, 'archived'] as const;
export type InviteState = (typeof INVITE_STATES)[number];
/** Seed presets: 72 h (personal), 180 days (enterprise preset), permanent (WeCom), custom (API). */
export const VALIDITY_PRESETS = ['72h', '180d', 'permanent', 'custom'] as const;
export type ValidityPreset = (typeof VALIDITY_PRESETS)[number];
export const CAMPAIGN_STATUSES = ['active', 'paused', 'ended'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const ROUTING_TYPES = ['agent', 'queue'] as const;
/** How a code came to be: created through the API, handed out from the reserve pool, generated in a batch, or imported. */
export const INVITE_ORIGINS = ['api', 'reserve', 'batch', 'import'] as const;
export type InviteOrigin = (typeof INVITE_ORIGINS)[number];

const UserId = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: "The integrator's own user id" });
const MaxUses = Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000_000 }), Type.Null()], { description: 'Successful redemptions allowed; default 1; null = unlimited' });

export const Routing = Type.Object(
  {
    type: Type.Enum(ROUTING_TYPES),
    name: Type.String({ minLength: 1, maxLength: 120, pattern: '\\S', description: 'The agent or queue (工单分配) a redeemer is routed to' }),
  },
  { additionalProperties: false, description: 'Purpose support: required, and returned on redeem; other purposes: not allowed' },
);
export type Routing = Static<typeof Routing>;

export const OwnerInput = Type.Union(
  [
    Type.Object({ memberId: Id }, { additionalProperties: false }),
    Type.Object({ userId: UserId, displayName: Type.Optional(Name) }, { additionalProperties: false }),
  ],
  { description: 'A member of this workspace, or a user of your own system by its id' },
);
export type OwnerInput = Static<typeof OwnerInput>;

export const OwnerView = Type.Object({
  type: Type.Enum(['member', 'user'] as const),
  id: Type.String({ description: 'The member id, or your user id' }),
  displayName: Type.Union([Type.String(), Type.Null()]),
});
export type OwnerView = Static<typeof OwnerView>;

export const InviteView = Type.Object({
  id: Type.String(),
  code: Type.String({ description: 'Upper case, without separators; redeem accepts it in any case, with spaces or dashes' }),
  purpose: Type.Enum(PURPOSES),
  owner: OwnerView,
  campaignId: Type.Union([Type.String(), Type.Null()]),
  routing: Type.Union([Routing, Type.Null()]),
  tags: CodeTags,
  state: Type.Enum(INVITE_STATES),
  status: Type.Enum(INVITE_STATUSES, { description: 'active, or how the code ended; kept when it is archived' }),
  maxUses: Type.Union([Type.Integer(), Type.Null()]),
  uses: Type.Integer(),
  expiresAt: NullableTimestamp,
  endedAt: NullableTimestamp,
  archivedAt: NullableTimestamp,
  revokedReason: Type.Union([Type.String(), Type.Null()]),
  origin: Type.Enum(INVITE_ORIGINS, { description: 'api (created on its own), reserve (handed out from the reserve pool over the quota), batch (generated in a batch), import (from a CSV)' }),
  batchId: Type.Union([Type.String(), Type.Null()], { description: 'The generation or import batch that made it' }),
  linkSuffix: Type.Union([Type.String(), Type.Null()], { description: 'Custom short-link suffix: PUBLIC_URL/i/SUFFIX opens this code too' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type InviteView = Static<typeof InviteView>;

const ValidityFields = {
  validity: Type.Enum(VALIDITY_PRESETS, { description: '72h (default), 180d, permanent, or custom with expiresAt' }),
  expiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'With validity custom only: when the code expires (in the future)' })),
};

export const NewInvite = Type.Object(
  {
    owner: OwnerInput,
    purpose: Type.Enum(PURPOSES, {
      description: 'referral (师徒关系: redeeming links inviter → invitee), campaign (eligibility for a campaign), support (routes to an agent or queue), tracking (channel tags)',
    }),
    campaignId: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'Required for purpose campaign, and only then' })),
    routing: Type.Optional(Routing),
    tags: Type.Optional(CodeTags),
    validity: Type.Optional(ValidityFields.validity),
    expiresAt: ValidityFields.expiresAt,
    maxUses: Type.Optional(MaxUses),
  },
  { additionalProperties: false },
);
export type NewInvite = Static<typeof NewInvite>;

export const ExtendInvite = Type.Object(ValidityFields, { additionalProperties: false });
export type ExtendInvite = Static<typeof ExtendInvite>;

export const RevokeInvite = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500, description: 'Kept in the audit log and the invite.revoked event' })) },
  { additionalProperties: false },
);
export type RevokeInvite = Static<typeof RevokeInvite>;

/** The list's filters: GET …/invites and its export take them as query parameters, bulk revoke as its body's filter. */
export const InviteFilterFields = {
  state: Type.Optional(Type.Enum(INVITE_STATES)),
  ownerMemberId: Type.Optional(Id),
  ownerUserId: Type.Optional(UserId),
  purpose: Type.Optional(Type.Enum(PURPOSES)),
  campaignId: Type.Optional(Id),
  batchId: Type.Optional(Id),
  code: Type.Optional(
    Type.String({ minLength: 1, maxLength: 100, description: 'Part of the code, as an operator types it: any case, spaces and dashes ignored (as on redeem); codes containing it match' }),
  ),
};
const InviteFilterBody = Type.Object(InviteFilterFields, {
  additionalProperties: false,
  minProperties: 1,
  description: 'The filters of GET …/invites (at least one): every code they list',
});
export type InviteFilterInput = Static<typeof InviteFilterBody>;

export const InviteQuery = PagedQuery(InviteFilterFields);
export type InviteQuery = Static<typeof InviteQuery>;

/** The most codes one bulk revoke may name by id. */
export const BULK_REVOKE_MAX_IDS = 1000;

export const BulkRevoke = Type.Object(
  {
    ids: Type.Optional(
      Type.Array(Id, { minItems: 1, maxItems: BULK_REVOKE_MAX_IDS, uniqueItems: true, description: `Invite code ids of this workspace, up to ${BULK_REVOKE_MAX_IDS.toLocaleString('en')}, each once` }),
    ),
    filter: Type.Optional(InviteFilterBody),
    batchId: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'Every code a batch (generated or imported) made; a batch still generating is refused: cancel it first' })),
    reason: Type.Optional(Type.String({ maxLength: 500, description: 'Kept in the audit log and in each invite.revoked event (or, run in the background, in its invite.bulk_revoked event)' })),
  },
  { additionalProperties: false, description: 'Name the codes one way: ids, filter or batchId' },
);
export type BulkRevoke = Static<typeof BulkRevoke>;

export const BulkRevokeResult = Type.Object({
  matched: Type.Integer({ description: 'Codes the selection named' }),
  revoked: Type.Integer({ description: 'Codes revoked by this request (active, expired or used up before)' }),
  alreadyEnded: Type.Integer({ description: 'Codes of the selection that were revoked already, or archived history: left as they were' }),
});
export type BulkRevokeResult = Static<typeof BulkRevokeResult>;

export const Redeem = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 100, description: 'As the person typed it: any case, spaces and dashes are ignored' }),
    redeemer: Type.Object({ userId: UserId, displayName: Type.Optional(Name) }, { additionalProperties: false, description: 'The user redeeming, by your own user id' }),
    device: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, pattern: '^[!-~]+$', description: 'A device id of the redeemer (visible ASCII, no spaces), kept with the redemption; redeems per device are rate-limited' }),
    ),
    client: Type.Optional(
      Type.Object(
        {
          ip: Type.Optional(Type.Union([Type.String({ format: 'ipv4' }), Type.String({ format: 'ipv6' })], { description: "The redeemer's IP address; default: the request's (after TRUST_PROXY)" })),
          userAgent: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: "The redeemer's User-Agent; bots are reported (invite.abuse_suspected)" })),
        },
        { additionalProperties: false, description: 'The redeemer as your front end saw them, for the rate limits and abuse alerts; not stored except the network prefix' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type Redeem = Static<typeof Redeem>;

export const Redemption = Type.Object({
  redemptionId: Type.String(),
  inviteId: Type.String(),
  code: Type.String(),
  purpose: Type.Enum(PURPOSES),
  owner: OwnerView,
  campaign: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  routing: Type.Union([Routing, Type.Null()], { description: 'For support codes: the agent or queue to route the redeemer to' }),
  tags: CodeTags,
  redeemer: Type.Object({ userId: Type.String(), displayName: Type.Union([Type.String(), Type.Null()]) }),
  redeemedAt: Timestamp,
  reward: RewardOutcome,
  replayed: Type.Boolean({ description: 'True when this redeemer had already redeemed the code: this is that first redemption again' }),
});
export type Redemption = Static<typeof Redemption>;

export const InviteSettings = Type.Object(
  {
    alphabet: Type.String({ minLength: 1, maxLength: 64, description: 'Characters of the random part: letters and 2–9 without 0/O/1/I/l; 16, 32 or an odd number from 17 to 31 of them' }),
    bodyLength: Type.Integer({ minimum: BODY_LENGTH_MIN, maximum: BODY_LENGTH_MAX, description: 'Random characters per code (a check character follows)' }),
    prefix: Type.String({ maxLength: 8, pattern: '^[A-Za-z0-9]*$', description: 'Fixed text before the random part (stored in upper case)' }),
    suffix: Type.String({ maxLength: 8, pattern: '^[A-Za-z0-9]*$', description: 'Fixed text after the check character (stored in upper case)' }),
    retentionDays: Type.Integer({ minimum: 7, maximum: 3650, description: 'Days after a code ended (it is archived after 7) until it is purged; default 183 (6 months)' }),
    expiringLeadHours: Type.Integer({ minimum: 1, maximum: 8760, description: 'How long before expiry invite.expiring is sent; default 24' }),
  },
  { additionalProperties: false },
);
export type InviteSettings = Static<typeof InviteSettings>;

const CampaignName = Type.String({ minLength: 1, maxLength: 120, pattern: '\\S' });
const PerRedeemerLimit = Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()], {
  description: "How many of the campaign's codes one redeemer may redeem; null = no limit",
});

export const CampaignView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  startsAt: Timestamp,
  endsAt: NullableTimestamp,
  status: Type.Enum(CAMPAIGN_STATUSES),
  perRedeemerLimit: Type.Union([Type.Integer(), Type.Null()]),
  running: Type.Boolean({ description: 'Active and now between startsAt and endsAt: its codes can be redeemed' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type CampaignView = Static<typeof CampaignView>;

export const NewCampaign = Type.Object(
  {
    name: CampaignName,
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    startsAt: Timestamp,
    endsAt: Type.Optional(Type.Union([Timestamp, Type.Null()], { description: 'After startsAt; null or absent = open-ended' })),
    status: Type.Optional(Type.Enum(['active', 'paused'] as const, { description: 'Default active' })),
    perRedeemerLimit: Type.Optional(PerRedeemerLimit),
  },
  { additionalProperties: false },
);
export type NewCampaign = Static<typeof NewCampaign>;

export const CampaignChanges = Type.Object(
  {
    name: Type.Optional(CampaignName),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    startsAt: Type.Optional(Timestamp),
    endsAt: Type.Optional(Type.Union([Timestamp, Type.Null()])),
    status: Type.Optional(Type.Enum(CAMPAIGN_STATUSES, { description: 'Pause, resume, or end for good' })),
    perRedeemerLimit: Type.Optional(PerRedeemerLimit),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type CampaignChanges = Static<typeof CampaignChanges>;
