/** Shapes of the joincode REST API (base /api/v1) that the console reads and writes. */

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

export interface JoinCode {
  id: string;
  groupId: string;
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
