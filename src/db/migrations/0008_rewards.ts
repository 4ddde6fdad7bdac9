import { sql, type Kysely } from 'kysely';

// Rewards for invite codes: per-workspace settings with the referral program's rules, per-campaign
// rules, invitee counters per program and owner, purchases with their attribution up the referral
// chain and their refunds, the reward ledger, and redemptions reversed as fraudulent. Ledger rows
// keep no foreign key to codes or redemptions: the retention job purges those, and money records
// must outlive them. Frozen once landed.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per workspace that changed the defaults; no row means the defaults (no rewards).
  await db.schema
    .createTable('reward_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('referral_depth', 'integer', (c) => c.notNull())
    .addColumn('holding_days', 'integer', (c) => c.notNull())
    .addColumn('auto_approve', 'integer', (c) => c.notNull())
    .addColumn('per_redemption', 'bigint', (c) => c.notNull())
    .addColumn('milestones', 'text', (c) => c.notNull())
    .addColumn('commission_bps', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('reward_campaign_rules')
    .addColumn('campaign_id', 'text', (c) => c.primaryKey().references('invite_campaigns.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('per_redemption', 'bigint', (c) => c.notNull())
    .addColumn('milestones', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // Live invitees per program ('referral', or a campaign id) and owner, raised in the redeeming
  // transaction: the row lock of that increment is what makes milestone tiers exact under concurrency.
  await db.schema
    .createTable('reward_counters')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('party_key', 'text', (c) => c.notNull())
    .addColumn('invitees', 'integer', (c) => c.notNull())
    .addColumn('reached_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('reward_counters_pk', ['workspace_id', 'scope', 'party_key'])
    .execute();
  await db.schema.createIndex('reward_counters_rank').on('reward_counters').columns(['workspace_id', 'scope', 'invitees', 'reached_at']).execute();

  await db.schema
    .createTable('purchases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('buyer_key', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('refunded', 'bigint', (c) => c.notNull())
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('purchases_order', ['workspace_id', 'order_id'])
    .execute();
  await db.schema.createIndex('purchases_workspace').on('purchases').columns(['workspace_id', 'id']).execute();
  await db.schema.createIndex('purchases_buyer').on('purchases').columns(['workspace_id', 'buyer_key', 'id']).execute();

  // The chain above the buyer when the purchase was recorded: level 1 = the direct inviter.
  await db.schema
    .createTable('purchase_attributions')
    .addColumn('purchase_id', 'text', (c) => c.notNull().references('purchases.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('party_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('purchase_attributions_pk', ['purchase_id', 'level'])
    .execute();
  await db.schema.createIndex('purchase_attributions_party').on('purchase_attributions').columns(['workspace_id', 'party_key', 'purchase_id']).execute();

  await db.schema
    .createTable('purchase_refunds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('purchase_id', 'text', (c) => c.notNull().references('purchases.id').onDelete('cascade'))
    .addColumn('refund_id', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    // Commission the refund would have reversed but that was paid already.
    .addColumn('unrecovered', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('purchase_refunds_once', ['purchase_id', 'refund_id'])
    .execute();

  await db.schema
    .createTable('reward_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('beneficiary_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('source_key', 'text', (c) => c.notNull())
    .addColumn('redemption_id', 'text')
    .addColumn('tier', 'integer')
    .addColumn('purchase_id', 'text')
    .addColumn('order_id', 'text')
    .addColumn('level', 'integer')
    .addColumn('rate_bps', 'integer')
    .addColumn('refund_id', 'text')
    .addColumn('split_from', 'text')
    .addColumn('hold_until', 'bigint', (c) => c.notNull())
    .addColumn('reference', 'text')
    .addColumn('reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('approved_at', 'bigint')
    .addColumn('paid_at', 'bigint')
    .addColumn('reversed_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reward_entries_workspace').on('reward_entries').columns(['workspace_id', 'id']).execute();
  await db.schema.createIndex('reward_entries_state').on('reward_entries').columns(['workspace_id', 'state', 'id']).execute();
  await db.schema.createIndex('reward_entries_beneficiary').on('reward_entries').columns(['workspace_id', 'beneficiary_key', 'scope']).execute();
  await db.schema.createIndex('reward_entries_redemption').on('reward_entries').columns(['redemption_id']).execute();
  await db.schema.createIndex('reward_entries_purchase').on('reward_entries').columns(['purchase_id']).execute();
  // The auto-approval job: pending entries by the end of their holding period.
  await db.schema.createIndex('reward_entries_holding').on('reward_entries').columns(['state', 'hold_until']).execute();
  // Each milestone tier is earned once per owner and program while its entry stands.
  await db.schema
    .createIndex('reward_entries_tier_once')
    .on('reward_entries')
    .columns(['workspace_id', 'scope', 'beneficiary_key', 'tier'])
    .unique()
    .where(sql.ref('kind'), '=', 'milestone')
    .where(sql.ref('state'), '<>', 'reversed')
    .execute();

  await db.schema
    .createTable('redemption_reversals')
    .addColumn('redemption_id', 'text', (c) => c.primaryKey().references('invite_redemptions.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('reason', 'text')
    .addColumn('reversed_at', 'bigint', (c) => c.notNull())
    .execute();

  // Invitees made before this migration count toward milestones reached after it.
  await sql`
    insert into reward_counters (workspace_id, scope, party_key, invitees, reached_at)
    select workspace_id, 'referral', inviter_key, count(*), max(created_at) from referral_edges group by workspace_id, inviter_key`.execute(db);
  await sql`
    insert into reward_counters (workspace_id, scope, party_key, invitees, reached_at)
    select r.workspace_id, r.campaign_id, i.owner_key, count(*), max(r.created_at)
    from invite_redemptions r join invites i on i.id = r.invite_id
    where r.campaign_id is not null
    group by r.workspace_id, r.campaign_id, i.owner_key`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('joincode migrations are forward-only; restore a backup to go back');
}
