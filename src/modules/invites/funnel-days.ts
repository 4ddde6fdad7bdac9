import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { utcDay } from '../codes/tokens.ts';
import type { InviteRow } from './repository.ts';

/**
 * Funnel days are UTC calendar days (YYYY-MM-DD), like the short-link click days and the quota
 * days: one day boundary for every workspace and every process, whatever the server's time zone.
 */
export const DAY_MS = 24 * 3600 * 1000;

/** The UTC midnight a day starts at, or null when the text is not a day of the calendar (2030-02-30). */
export function dayStart(day: string): number | null {
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  return Number.isNaN(ms) || utcDay(ms) !== day ? null : ms;
}

export function addDays(day: string, days: number): string {
  return utcDay(Date.parse(`${day}T00:00:00.000Z`) + days * DAY_MS);
}

/** The code a funnel row belongs to, with the owner and campaign copied into the row. */
export type FunnelCode = Pick<InviteRow, 'id' | 'workspace_id' | 'owner_key' | 'campaign_id'>;

export interface FunnelIncrement {
  code: FunnelCode;
  day: string;
  shown?: number;
  redeemed?: number;
  activeNextDay?: number;
  activeDay7?: number;
}

const CHUNK_ROWS = 500;

/**
 * Adds counts to codes' day rows, creating the rows as needed: one upsert per 500 rows. Rows are
 * written in (code, day) order so that concurrent writers on PostgreSQL take the row locks in the
 * same order and never deadlock each other. Increments for the same code and day must be summed
 * by the caller (one statement may not touch a row twice).
 */
export async function addToFunnelDays(tx: Executor, increments: FunnelIncrement[]): Promise<void> {
  const rows = increments
    .map((inc) => ({
      invite_id: inc.code.id,
      day: inc.day,
      workspace_id: inc.code.workspace_id,
      owner_key: inc.code.owner_key,
      campaign_id: inc.code.campaign_id,
      shown: inc.shown ?? 0,
      redeemed: inc.redeemed ?? 0,
      active_next_day: inc.activeNextDay ?? 0,
      active_day7: inc.activeDay7 ?? 0,
    }))
    .sort((a, b) => (a.invite_id === b.invite_id ? (a.day < b.day ? -1 : a.day > b.day ? 1 : 0) : a.invite_id < b.invite_id ? -1 : 1));
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
    await tx
      .insertInto('invite_funnel_days')
      .values(rows.slice(i, i + CHUNK_ROWS))
      .onConflict((oc) =>
        oc.columns(['invite_id', 'day']).doUpdateSet({
          shown: sql<number>`invite_funnel_days.shown + excluded.shown`,
          redeemed: sql<number>`invite_funnel_days.redeemed + excluded.redeemed`,
          active_next_day: sql<number>`invite_funnel_days.active_next_day + excluded.active_next_day`,
          active_day7: sql<number>`invite_funnel_days.active_day7 + excluded.active_day7`,
        }),
      )
      .execute();
  }
}
