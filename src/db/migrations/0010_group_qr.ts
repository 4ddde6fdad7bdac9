import type { Kysely } from 'kysely';

/**
 * An external group's current QR (issue 3 §5): the payload decoded from the group QR image staff
 * uploaded, and when, so its landing page can show the code to long-press. Frozen once landed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('groups').addColumn('qr_payload', 'text').execute();
  await db.schema.alterTable('groups').addColumn('qr_uploaded_at', 'bigint').execute();
}

export async function down(): Promise<void> {
  throw new Error('joincode migrations are forward-only; restore a backup to go back');
}
