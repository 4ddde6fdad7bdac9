import type { Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { utcDay } from '../codes/tokens.ts';
import { addDays, addToFunnelDays, DAY_MS, dayStart, type FunnelCode, type FunnelIncrement } from './funnel-days.ts';
import { dayIssue, reportRefused, type ItemIssue } from './funnel-impressions.ts';
import { applyReportOnce } from './funnel-reports.ts';
import type { ActivityReport, ActivityResult } from './funnel-schema.ts';

/** Days after the redemption day that count: 1 (次留, active the next day) and 7 (active on day 7). */
const RETENTION_OFFSETS = [1, 7] as const;
const USERS_PER_QUERY = 500;
const MARKS_PER_STATEMENT = 500;

interface Redemption {
  id: string;
  redeemer_id: string;
  created_at: number;
  code: FunnelCode;
}

/** The redemptions of these users made 1 to 7 days before one of their reported days. */
async function redemptionsBefore(tx: Executor, workspaceId: string, daysByUser: Map<string, Set<string>>, firstDay: string, lastDay: string): Promise<Redemption[]> {
  const users = [...daysByUser.keys()];
  const found: Redemption[] = [];
  for (let i = 0; i < users.length; i += USERS_PER_QUERY) {
    const rows = await tx
      .selectFrom('invite_redemptions as r')
      .innerJoin('invites as i', 'i.id', 'r.invite_id')
      .select(['r.id', 'r.redeemer_id', 'r.created_at', 'i.id as invite_id', 'i.workspace_id', 'i.owner_key', 'i.campaign_id'])
      .where('r.workspace_id', '=', workspaceId)
      .where('r.redeemer_id', 'in', users.slice(i, i + USERS_PER_QUERY))
      .where('r.created_at', '>=', dayStart(firstDay)! - 7 * DAY_MS)
      .where('r.created_at', '<', dayStart(lastDay)!)
      .execute();
    for (const row of rows) {
      found.push({ id: row.id, redeemer_id: row.redeemer_id, created_at: row.created_at, code: { id: row.invite_id, workspace_id: row.workspace_id, owner_key: row.owner_key, campaign_id: row.campaign_id } });
    }
  }
  return found;
}

/** Marks each (redemption, offset) once; returns the marks that are new. */
async function markReturning(tx: Executor, marks: { redemption_id: string; offset_days: number }[]): Promise<{ redemption_id: string; offset_days: number }[]> {
  const fresh: { redemption_id: string; offset_days: number }[] = [];
  for (let i = 0; i < marks.length; i += MARKS_PER_STATEMENT) {
    const inserted = await tx
      .insertInto('invite_retention_marks')
      .values(marks.slice(i, i + MARKS_PER_STATEMENT))
      .onConflict((oc) => oc.columns(['redemption_id', 'offset_days']).doNothing())
      .returning(['redemption_id', 'offset_days'])
      .execute();
    fresh.push(...inserted);
  }
  return fresh;
}

/**
 * Counts the activity the integrator reports (user id, UTC day) against redemptions, once per
 * report id and once per redemption and offset whatever is resent: a redemption on UTC day D is
 * "active the next day" when its redeemer is reported active on D+1, and "active on day 7" when
 * on D+7. Counts go to the redemption day's funnel row, so a day's retention is over that day's
 * redemptions (a cohort). Activity of users with no redemption on the matching day counts for
 * nothing and is not kept. Days must be calendar days up to today (UTC); any other item refuses the report.
 */
export async function recordActivity(deps: Deps, workspaceId: string, report: ActivityReport): Promise<ActivityResult> {
  return applyReportOnce(deps, { workspaceId, kind: 'activity', reportId: report.reportId, items: report.items }, async (tx) => {
    const today = utcDay(deps.clock.now());
    const issues: ItemIssue[] = [];
    report.items.forEach((item, i) => {
      const problem = dayIssue(item.day, today);
      if (problem) issues.push({ in: 'body', pointer: `/items/${i}/day`, message: problem });
    });
    if (issues.length > 0) throw reportRefused(issues);

    const daysByUser = new Map<string, Set<string>>();
    for (const item of report.items) daysByUser.set(item.userId, (daysByUser.get(item.userId) ?? new Set()).add(item.day));
    const days = report.items.map((item) => item.day).sort();
    const redemptions = await redemptionsBefore(tx, workspaceId, daysByUser, days[0]!, days[days.length - 1]!);

    const byId = new Map(redemptions.map((r) => [r.id, r]));
    // In key order, so concurrent reports on PostgreSQL wait for each other's marks instead of deadlocking.
    const candidates = redemptions
      .flatMap((r) =>
        RETENTION_OFFSETS.filter((offset) => daysByUser.get(r.redeemer_id)!.has(addDays(utcDay(r.created_at), offset))).map((offset) => ({ redemption_id: r.id, offset_days: offset })),
      )
      .sort((a, b) => (a.redemption_id === b.redemption_id ? a.offset_days - b.offset_days : a.redemption_id < b.redemption_id ? -1 : 1));
    const fresh = await markReturning(tx, candidates);

    const increments = new Map<string, FunnelIncrement & { activeNextDay: number; activeDay7: number }>();
    for (const mark of fresh) {
      const redemption = byId.get(mark.redemption_id)!;
      const day = utcDay(redemption.created_at);
      const key = `${redemption.code.id}|${day}`;
      const increment = increments.get(key) ?? { code: redemption.code, day, activeNextDay: 0, activeDay7: 0 };
      if (mark.offset_days === 1) increment.activeNextDay += 1;
      else increment.activeDay7 += 1;
      increments.set(key, increment);
    }
    await addToFunnelDays(tx, [...increments.values()]);
    return {
      items: report.items.length,
      activeNextDay: fresh.filter((m) => m.offset_days === 1).length,
      activeDay7: fresh.filter((m) => m.offset_days === 7).length,
    };
  });
}
