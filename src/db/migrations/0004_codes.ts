import type { Kysely } from 'kysely';

// Join codes (the QR a poster prints), every scan of them, and per-day scan counters for the
// daily cap. Frozen once landed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('token_issued_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('validity_hours', 'integer')
    .addColumn('rotation', 'text', (c) => c.notNull())
    .addColumn('next_rotation_at', 'bigint')
    .addColumn('scans_per_day_cap', 'integer')
    .addColumn('scans_total_cap', 'integer')
    .addColumn('scans_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('joins_per_hour_cap', 'integer')
    .addColumn('active_from', 'bigint')
    .addColumn('active_until', 'bigint')
    .addColumn('password_hash', 'text')
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('codes_workspace').on('codes').columns(['workspace_id', 'id']).execute();
  await db.schema.createIndex('codes_group').on('codes').columns(['group_id']).execute();
  await db.schema.createIndex('codes_next_rotation').on('codes').columns(['next_rotation_at']).execute();

  await db.schema
    .createTable('scans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('code_id', 'text', (c) => c.notNull().references('codes.id').onDelete('cascade'))
    .addColumn('scanned_at', 'bigint', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('ua_app', 'text', (c) => c.notNull())
    .addColumn('ua_os', 'text', (c) => c.notNull())
    .addColumn('ua_device', 'text', (c) => c.notNull())
    .addColumn('bot', 'integer', (c) => c.notNull())
    .addColumn('network', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('scans_code').on('scans').columns(['code_id', 'id']).execute();
  await db.schema.createIndex('scans_workspace').on('scans').columns(['workspace_id', 'id']).execute();

  await db.schema
    .createTable('code_scan_days')
    .addColumn('code_id', 'text', (c) => c.notNull().references('codes.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('scans', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('code_scan_days_pk', ['code_id', 'day'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('joincode migrations are forward-only; restore a backup to go back');
}
