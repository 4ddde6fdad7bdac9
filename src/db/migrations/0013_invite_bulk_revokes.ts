import { sql, type Kysely } from 'kysely';

/**
 * Bulk revokes too large for one request run in the background, like batch generation: the row
 * says what to revoke (the selection, judged as it stood at created_at, over codes up to
 * cutoff_id) and how far the job got (cursor: the last code id done, with the counts so far).
 * Only one may be queued or running per workspace and selection: the partial unique index makes a
 * second request for the same codes collide, across processes too. Frozen once landed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('invite_bulk_revokes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('selection', 'text', (c) => c.notNull())
    .addColumn('selection_key', 'text', (c) => c.notNull())
    .addColumn('filter', 'text', (c) => c.notNull())
    .addColumn('cutoff_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('matched', 'integer', (c) => c.notNull())
    .addColumn('revoked', 'integer', (c) => c.notNull())
    .addColumn('already_ended', 'integer', (c) => c.notNull())
    .addColumn('cursor', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invite_bulk_revokes_workspace').on('invite_bulk_revokes').columns(['workspace_id', 'id']).execute();
  await db.schema
    .createIndex('invite_bulk_revokes_running')
    .on('invite_bulk_revokes')
    .columns(['workspace_id', 'selection_key'])
    .unique()
    .where(sql.ref('status'), 'in', ['queued', 'running'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('joincode migrations are forward-only; restore a backup to go back');
}
