import type { Kysely } from 'kysely';

// Personal invite codes (邀请码): per-workspace format settings, campaigns, the codes with their
// use counters, per-owner daily quota counters, redemptions, per-campaign redeemer counters and
// the inviter → invitee referral graph. Frozen once landed.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per workspace that changed the defaults; no row means the defaults.
  await db.schema
    .createTable('invite_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('alphabet', 'text', (c) => c.notNull())
    .addColumn('body_length', 'integer', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('suffix', 'text', (c) => c.notNull())
    .addColumn('retention_days', 'integer', (c) => c.notNull())
    .addColumn('expiring_lead_hours', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('invite_campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('per_redeemer_limit', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invite_campaigns_workspace').on('invite_campaigns').columns(['workspace_id', 'id']).execute();

  await db.schema
    .createTable('invites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('owner_type', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('owner_key', 'text', (c) => c.notNull())
    .addColumn('owner_name', 'text')
    .addColumn('campaign_id', 'text', (c) => c.references('invite_campaigns.id'))
    .addColumn('routing', 'text')
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('max_uses', 'integer')
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('expiring_notified_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('archived_at', 'bigint')
    .addColumn('revoked_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invites_workspace_code').on('invites').columns(['workspace_id', 'code']).unique().execute();
  // Telling a code of another workspace apart from one that exists nowhere.
  await db.schema.createIndex('invites_code').on('invites').columns(['code']).execute();
  await db.schema.createIndex('invites_workspace').on('invites').columns(['workspace_id', 'id']).execute();
  await db.schema.createIndex('invites_owner').on('invites').columns(['workspace_id', 'owner_key', 'id']).execute();
  await db.schema.createIndex('invites_campaign').on('invites').columns(['campaign_id']).execute();
  await db.schema.createIndex('invites_expiry').on('invites').columns(['status', 'expires_at']).execute();
  await db.schema.createIndex('invites_ended').on('invites').columns(['archived_at', 'ended_at']).execute();

  // Codes created per owner per UTC day, counted by a conditional increment in the creating transaction.
  await db.schema
    .createTable('invite_quota_days')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('owner_key', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('created', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('invite_quota_days_pk', ['workspace_id', 'owner_key', 'day'])
    .execute();

  await db.schema
    .createTable('invite_redemptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('invite_id', 'text', (c) => c.notNull().references('invites.id').onDelete('cascade'))
    .addColumn('redeemer_id', 'text', (c) => c.notNull())
    .addColumn('redeemer_name', 'text')
    .addColumn('campaign_id', 'text')
    .addColumn('device', 'text')
    .addColumn('network', 'text', (c) => c.notNull())
    .addColumn('reward', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('invite_redemptions_once', ['invite_id', 'redeemer_id'])
    .execute();
  await db.schema.createIndex('invite_redemptions_workspace').on('invite_redemptions').columns(['workspace_id', 'id']).execute();
  await db.schema.createIndex('invite_redemptions_redeemer').on('invite_redemptions').columns(['workspace_id', 'redeemer_id']).execute();

  await db.schema
    .createTable('invite_campaign_redeemers')
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('invite_campaigns.id').onDelete('cascade'))
    .addColumn('redeemer_id', 'text', (c) => c.notNull())
    .addColumn('redemptions', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('invite_campaign_redeemers_pk', ['campaign_id', 'redeemer_id'])
    .execute();

  // The referral graph outlives the codes that made it: purging a code keeps its edges.
  await db.schema
    .createTable('referral_edges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('inviter_key', 'text', (c) => c.notNull())
    .addColumn('invitee_key', 'text', (c) => c.notNull())
    .addColumn('invite_id', 'text', (c) => c.references('invites.id').onDelete('set null'))
    .addColumn('redemption_id', 'text', (c) => c.references('invite_redemptions.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('referral_edges_one_inviter', ['workspace_id', 'invitee_key'])
    .execute();
  await db.schema.createIndex('referral_edges_inviter').on('referral_edges').columns(['workspace_id', 'inviter_key']).execute();
}

export async function down(): Promise<void> {
  throw new Error('joincode migrations are forward-only; restore a backup to go back');
}
