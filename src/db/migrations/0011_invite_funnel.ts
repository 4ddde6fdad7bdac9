import type { Kysely } from 'kysely';

// The invite funnel and anti-abuse bookkeeping: per code and UTC day the impressions the integrator
// reported, the redemptions and the redeemers active on the next day and on day 7 (owner and
// campaign copied in, so funnels per owner or campaign need no join); which redemptions were
// already counted as returning; the integrator's report ids; per-workspace abuse thresholds; and
// redemption counters per network, owner and bot network in fixed windows, which also remember
// whether their alert fired. Clicks are counted by 0009's invite_click_days. Frozen once landed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('invite_funnel_days')
    .addColumn('invite_id', 'text', (c) => c.notNull().references('invites.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('owner_key', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'text')
    .addColumn('shown', 'bigint', (c) => c.notNull())
    .addColumn('redeemed', 'integer', (c) => c.notNull())
    .addColumn('active_next_day', 'integer', (c) => c.notNull())
    .addColumn('active_day7', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('invite_funnel_days_pk', ['invite_id', 'day'])
    .execute();
  await db.schema.createIndex('invite_funnel_days_workspace').on('invite_funnel_days').columns(['workspace_id', 'day']).execute();
  await db.schema.createIndex('invite_funnel_days_owner').on('invite_funnel_days').columns(['workspace_id', 'owner_key', 'day']).execute();
  await db.schema.createIndex('invite_funnel_days_campaign').on('invite_funnel_days').columns(['campaign_id', 'day']).execute();

  // A redemption whose redeemer was reported active `offset_days` after the redemption day (1 or 7):
  // the row makes a repeated activity report count once.
  await db.schema
    .createTable('invite_retention_marks')
    .addColumn('redemption_id', 'text', (c) => c.notNull().references('invite_redemptions.id').onDelete('cascade'))
    .addColumn('offset_days', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('invite_retention_marks_pk', ['redemption_id', 'offset_days'])
    .execute();

  // Impression and activity reports by the integrator's own report id: a resent report gets its first result.
  await db.schema
    .createTable('invite_funnel_reports')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('report_id', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('invite_funnel_reports_pk', ['workspace_id', 'kind', 'report_id'])
    .execute();
  await db.schema.createIndex('invite_funnel_reports_created').on('invite_funnel_reports').column('created_at').execute();

  // One row per workspace that changed the defaults; null limits and thresholds are off.
  await db.schema
    .createTable('invite_abuse_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('redeems_per_ip_per_day', 'integer')
    .addColumn('redeems_per_device_per_day', 'integer')
    .addColumn('network_redemptions', 'integer')
    .addColumn('network_window_minutes', 'integer', (c) => c.notNull())
    .addColumn('owner_redemptions', 'integer')
    .addColumn('owner_window_minutes', 'integer', (c) => c.notNull())
    .addColumn('bot_redemptions', 'integer')
    .addColumn('bot_window_minutes', 'integer', (c) => c.notNull())
    .addColumn('block_on_alert', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // kind: network_burst (subject: network prefix), owner_burst (owner key), bot_user_agent (network prefix).
  await db.schema
    .createTable('invite_abuse_windows')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('window_end', 'bigint', (c) => c.notNull())
    .addColumn('redemptions', 'integer', (c) => c.notNull())
    .addColumn('alerted_at', 'bigint')
    .addPrimaryKeyConstraint('invite_abuse_windows_pk', ['workspace_id', 'kind', 'subject', 'window_start'])
    .execute();
  await db.schema.createIndex('invite_abuse_windows_end').on('invite_abuse_windows').column('window_end').execute();
}

export async function down(): Promise<void> {
  throw new Error('joincode migrations are forward-only; restore a backup to go back');
}
