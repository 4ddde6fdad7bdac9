/** Shapes of the joincode REST API (base /api/v1) that the console reads and writes. */
import type { Static } from 'typebox';
import type { BatchState, BatchView } from '../../../src/modules/invites/batch-schema.ts';
import type { BulkRevokeView } from '../../../src/modules/invites/bulk-revoke-schema.ts';
import type { FunnelStage, FunnelView } from '../../../src/modules/invites/funnel-schema.ts';
import type { BulkRevokeResult, CampaignStatus, CampaignView, InviteState, InviteView, OwnerView, Purpose, ValidityPreset } from '../../../src/modules/invites/schema.ts';
import type { ShortLinkView } from '../../../src/modules/invites/short-links-schema.ts';
import type {
  CampaignRewardRules as CampaignRewardRulesSchema,
  Downline as DownlineSchema,
  EntryKind,
  EntryState,
  EntryView,
  Leaderboard as LeaderboardSchema,
  LedgerPage as LedgerPageSchema,
  PartyView,
  RewardSettings as RewardSettingsSchema,
  Upline as UplineSchema,
} from '../../../src/modules/rewards/schema.ts';
import type { EntryStatus, RoutingRule, UnusableReason } from '../../../src/modules/live-codes/routing.ts';

export type Role = 'owner' | 'admin' | 'moderator' | 'analyst';
export type Plan = 'free' | 'pro' | 'enterprise';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Staff {
  id: string;
  email: string;
  displayName: string;
  locale: string;
}

export interface WorkspaceMembership {
  id: string;
  name: string;
  plan: Plan;
  role: Role;
}

export interface Session {
  staff: Staff;
  csrfToken: string;
  workspaces: WorkspaceMembership[];
}

export interface PlanLimits {
  maxCodeValidityHours: number | null;
  scansPerCodePerDay: number | null;
  memberCapPerGroup: number;
  inviteCodesPerOwnerPerDay: number | null;
  inviteCodesPerBatch: number;
  apiAccess: boolean;
}

export interface PlanDefaults {
  plan: Plan;
  limits: PlanLimits;
}

export interface Workspace {
  id: string;
  name: string;
  plan: Plan;
  limits: PlanLimits;
  createdAt: string;
  updatedAt: string;
}

export interface StaffMember {
  staffId: string;
  email: string;
  displayName: string;
  role: Role;
  joinedAt: string;
}

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  status: InvitationStatus;
  createdAt: string;
  expiresAt: string;
}

export interface InvitationPreview {
  workspaceName: string;
  email: string;
  role: Role;
  accountExists: boolean;
  expiresAt: string;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  ipAllowList: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface EventType {
  type: string;
  description: string;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  status: 'active' | 'disabled';
  failingSince: string | null;
  disabledAt: string | null;
  createdAt: string;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
}

export interface DeliveryAttempt {
  id: string;
  attemptedAt: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number | null;
  responseExcerpt: string | null;
}

export interface AuditEntry {
  id: string;
  actorType: 'staff' | 'api_key' | 'system';
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: unknown;
  ip: string | null;
  requestId: string | null;
  createdAt: string;
}

export type MailStatus = 'development' | 'queued' | 'sent' | 'failed';

export interface Mail {
  id: string;
  to: string;
  subject: string;
  text: string;
  status: MailStatus;
  error: string | null;
  createdAt: string;
  sentAt: string | null;
}

export type GroupKind = 'hosted' | 'external';
export const PLATFORMS = ['wechat', 'wecom', 'dingtalk', 'feishu', 'qq', 'telegram', 'discord', 'whatsapp', 'line', 'other'] as const;
export type Platform = (typeof PLATFORMS)[number];

export interface Group {
  id: string;
  kind: GroupKind;
  name: string;
  description: string;
  valueStatement: string;
  welcomeText: string;
  avatar: string | null;
  capacity: number;
  memberCount: number;
  platform: Platform | null;
  joinUrl: string | null;
  status: 'active' | 'archived';
  createdAt: string;
  updatedAt: string;
}

export const ROTATIONS = ['none', 'weekly', 'monthly', 'quarterly'] as const;
export type Rotation = (typeof ROTATIONS)[number];
export const TAG_KEYS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term', 'channel'] as const;
export type CodeTags = Partial<Record<(typeof TAG_KEYS)[number], string>>;
export type CodeState = 'active' | 'paused' | 'revoked' | 'expired' | 'not_yet_active' | 'ended' | 'daily_cap_reached' | 'total_cap_reached';

export type CodeKind = 'group' | 'live';

/** A join code (kind `group`) or the code of a live code (kind `live`, no group). */
export interface JoinCode {
  id: string;
  kind: CodeKind;
  groupId: string | null;
  name: string;
  status: 'active' | 'paused' | 'revoked';
  state: CodeState;
  url: string;
  checkCode: string;
  tokenIssuedAt: string;
  expiresAt: string | null;
  validityHours: number | null;
  rotation: Rotation;
  nextRotationAt: string | null;
  scansPerDayCap: number | null;
  scansTotalCap: number | null;
  scansToday: number;
  scansTotal: number;
  joinsPerHourCap: number | null;
  activeFrom: string | null;
  activeUntil: string | null;
  passwordRequired: boolean;
  tags: CodeTags;
  createdAt: string;
  updatedAt: string;
  revokedAt: string | null;
}

export interface CodeStats {
  days: { day: string; scans: number; admitted: number; joins: number }[];
  channels: { channel: string; scans: number; joins: number }[];
  totals: { scans: number; admitted: number; joins: number; stillMembers: number };
}

export interface CodeRevoked extends JoinCode {
  affectedMembers: number;
}

export const BLAST_RADIUS_ACTIONS = ['review', 'remove'] as const;
export type BlastRadiusAction = (typeof BLAST_RADIUS_ACTIONS)[number];

// Live codes (活码). The lists of rules, reasons and user-agent apps are the server's own
// (dependency-free modules), so the console cannot offer a value the API would refuse.
export { ENTRY_STATUSES, ROUTING_RULES, UNUSABLE_REASONS, type EntryStatus, type RoutingRule, type UnusableReason } from '../../../src/modules/live-codes/routing.ts';
export { USER_AGENT_APPS, type UserAgentApp } from '../../../src/modules/scans/user-agent.ts';

export type PoolState = 'ok' | 'low' | 'empty';

export interface GroupTemplate {
  namePattern: string;
  description?: string;
  valueStatement?: string;
  welcomeText?: string;
  avatar?: string;
  capacity?: number;
  adminIds?: string[];
}

export interface LiveCodeEntry {
  id: string;
  position: number;
  kind: 'group' | 'link';
  groupId: string | null;
  /** Group entries: the hosted group now. */
  group: { name: string; status: string; memberCount: number; capacity: number } | null;
  groupNumber: number | null;
  source: 'image' | 'url' | null;
  /** Link entries: the decoded QR payload, or the join URL. */
  payload: string | null;
  label: string;
  platform: Platform | null;
  audience: string[] | null;
  latitude: number | null;
  longitude: number | null;
  region: string | null;
  scans: number;
  scanThreshold: number | null;
  expiresAt: string | null;
  status: EntryStatus;
  retiredReason: 'threshold' | 'expired' | null;
  usable: boolean;
  unusableReason: UnusableReason | null;
  remindedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface LiveCode {
  /** The code id: QR, poster, reset, revoke and stats are at /codes/{id}. */
  id: string;
  name: string;
  code: JoinCode;
  rule: RoutingRule;
  template: GroupTemplate | null;
  nextGroupNumber: number;
  scanThreshold: number;
  entryValidityHours: number | null;
  poolState: PoolState;
  usableEntries: number;
  entries: LiveCodeEntry[];
  createdAt: string;
  updatedAt: string;
}

// Invite codes, campaigns, batches, short links, the funnel, the referral graph and rewards: the
// server's own response schemas as types (type-only imports, erased from the bundle), so the
// console's shapes follow the API's. The value lists below are checked against them both ways.
export type { BatchState, CampaignStatus, EntryKind, EntryState, FunnelStage, InviteState, Purpose, ValidityPreset };
export type Invite = InviteView;
export type InviteOwner = OwnerView;
export type BulkRevoked = BulkRevokeResult;
/** A bulk revoke too large for one request, running in the background (the 202 answer). */
export type BulkRevoke = BulkRevokeView;
export type Campaign = CampaignView;
export type InviteBatch = BatchView;
export type ShortLink = ShortLinkView;
export type Funnel = FunnelView;
export type Party = PartyView;
export type RewardEntry = EntryView;
export type LedgerPage = Static<typeof LedgerPageSchema>;
export type RewardSettings = RewardSettingsSchema;
export type CampaignRewardRules = CampaignRewardRulesSchema;
export type Downline = DownlineSchema;
export type Upline = UplineSchema;
export type Leaderboard = LeaderboardSchema;

/** Every member of a union, in order: the object must name each member and nothing else. */
function membersOf<T extends string>(all: Record<T, true>): T[] {
  return Object.keys(all) as T[];
}

export const PURPOSES = membersOf<Purpose>({ referral: true, campaign: true, support: true, tracking: true });
export const INVITE_STATES = membersOf<InviteState>({ active: true, expired: true, exhausted: true, revoked: true, archived: true });
export const VALIDITY_PRESETS = membersOf<ValidityPreset>({ '72h': true, '180d': true, permanent: true, custom: true });
export const CAMPAIGN_STATUSES = membersOf<CampaignStatus>({ active: true, paused: true, ended: true });
export const BATCH_STATES = membersOf<BatchState>({ queued: true, running: true, done: true, failed: true, cancelled: true });
export const ENTRY_STATES = membersOf<EntryState>({ pending: true, approved: true, paid: true, reversed: true });
export const ENTRY_KINDS = membersOf<EntryKind>({ redemption: true, milestone: true, commission: true });
export const FUNNEL_STAGES = membersOf<FunnelStage>({ shown: true, clicked: true, redeemed: true, activeNextDay: true, activeDay7: true });
