import type { Kysely } from 'kysely';

// Groups: hosted ones live in joincode; external ones are a WeChat/WeCom/Telegram/… group that
// joincode routes people to. Frozen once landed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('value_statement', 'text', (c) => c.notNull())
    .addColumn('welcome_text', 'text', (c) => c.notNull())
    .addColumn('avatar', 'text')
    .addColumn('capacity', 'integer', (c) => c.notNull())
    .addColumn('member_count', 'integer', (c) => c.notNull())
    .addColumn('platform', 'text')
    .addColumn('join_url', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('groups_workspace').on('groups').columns(['workspace_id', 'id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('joincode migrations are forward-only; restore a backup to go back');
}
