import type { Kysely } from 'kysely';

/**
 * A replayed response carries the first one's Location header too (a 202's link to the work it
 * started), so a retry can follow it as the first answer could. Frozen once landed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').addColumn('response_location', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('joincode migrations are forward-only; restore a backup to go back');
}
