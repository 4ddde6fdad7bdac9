import { sql, SqliteAdapter, type Kysely } from 'kysely';

/**
 * Live codes (活码): a code whose target is a pool of entries (hosted groups of the workspace, or
 * external group QR images and join links) instead of one group. So codes.group_id becomes
 * nullable, scans remember which entry they were routed to, and auto-created groups get admins.
 * Frozen once landed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) await codesGroupNullableOnSqlite(db);
  else await db.schema.alterTable('codes').alterColumn('group_id', (c) => c.dropNotNull()).execute();

  await db.schema
    .createTable('live_codes')
    .addColumn('code_id', 'text', (c) => c.primaryKey().references('codes.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('rule', 'text', (c) => c.notNull())
    // JSON GroupTemplate, or null: a full hosted pool then refuses instead of growing.
    .addColumn('template', 'text')
    // The {n} of the next auto-created group; claimed by a conditional update, so one group per number.
    .addColumn('next_group_number', 'integer', (c) => c.notNull())
    .addColumn('scan_threshold', 'integer', (c) => c.notNull())
    .addColumn('entry_validity_hours', 'integer')
    .addColumn('rr_cursor', 'integer', (c) => c.notNull().defaultTo(0))
    // ok | low | empty: the last judged state, so pool_low / pool_empty fire once per transition.
    .addColumn('pool_state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('live_codes_workspace').on('live_codes').columns(['workspace_id', 'code_id']).execute();

  await db.schema
    .createTable('live_code_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('live_code_id', 'text', (c) => c.notNull().references('live_codes.code_id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.references('groups.id').onDelete('cascade'))
    .addColumn('source', 'text')
    .addColumn('payload', 'text')
    .addColumn('payload_hash', 'text')
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('platform', 'text')
    .addColumn('audience', 'text')
    .addColumn('latitude', 'double precision')
    .addColumn('longitude', 'double precision')
    .addColumn('region', 'text')
    .addColumn('scans', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('scan_threshold', 'integer')
    .addColumn('expires_at', 'bigint')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('retired_reason', 'text')
    .addColumn('reminded_at', 'bigint')
    .addColumn('group_number', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('live_code_entries_pool').on('live_code_entries').columns(['live_code_id', 'position']).execute();
  // One entry per group and per decoded payload in a pool (NULLs do not collide on either database).
  await db.schema.createIndex('live_code_entries_group').on('live_code_entries').columns(['live_code_id', 'group_id']).unique().execute();
  await db.schema.createIndex('live_code_entries_payload').on('live_code_entries').columns(['live_code_id', 'payload_hash']).unique().execute();
  await db.schema.createIndex('live_code_entries_expiry').on('live_code_entries').columns(['status', 'expires_at']).execute();

  await db.schema.alterTable('scans').addColumn('entry_id', 'text').execute();

  await db.schema
    .createTable('group_admins')
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_admins_pk', ['group_id', 'staff_id'])
    .execute();
}

/**
 * SQLite cannot drop a NOT NULL constraint, so codes is rebuilt (sqlite.org/lang_altertable.html,
 * "making other kinds of table schema changes"): foreign keys off — else dropping the old table
 * would cascade-delete every scan — then create, copy, drop, rename and re-index in one
 * transaction, and check that every scans / code_scan_days row still finds its code. Kysely runs
 * SQLite migrations outside a transaction, which is what lets the pragma take effect here.
 */
async function codesGroupNullableOnSqlite(db: Kysely<unknown>): Promise<void> {
  await sql`PRAGMA foreign_keys = OFF`.execute(db);
  try {
    await db.transaction().execute(async (tx) => {
      await tx.schema
        .createTable('codes_rebuilt')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('group_id', 'text', (c) => c.references('groups.id').onDelete('cascade'))
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
      const columns = sql.raw(
        [
          'id', 'workspace_id', 'group_id', 'name', 'status', 'token', 'token_issued_at', 'expires_at', 'validity_hours', 'rotation', 'next_rotation_at',
          'scans_per_day_cap', 'scans_total_cap', 'scans_total', 'joins_per_hour_cap', 'active_from', 'active_until', 'password_hash', 'tags',
          'created_at', 'updated_at', 'revoked_at',
        ].join(', '),
      );
      await sql`INSERT INTO codes_rebuilt (${columns}) SELECT ${columns} FROM codes`.execute(tx);
      await tx.schema.dropTable('codes').execute();
      await tx.schema.alterTable('codes_rebuilt').renameTo('codes').execute();
      await tx.schema.createIndex('codes_workspace').on('codes').columns(['workspace_id', 'id']).execute();
      await tx.schema.createIndex('codes_group').on('codes').columns(['group_id']).execute();
      await tx.schema.createIndex('codes_next_rotation').on('codes').columns(['next_rotation_at']).execute();
      const broken = await sql<{ table: string }>`PRAGMA foreign_key_check`.execute(tx);
      if (broken.rows.length > 0) throw new Error(`rebuilding codes broke ${broken.rows.length} foreign keys (first in ${broken.rows[0]!.table})`);
    });
  } finally {
    await sql`PRAGMA foreign_keys = ON`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('joincode migrations are forward-only; restore a backup to go back');
}
