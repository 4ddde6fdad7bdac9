import type { Kysely } from 'kysely';

// A manual replay starts a new attempt series on the same delivery: attempt_count keeps the
// total for the delivery log, series_attempts restarts the retry schedule from its first step.
// Frozen once landed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('webhook_deliveries')
    .addColumn('series_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('joincode migrations are forward-only; restore a backup to go back');
}
