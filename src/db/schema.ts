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
  codes: CodeTable;
  scans: ScanTable;
  code_scan_days: CodeScanDayTable;
  members: MemberTable;
  group_members: GroupMemberTable;
  member_sessions: MemberSessionTable;
  email_codes: EmailCodeTable;
  integration_secrets: IntegrationSecretTable;
  live_codes: LiveCodeTable;
  live_code_entries: LiveCodeEntryTable;
  group_admins: GroupAdminTable;
  invite_settings: InviteSettingsTable;
  invite_campaigns: InviteCampaignTable;
  invites: InviteTable;
  invite_quota_days: InviteQuotaDayTable;
  invite_redemptions: InviteRedemptionTable;
  invite_campaign_redeemers: InviteCampaignRedeemerTable;
  referral_edges: ReferralEdgeTable;
  reward_settings: RewardSettingsTable;
  reward_campaign_rules: RewardCampaignRulesTable;
  reward_counters: RewardCounterTable;
  purchases: PurchaseTable;
  purchase_attributions: PurchaseAttributionTable;
  purchase_refunds: PurchaseRefundTable;
  reward_entries: RewardEntryTable;
  redemption_reversals: RedemptionReversalTable;
  invite_batches: InviteBatchTable;
  invite_bulk_revokes: InviteBulkRevokeTable;
  invite_reserve: InviteReserveTable;
  invite_reserve_settings: InviteReserveSettingsTable;
  invite_link_settings: InviteLinkSettingsTable;
  invite_click_days: InviteClickDayTable;
  invite_funnel_days: InviteFunnelDayTable;
  invite_retention_marks: InviteRetentionMarkTable;
  invite_funnel_reports: InviteFunnelReportTable;
  invite_abuse_settings: InviteAbuseSettingsTable;
  invite_abuse_windows: InviteAbuseWindowTable;
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
  /** The first response's Location header, replayed with it. */
  response_location: string | null;
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
  /** External groups: the payload of the group QR image staff uploaded last, and when. */
  qr_payload: string | null;
  qr_uploaded_at: number | null;
  /** active | archived */
  status: string;
  created_at: number;
  updated_at: number;
}

/** A person in a workspace's hosted groups: known by a verified email or an integrator's user id. */
export interface MemberTable {
  id: string;
  workspace_id: string;
  email: string | null;
  external_user_id: string | null;
  display_name: string;
  created_at: number;
  updated_at: number;
}

export interface GroupMemberTable {
  id: string;
  workspace_id: string;
  group_id: string;
  member_id: string;
  /** active | left | removed; at most one active row per group and member. */
  status: string;
  code_id: string | null;
  /** JSON snapshot of the code's channel tags at join time. */
  tags: string;
  inviter_id: string | null;
  joined_at: number;
  left_at: number | null;
  removed_by: string | null;
  reason: string | null;
}

export interface MemberSessionTable {
  /** SHA-256 of the jc_member cookie's token. */
  id: string;
  member_id: string;
  workspace_id: string;
  created_at: number;
  expires_at: number;
}

export interface EmailCodeTable {
  id: string;
  workspace_id: string;
  email: string;
  /** HMAC of the 6-digit code under a key derived from SECRET_KEYS. */
  code_hash: string;
  attempts: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface IntegrationSecretTable {
  id: string;
  workspace_id: string;
  /** Sealed with SECRET_KEYS. */
  secret: string;
  created_at: number;
  /** null while current; set on rotation to when the previous secret stops verifying. */
  expires_at: number | null;
}

export interface CodeTable {
  id: string;
  workspace_id: string;
  /** The group a join code leads to; null for a live code, whose pool is in live_codes. */
  group_id: string | null;
  name: string;
  /** active | paused | revoked */
  status: string;
  /** The one valid token (printed in the QR); kept so the URL and its check code stay the same between reads. */
  token: string;
  /** Issued-at (epoch ms, whole seconds) of the one valid token: a token with any other issued-at is dead. */
  token_issued_at: number;
  /** null = permanent */
  expires_at: number | null;
  validity_hours: number | null;
  /** none | weekly | monthly | quarterly */
  rotation: string;
  next_rotation_at: number | null;
  /** null = unlimited */
  scans_per_day_cap: number | null;
  scans_total_cap: number | null;
  /** Admitted scans so far (refusals do not count). */
  scans_total: number;
  joins_per_hour_cap: number | null;
  active_from: number | null;
  active_until: number | null;
  /** scrypt, as staff passwords; null = no access password */
  password_hash: string | null;
  /** JSON CodeTags: utm_* and channel */
  tags: string;
  created_at: number;
  updated_at: number;
  revoked_at: number | null;
}

export interface ScanTable {
  id: string;
  workspace_id: string;
  code_id: string;
  scanned_at: number;
  /** ok, password_required, or the refusal (revoked, paused, daily_cap, group_full, …) */
  outcome: string;
  /** JSON: the code's tags when scanned */
  tags: string;
  ua_app: string;
  ua_os: string;
  ua_device: string;
  bot: number;
  /** IPv4 /24 or IPv6 /48, never the full address */
  network: string;
  /** Live codes: the pool entry the scan was routed to (null for join codes and refusals). */
  entry_id: string | null;
}

export interface CodeScanDayTable {
  code_id: string;
  /** YYYY-MM-DD, UTC */
  day: string;
  scans: number;
}

/** A live code (活码): the codes row with this id is its token, caps and tags; this is its pool's rules. */
export interface LiveCodeTable {
  code_id: string;
  workspace_id: string;
  /** fill_in_order | least_full | round_robin | nearest */
  rule: string;
  /** JSON GroupTemplate for auto-created hosted groups; null = a full pool refuses. */
  template: string | null;
  /** The {n} of the next auto-created group. */
  next_group_number: number;
  /** Defaults for new link entries: scans before retiring, hours before expiring (null = never). */
  scan_threshold: number;
  entry_validity_hours: number | null;
  /** Admissions so far under round_robin (per join for hosted entries, per scan for links). */
  rr_cursor: number;
  /** ok | low | empty, as last judged. */
  pool_state: string;
  created_at: number;
  updated_at: number;
}

export interface LiveCodeEntryTable {
  id: string;
  workspace_id: string;
  live_code_id: string;
  position: number;
  /** group (a hosted group of the workspace) | link (an external group's QR image or join URL) */
  kind: string;
  group_id: string | null;
  /** Link entries: image | url, the decoded payload (or the URL) and its SHA-256 for duplicates. */
  source: string | null;
  payload: string | null;
  payload_hash: string | null;
  label: string;
  platform: string | null;
  /** JSON array of user-agent app classes this entry serves; null = everyone. */
  audience: string | null;
  latitude: number | null;
  longitude: number | null;
  region: string | null;
  /** Admitted scans routed here. */
  scans: number;
  /** Link entries: retired once scans reach it. */
  scan_threshold: number | null;
  expires_at: number | null;
  /** active | paused | retired */
  status: string;
  /** threshold | expired */
  retired_reason: string | null;
  /** When the 24-hour expiry reminder went out. */
  reminded_at: number | null;
  /** The {n} of a group the pool created from its template. */
  group_number: number | null;
  created_at: number;
  updated_at: number;
}

export interface GroupAdminTable {
  group_id: string;
  staff_id: string;
  workspace_id: string;
  created_at: number;
}

/** A workspace's invite code format and lifecycle settings; no row = the defaults (modules/invites/settings.ts). */
export interface InviteSettingsTable {
  workspace_id: string;
  /** Upper case, a size with a check-character construction (modules/invites/check-character.ts). */
  alphabet: string;
  body_length: number;
  prefix: string;
  suffix: string;
  /** Days an ended code is kept (archived after a week) before the retention job purges it. */
  retention_days: number;
  /** invite.expiring goes out this many hours before a code expires. */
  expiring_lead_hours: number;
  updated_at: number;
}

export interface InviteCampaignTable {
  id: string;
  workspace_id: string;
  name: string;
  description: string;
  starts_at: number;
  /** null = open-ended */
  ends_at: number | null;
  /** active | paused | ended */
  status: string;
  /** Redemptions of this campaign's codes one redeemer may make; null = no limit. */
  per_redeemer_limit: number | null;
  created_at: number;
  updated_at: number;
}

/**
 * An invite code. Owners and redeemers are also written as party keys, the nodes of the referral
 * graph and the quota's owner: 'u:<integrator user id>' or 'm:<member id>' (a member known by an
 * integrator user id is 'u:' too, so both ways of naming one person meet).
 */
export interface InviteTable {
  id: string;
  workspace_id: string;
  /** Normalized: upper case, no separators; unique per workspace. */
  code: string;
  /** referral | campaign | support | tracking */
  purpose: string;
  /** member | user */
  owner_type: string;
  owner_id: string;
  owner_key: string;
  owner_name: string | null;
  /** Set exactly for purpose campaign. */
  campaign_id: string | null;
  /** JSON {type: agent | queue, name}; set exactly for purpose support. */
  routing: string | null;
  /** JSON channel tags (utm_* and channel), as on join codes. */
  tags: string;
  /** null = unlimited */
  max_uses: number | null;
  /** Successful redemptions; only a conditional update in the redeeming transaction moves it. */
  uses: number;
  /** active | expired | exhausted | revoked */
  status: string;
  /** null = permanent */
  expires_at: number | null;
  /** When invite.expiring went out for the current expiry (reset by an extension). */
  expiring_notified_at: number | null;
  /** When the code stopped being active (expired, exhausted, revoked). */
  ended_at: number | null;
  /** Moved to history; purged retention_days after ended_at. */
  archived_at: number | null;
  revoked_reason: string | null;
  created_at: number;
  updated_at: number;
  /** api | reserve | batch | import (modules/invites/schema.ts INVITE_ORIGINS) */
  origin: string;
  /** The generation or import batch that made the code. */
  batch_id: string | null;
  /** Custom short-link suffix (/i/SUFFIX), normalized; unique across the instance. */
  link_suffix: string | null;
}

export interface InviteQuotaDayTable {
  workspace_id: string;
  owner_key: string;
  /** YYYY-MM-DD, UTC */
  day: string;
  created: number;
}

/** One successful redemption: at most one per code and redeemer. The reward ledger refers to these rows. */
export interface InviteRedemptionTable {
  id: string;
  workspace_id: string;
  invite_id: string;
  /** The integrator's user id of the redeemer (party key 'u:<redeemer_id>'). */
  redeemer_id: string;
  redeemer_name: string | null;
  campaign_id: string | null;
  /** A device id the integrator passed, for per-device limits and abuse checks. */
  device: string | null;
  /** IPv4 /24 or IPv6 /48 of the caller, never the full address. */
  network: string;
  /** JSON reward outcome (the ledger entries this redemption created); null when it earned nothing. */
  reward: string | null;
  created_at: number;
}

/** Redemptions per campaign and redeemer, for the campaign's per-redeemer limit. */
export interface InviteCampaignRedeemerTable {
  campaign_id: string;
  redeemer_id: string;
  redemptions: number;
}

/** inviter → invitee (师徒关系), written by referral redemptions; one inviter per invitee and workspace. */
export interface ReferralEdgeTable {
  id: string;
  workspace_id: string;
  /** Party keys, as on invites. */
  inviter_key: string;
  invitee_key: string;
  invite_id: string | null;
  redemption_id: string | null;
  created_at: number;
}

/** Rewards settings and the referral program's rules; no row = the defaults (no rewards). */
export interface RewardSettingsTable {
  workspace_id: string;
  /** ISO 4217 code of every reward and purchase amount */
  currency: string;
  referral_depth: number;
  holding_days: number;
  auto_approve: number;
  /** Minor units to a referral code's owner per redemption */
  per_redemption: number;
  /** JSON [{ invitees, amount }] */
  milestones: string;
  /** JSON [basis points of level 1, level 2, …] */
  commission_bps: string;
  updated_at: number;
}

/** A campaign's own rules for redemptions of its codes. */
export interface RewardCampaignRulesTable {
  campaign_id: string;
  workspace_id: string;
  per_redemption: number;
  milestones: string;
  updated_at: number;
}

/** Live (not reversed) invitees of an owner in a program: 'referral' or a campaign id. */
export interface RewardCounterTable {
  workspace_id: string;
  scope: string;
  party_key: string;
  invitees: number;
  /** When the count last went up: ties on the leaderboard go to who got there first. */
  reached_at: number;
}

/** A purchase the integrator reported, by its own order id. Amounts in minor units. */
export interface PurchaseTable {
  id: string;
  workspace_id: string;
  order_id: string;
  buyer_key: string;
  amount: number;
  currency: string;
  /** Sum of its refunds, never above amount */
  refunded: number;
  occurred_at: number;
  created_at: number;
}

/** The referral chain above a purchase's buyer when it was recorded. */
export interface PurchaseAttributionTable {
  purchase_id: string;
  workspace_id: string;
  level: number;
  party_key: string;
}

export interface PurchaseRefundTable {
  id: string;
  workspace_id: string;
  purchase_id: string;
  /** The integrator's own refund id, unique per purchase */
  refund_id: string;
  amount: number;
  /** Commission the refund would have reversed but that was paid already (paid is final) */
  unrecovered: number;
  created_at: number;
}

/** One reward ledger entry. No foreign keys to codes or redemptions: the ledger outlives their purge. */
export interface RewardEntryTable {
  id: string;
  workspace_id: string;
  beneficiary_key: string;
  /** redemption | milestone | commission */
  kind: string;
  /** pending | approved | paid | reversed */
  state: string;
  amount: number;
  currency: string;
  /** 'referral' (the referral program) or the campaign id */
  scope: string;
  /** Who it came from: the redeemer, or the buyer */
  source_key: string;
  redemption_id: string | null;
  tier: number | null;
  purchase_id: string | null;
  order_id: string | null;
  level: number | null;
  rate_bps: number | null;
  /** The integrator's refund id that reversed this part of a commission */
  refund_id: string | null;
  /** The commission entry this reversed part was split from */
  split_from: string | null;
  hold_until: number;
  /** A payment reference given when paid */
  reference: string | null;
  /** Why it was reversed */
  reason: string | null;
  created_at: number;
  approved_at: number | null;
  paid_at: number | null;
  reversed_at: number | null;
  updated_at: number;
}

/** Redemptions staff found fraudulent: they no longer count as invitees. */
export interface RedemptionReversalTable {
  redemption_id: string;
  workspace_id: string;
  reason: string | null;
  reversed_at: number;
}

/** A batch of invite codes: generated by the batch job in chunks, or imported from a CSV at once. */
export interface InviteBatchTable {
  id: string;
  workspace_id: string;
  /** generate | import */
  kind: string;
  /** queued | running | done | failed | cancelled */
  state: string;
  total: number;
  /** Codes committed so far; the job resumes from here. */
  generated: number;
  /** JSON: what every code of the batch gets (owner, purpose, campaign, routing, tags, expiry, max uses). */
  spec: string;
  /** JSON CodeFormat at creation, so a resumed batch keeps its format when the settings change. */
  format: string;
  error: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

/** A bulk revoke too large for one request, run by the job `invites.bulk-revoke` in chunks. */
export interface InviteBulkRevokeTable {
  id: string;
  workspace_id: string;
  /** queued | running | succeeded | failed */
  status: string;
  /** JSON: the selection as requested ({ filter } or { batchId }), for the view and the audit entry. */
  selection: string;
  /** The normalized filter as canonical JSON: one queued or running bulk revoke per workspace and key. */
  selection_key: string;
  /** JSON InviteSelection: the filter the job applies, as at created_at. */
  filter: string;
  /** The highest code id the selection matched at the request: later codes are not revoked. */
  cutoff_id: string;
  reason: string | null;
  /** JSON Actor of the request, for the audit entry written when the job ends. */
  actor: string;
  /** Codes the selection matched at the request; when done, the codes the job went through. */
  matched: number;
  revoked: number;
  already_ended: number;
  /** The last code id done ('' before the first chunk); the job resumes after it. */
  cursor: string;
  error: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

/** A pre-generated code not issued yet: taken (deleted) when it is handed to an owner. */
export interface InviteReserveTable {
  id: string;
  workspace_id: string;
  code: string;
  /** JSON CodeFormat it was made in; codes of an old format are dropped by the top-up. */
  format: string;
  created_at: number;
}

/** No row = no reserve. */
export interface InviteReserveSettingsTable {
  workspace_id: string;
  target_size: number;
  /** 1: an owner over the daily quota gets a reserve code instead of a refusal. */
  on_throttle: number;
  /** Reserve codes one owner may get per UTC day; null = only the pool limits it. */
  per_owner_per_day: number | null;
  updated_at: number;
}

export interface InviteLinkSettingsTable {
  workspace_id: string;
  /** Where the short-link page's button leads, with the code filled in or appended; null = no button. */
  app_url: string | null;
  updated_at: number;
}

/** Short-link opens per code and UTC day, with owner and campaign copied for funnels. */
export interface InviteClickDayTable {
  invite_id: string;
  /** YYYY-MM-DD, UTC */
  day: string;
  workspace_id: string;
  owner_key: string;
  campaign_id: string | null;
  clicks: number;
  /** Opens by crawlers and link previews, kept apart from people's clicks. */
  bot_clicks: number;
}

/** Funnel counts per code and UTC day, with owner and campaign copied for funnels (clicks: invite_click_days). */
export interface InviteFunnelDayTable {
  invite_id: string;
  /** YYYY-MM-DD, UTC */
  day: string;
  workspace_id: string;
  owner_key: string;
  campaign_id: string | null;
  /** Impressions the integrator reported for the day */
  shown: number;
  redeemed: number;
  /** Of this day's redemptions, those whose redeemer was reported active the next UTC day */
  active_next_day: number;
  /** … and on the 7th UTC day after */
  active_day7: number;
}

/** A redemption already counted as returning on day `offset_days` (1 or 7). */
export interface InviteRetentionMarkTable {
  redemption_id: string;
  offset_days: number;
}

/** An impression or activity report by the integrator's own id, with the result it got. */
export interface InviteFunnelReportTable {
  workspace_id: string;
  /** impressions | activity */
  kind: string;
  report_id: string;
  /** SHA-256 of the report's items: the same id with other items is refused */
  digest: string;
  /** JSON of the first answer */
  result: string;
  created_at: number;
}

/** No row = the defaults (modules/invites/abuse-settings.ts); null limits and thresholds are off. */
export interface InviteAbuseSettingsTable {
  workspace_id: string;
  redeems_per_ip_per_day: number | null;
  redeems_per_device_per_day: number | null;
  network_redemptions: number | null;
  network_window_minutes: number;
  owner_redemptions: number | null;
  owner_window_minutes: number;
  bot_redemptions: number | null;
  bot_window_minutes: number;
  /** 1: once an alert fired, further redemptions of its subject are held back until its window ends */
  block_on_alert: number;
  updated_at: number;
}

/** Redemptions of one subject in one fixed window, and whether its alert fired. */
export interface InviteAbuseWindowTable {
  workspace_id: string;
  /** network_burst | owner_burst | bot_user_agent */
  kind: string;
  /** The network prefix, or the owner key */
  subject: string;
  window_start: number;
  window_end: number;
  redemptions: number;
  alerted_at: number | null;
}
