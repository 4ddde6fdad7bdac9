import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { recordEvent } from '../events/outbox.ts';
import { purgeQuotaDays } from './quota.ts';
import { presentInvite } from './service.ts';
import { DEFAULT_EXPIRING_LEAD_HOURS, DEFAULT_RETENTION_DAYS } from './settings.ts';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;
const BATCH = 200;
/** Batches per run, so one run stays short; the next run picks up the rest. */
const MAX_BATCHES = 50;
/**
 * An ended code stays among the workspace's codes for a week (an expired one can still be
 * extended, seed: 后台修改) before it moves to the history (转入历史库).
 */
export const ARCHIVE_AFTER_MS = 7 * DAY_MS;

/**
 * invite.expiring, once per code and expiry: active codes expiring within their workspace's lead
 * time. The flag is set by a compare-and-set in the transaction that writes the event, so two
 * runs never announce a code twice; extending a code clears it for the new expiry.
 */
export async function announceExpiring(deps: Deps): Promise<number> {
  const db = deps.db.kysely;
  let announced = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const now = deps.clock.now();
    const due = await db
      .selectFrom('invites')
      .leftJoin('invite_settings', 'invite_settings.workspace_id', 'invites.workspace_id')
      .select('invites.id')
      .where('invites.status', '=', 'active')
      .where('invites.archived_at', 'is', null)
      .where('invites.expiring_notified_at', 'is', null)
      .where('invites.expires_at', '>', now)
      .where(sql<boolean>`invites.expires_at <= cast(${now} as bigint) + coalesce(invite_settings.expiring_lead_hours, ${DEFAULT_EXPIRING_LEAD_HOURS}) * cast(${HOUR_MS} as bigint)`)
      .orderBy('invites.expires_at')
      .limit(BATCH)
      .execute();
    if (due.length === 0) break;
    announced += await db.transaction().execute(async (tx) => {
      const rows = await tx
        .updateTable('invites')
        .set({ expiring_notified_at: now })
        .where('id', 'in', due.map((d) => d.id))
        .where('status', '=', 'active')
        .where('expiring_notified_at', 'is', null)
        .returningAll()
        .execute();
      for (const row of rows) {
        await recordEvent(tx, { workspaceId: row.workspace_id, type: 'invite.expiring', payload: { invite: presentInvite(row, now), expiresAt: new Date(row.expires_at!).toISOString() } }, now);
      }
      return rows.length;
    });
  }
  return announced;
}

/** Marks active codes past their expiry as expired (ended when they expired) and writes invite.expired for each, once. */
export async function markExpired(deps: Deps): Promise<number> {
  const db = deps.db.kysely;
  let expired = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const now = deps.clock.now();
    const due = await db.selectFrom('invites').select('id').where('status', '=', 'active').where('expires_at', '<=', now).orderBy('expires_at').limit(BATCH).execute();
    if (due.length === 0) break;
    expired += await db.transaction().execute(async (tx) => {
      const rows = await tx
        .updateTable('invites')
        .set((eb) => ({ status: 'expired', ended_at: eb.ref('expires_at'), updated_at: now }))
        .where('id', 'in', due.map((d) => d.id))
        .where('status', '=', 'active')
        .where('expires_at', '<=', now)
        .returningAll()
        .execute();
      for (const row of rows) await recordEvent(tx, { workspaceId: row.workspace_id, type: 'invite.expired', payload: { invite: presentInvite(row, now) } }, now);
      return rows.length;
    });
  }
  return expired;
}

/**
 * Retention: codes that ended a week ago are archived, archived codes are purged (with their
 * redemptions; referral edges stay) once their workspace's retentionDays have passed since they
 * ended, and quota counters of past days are dropped.
 */
export async function applyRetention(deps: Deps): Promise<{ archived: number; purged: number }> {
  const db = deps.db.kysely;
  const now = deps.clock.now();
  const archived = await db
    .updateTable('invites')
    .set({ archived_at: now })
    .where('archived_at', 'is', null)
    .where('status', '!=', 'active')
    .where('ended_at', '<=', now - ARCHIVE_AFTER_MS)
    .executeTakeFirst();
  let purged = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const due = db
      .selectFrom('invites')
      .leftJoin('invite_settings', 'invite_settings.workspace_id', 'invites.workspace_id')
      .select('invites.id')
      .where('invites.archived_at', 'is not', null)
      .where(sql<boolean>`invites.ended_at <= cast(${now} as bigint) - coalesce(invite_settings.retention_days, ${DEFAULT_RETENTION_DAYS}) * cast(${DAY_MS} as bigint)`)
      .limit(BATCH * 5);
    const deleted = await db.deleteFrom('invites').where('id', 'in', due).executeTakeFirst();
    purged += Number(deleted.numDeletedRows);
    if (Number(deleted.numDeletedRows) === 0) break;
  }
  await purgeQuotaDays(db, now);
  return { archived: Number(archived.numUpdatedRows), purged };
}
