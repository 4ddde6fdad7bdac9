import { sql, type Kysely } from 'kysely';

/**
 * Invite operations: each workspace's limits get inviteCodesPerBatch (the most codes one batch may
 * generate) at its plan's default, and codes given an owner name get an index by owner, newest
 * first, so the latest name known for a party is one index step away however many unnamed codes
 * that owner has. The defaults are written out here, not imported: a migration is frozen once landed.
 */
const BATCH_LIMITS: Record<string, number> = { free: 1000, pro: 100_000, enterprise: 1_000_000 };

export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ id: string; plan: string; limits: string }>`select id, plan, limits from workspaces`.execute(db);
  for (const row of rows) {
    const limits = JSON.parse(row.limits) as Record<string, unknown>;
    if ('inviteCodesPerBatch' in limits) continue;
    limits.inviteCodesPerBatch = BATCH_LIMITS[row.plan] ?? BATCH_LIMITS.free;
    await sql`update workspaces set limits = ${JSON.stringify(limits)} where id = ${row.id}`.execute(db);
  }
  await db.schema
    .createIndex('invites_owner_named')
    .on('invites')
    .columns(['workspace_id', 'owner_key', 'id'])
    .where(sql.ref('owner_name'), 'is not', null)
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('joincode migrations are forward-only; restore a backup to go back');
}
