import type { Deps } from '../../deps.ts';
import { recordEvent } from '../events/outbox.ts';
import type { JobRunner } from '../jobs/runner.ts';
import { eventEntry, refreshPoolState } from './pool.ts';

/** Seed: remind the operator a day before an uploaded group QR stops working. */
export const EXPIRY_REMINDER_MS = 24 * 3600 * 1000;
const BATCH = 200;

const ENTRY_COLUMNS = ['id', 'workspace_id', 'live_code_id', 'kind', 'label', 'platform', 'source', 'group_id', 'scans', 'scan_threshold', 'expires_at', 'status'] as const;

/**
 * Link entries whose expiry has passed are retired (routing already skips them; this makes it
 * visible and alerts): live_code.entry_retired, and the pool's state judged again, which fires
 * pool_low / pool_empty on a drop. Each retirement is a conditional update in its own transaction,
 * so two processes never retire (or alert) twice.
 */
export async function retireExpiredEntries(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.db.kysely
    .selectFrom('live_code_entries')
    .select('id')
    .where('status', '=', 'active')
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(BATCH)
    .execute();
  let retired = 0;
  for (const { id } of due) {
    const done = await deps.db.kysely.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('live_code_entries')
        .set({ status: 'retired', retired_reason: 'expired', updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'active')
        .where('expires_at', '<=', now)
        .returning(ENTRY_COLUMNS)
        .executeTakeFirst();
      if (!row) return false;
      await recordEvent(tx, { workspaceId: row.workspace_id, type: 'live_code.entry_retired', payload: { liveCodeId: row.live_code_id, reason: 'expired', entry: eventEntry(row) } }, now);
      await refreshPoolState(tx, row.live_code_id, now);
      return true;
    });
    if (done) retired += 1;
  }
  return retired;
}

/** Active link entries expiring within 24 hours get one live_code.entry_expiring each (reminded_at marks it). */
export async function remindExpiringEntries(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.db.kysely
    .selectFrom('live_code_entries')
    .select('id')
    .where('status', '=', 'active')
    .where('reminded_at', 'is', null)
    .where('expires_at', '>', now)
    .where('expires_at', '<=', now + EXPIRY_REMINDER_MS)
    .orderBy('expires_at')
    .limit(BATCH)
    .execute();
  let reminded = 0;
  for (const { id } of due) {
    const done = await deps.db.kysely.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('live_code_entries')
        .set({ reminded_at: now })
        .where('id', '=', id)
        .where('reminded_at', 'is', null)
        .returning(ENTRY_COLUMNS)
        .executeTakeFirst();
      if (!row) return false;
      await recordEvent(
        tx,
        { workspaceId: row.workspace_id, type: 'live_code.entry_expiring', payload: { liveCodeId: row.live_code_id, entry: eventEntry(row), expiresAt: new Date(row.expires_at!).toISOString() } },
        now,
      );
      return true;
    });
    if (done) reminded += 1;
  }
  return reminded;
}

/** Every minute, once across processes: expiry reminders first, then retirements. */
export function registerLiveCodeJobs(runner: JobRunner): void {
  runner.define({
    name: 'live-codes.sweep',
    maxAttempts: 3,
    handler: async (_payload, { deps }) => {
      const reminded = await remindExpiringEntries(deps);
      const retired = await retireExpiredEntries(deps);
      if (reminded + retired > 0) deps.logger.info({ reminded, retired }, 'live code entries reminded and retired');
    },
  });
  runner.schedule({ name: 'live-codes.sweep', every: { seconds: 60 }, job: 'live-codes.sweep' });
}
