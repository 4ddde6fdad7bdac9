import { sql, type Kysely } from 'kysely';

// Invite codes in volume: where a code came from (and its batch), a custom short-link suffix,
// generation and import batches, the per-workspace reserve pool with its settings, the short-link
// settings and clicks per code and day. Frozen once landed.
export async function up(db: Kysely<unknown>): Promise<void> {
  // api (one at a time), reserve (handed out from the reserve pool), batch (generated), import (from a CSV).
  await db.schema.alterTable('invites').addColumn('origin', 'text', (c) => c.notNull().defaultTo('api')).execute();
  await db.schema.alterTable('invites').addColumn('batch_id', 'text').execute();
  // Normalized (NFKC, lower case); unique across the instance because /i/SUFFIX has no workspace in it.
  await db.schema.alterTable('invites').addColumn('link_suffix', 'text').execute();
  // Partial: a million batch codes cost this index nothing but their own entries, single codes nothing at all.
  await db.schema.createIndex('invites_batch').on('invites').columns(['batch_id', 'id']).where(sql.ref('batch_id'), 'is not', null).execute();
  await db.schema.createIndex('invites_link_suffix').on('invites').column('link_suffix').unique().where(sql.ref('link_suffix'), 'is not', null).execute();

  await db.schema
    .createTable('invite_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('generated', 'integer', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invite_batches_workspace').on('invite_batches').columns(['workspace_id', 'id']).execute();

  await db.schema
    .createTable('invite_reserve')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('invite_reserve_code', ['workspace_id', 'code'])
    .execute();
  await db.schema.createIndex('invite_reserve_workspace').on('invite_reserve').columns(['workspace_id', 'id']).execute();

  await db.schema
    .createTable('invite_reserve_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('target_size', 'integer', (c) => c.notNull())
    .addColumn('on_throttle', 'integer', (c) => c.notNull())
    .addColumn('per_owner_per_day', 'integer')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('invite_link_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('app_url', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // Owner and campaign are copied in, so clicks per owner or campaign and day need no join.
  await db.schema
    .createTable('invite_click_days')
    .addColumn('invite_id', 'text', (c) => c.notNull().references('invites.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('owner_key', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'text')
    .addColumn('clicks', 'integer', (c) => c.notNull())
    .addColumn('bot_clicks', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('invite_click_days_pk', ['invite_id', 'day'])
    .execute();
  await db.schema.createIndex('invite_click_days_workspace').on('invite_click_days').columns(['workspace_id', 'day']).execute();
}

export async function down(): Promise<void> {
  throw new Error('joincode migrations are forward-only; restore a backup to go back');
}
