/**
 * Table types for Kysely. Conventions that hold on SQLite and PostgreSQL alike: ids are ULID
 * text, times are epoch milliseconds (bigint), flags are integers 0/1 and structured values are
 * JSON text. Each module owns its tables; other modules go through its service.
 */
export interface Database {
  workspaces: WorkspaceTable;
  staff: StaffTable;
  memberships: MembershipTable;
  sessions: SessionTable;
  staff_invitations: StaffInvitationTable;
  api_keys: ApiKeyTable;
  audit_log: AuditLogTable;
  events: EventTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
  jobs: JobTable;
  idempotency_keys: IdempotencyKeyTable;
  mail_outbox: MailOutboxTable;
  groups: GroupTable;
}

export interface WorkspaceTable {
  id: string;
  name: string;
  plan: string;
  /** JSON PlanLimits: the plan's defaults as edited for this workspace. */
  limits: string;
  created_at: number;
  updated_at: number;
}

export interface StaffTable {
  id: string;
  email: string;
  display_name: string;
  password_hash: string;
  locale: string | null;
  created_at: number;
  updated_at: number;
}

export interface MembershipTable {
  workspace_id: string;
  staff_id: string;
  role: string;
  created_at: number;
}

export interface SessionTable {
  /** SHA-256 of the cookie's token: a leaked database row cannot be replayed as a cookie. */
  id: string;
  staff_id: string;
  csrf_token: string;
  ip: string;
  user_agent: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface StaffInvitationTable {
  id: string;
  workspace_id: string;
  email: string;
  role: string;
  token_hash: string;
  invited_by: string;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  revoked_at: number | null;
}

export interface ApiKeyTable {
  id: string;
  workspace_id: string;
  name: string;
  /** Shown in lists so a person can tell keys apart; the secret itself is never stored. */
  prefix: string;
  secret_hash: string;
  scopes: string;
  ip_allow_list: string;
  created_by: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AuditLogTable {
  id: string;
  workspace_id: string | null;
  actor_type: string;
  actor_id: string | null;
  actor_label: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: string;
  ip: string | null;
  request_id: string | null;
  created_at: number;
}

export interface EventTable {
  id: string;
  workspace_id: string | null;
  type: string;
  payload: string;
  created_at: number;
  dispatched_at: number | null;
}

export interface WebhookEndpointTable {
  id: string;
  workspace_id: string;
  url: string;
  description: string;
  event_types: string;
  secret: string;
  status: string;
  failing_since: number | null;
  disabled_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookDeliveryTable {
  id: string;
  workspace_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: string;
  attempt_count: number;
  /** Attempts in the current series; a manual replay starts a new series. */
  series_attempts: number;
  next_attempt_at: number | null;
  locked_until: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookAttemptTable {
  id: string;
  delivery_id: string;
  attempted_at: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  response_excerpt: string | null;
}

export interface JobTable {
  id: string;
  name: string;
  payload: string;
  status: string;
  run_at: number;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  finished_at: number | null;
}

export interface IdempotencyKeyTable {
  scope: string;
  key: string;
  request_hash: string;
  status_code: number | null;
  response_body: string | null;
  created_at: number;
}

export interface MailOutboxTable {
  id: string;
  workspace_id: string | null;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  status: string;
  error: string | null;
  created_at: number;
  sent_at: number | null;
}


export interface GroupTable {
  id: string;
  workspace_id: string;
  /** hosted | external */
  kind: string;
  name: string;
  description: string;
  /** The operator's promise shown on the landing page (seed: "扫码入群领资料"). */
  value_statement: string;
  welcome_text: string;
  /** A data: URL (PNG or JPEG), small enough to inline into the landing page. */
  avatar: string | null;
  capacity: number;
  /** Kept in step with joins and leaves, so routing decides by actual membership. */
  member_count: number;
  /** External groups: which platform the group lives on, and its join link if it has one. */
  platform: string | null;
  join_url: string | null;
  /** active | archived */
  status: string;
  created_at: number;
  updated_at: number;
}
