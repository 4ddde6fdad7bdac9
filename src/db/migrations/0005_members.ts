import { sql, type Kysely } from 'kysely';

// Members of hosted groups: who they are (an email proven by a one-time code, or an integrator's
// own user id in a signed token), their sessions, and their memberships with the code and channel
// tags that brought them. Frozen once landed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('members')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('email', 'text')
    .addColumn('external_user_id', 'text')
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('members_workspace_email', ['workspace_id', 'email'])
    .addUniqueConstraint('members_workspace_external', ['workspace_id', 'external_user_id'])
    .execute();

  await db.schema
    .createTable('group_members')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('code_id', 'text')
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('inviter_id', 'text')
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    .addColumn('left_at', 'bigint')
    .addColumn('removed_by', 'text')
    .addColumn('reason', 'text')
    .execute();
  // At most one active membership per group and member; history rows (left, removed) stay.
  await db.schema
    .createIndex('group_members_one_active')
    .on('group_members')
    .columns(['group_id', 'member_id'])
    .unique()
    .where(sql.ref('status'), '=', 'active')
    .execute();
  await db.schema.createIndex('group_members_group').on('group_members').columns(['group_id', 'status', 'id']).execute();
  await db.schema.createIndex('group_members_member').on('group_members').columns(['member_id', 'id']).execute();
  await db.schema.createIndex('group_members_code').on('group_members').columns(['code_id', 'joined_at']).execute();

  await db.schema
    .createTable('member_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('member_sessions_member').on('member_sessions').columns(['member_id']).execute();

  await db.schema
    .createTable('email_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('email_codes_email').on('email_codes').columns(['workspace_id', 'email', 'id']).execute();

  // The signing secrets of integrator identity tokens, sealed with SECRET_KEYS. Rotation keeps the
  // previous secret valid until expires_at so integrators can roll over without refusals.
  await db.schema
    .createTable('integration_secrets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema.createIndex('integration_secrets_workspace').on('integration_secrets').columns(['workspace_id', 'id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('joincode migrations are forward-only; restore a backup to go back');
}
