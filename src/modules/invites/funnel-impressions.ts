import type { Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { utcDay } from '../codes/tokens.ts';
import { normalizeCode } from './alphabet.ts';
import { addToFunnelDays, dayStart, type FunnelCode, type FunnelIncrement } from './funnel-days.ts';
import { applyReportOnce } from './funnel-reports.ts';
import type { ImpressionReport, ImpressionResult } from './funnel-schema.ts';

/** A report with bad items names each of them, up to this many. */
const ISSUES_LISTED = 100;
const LOOKUP_CHUNK = 500;

export interface ItemIssue {
  in: 'body';
  pointer: string;
  message: string;
}

/** The 400 for a report with bad items: all of them named (up to 100), nothing counted. */
export function reportRefused(issues: ItemIssue[]): AppError {
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new AppError('validation_failed', `body${first.pointer} ${first.message}${more}; nothing of the report was counted`, { errors: issues.slice(0, ISSUES_LISTED) });
}

/** Why a reported day cannot be counted: not a calendar day, or after today (UTC). */
export function dayIssue(day: string, today: string): string | null {
  if (dayStart(day) === null) return 'is not a calendar day';
  if (day > today) return `is in the future (today is ${today}, UTC)`;
  return null;
}

type CodeRow = FunnelCode & { code: string; created_at: number };

async function findCodes(tx: Executor, workspaceId: string, codes: string[]): Promise<Map<string, CodeRow>> {
  const found = new Map<string, CodeRow>();
  for (let i = 0; i < codes.length; i += LOOKUP_CHUNK) {
    const rows = await tx
      .selectFrom('invites')
      .select(['id', 'workspace_id', 'owner_key', 'campaign_id', 'code', 'created_at'])
      .where('workspace_id', '=', workspaceId)
      .where('code', 'in', codes.slice(i, i + LOOKUP_CHUNK))
      .execute();
    for (const row of rows) found.set(row.code, row);
  }
  return found;
}

/**
 * Adds the impressions the integrator reports (code, UTC day, count) to the codes' funnel days,
 * once per report id. Every item must name a code of this workspace (archived ones too) and a day
 * from the code's creation day to today; otherwise the report is refused whole, naming each bad item.
 */
export async function recordImpressions(deps: Deps, workspaceId: string, report: ImpressionReport): Promise<ImpressionResult> {
  return applyReportOnce(deps, { workspaceId, kind: 'impressions', reportId: report.reportId, items: report.items }, async (tx) => {
    const today = utcDay(deps.clock.now());
    const normalized = report.items.map((item) => normalizeCode(item.code));
    const codes = await findCodes(tx, workspaceId, [...new Set(normalized.filter((code) => code !== ''))]);
    const issues: ItemIssue[] = [];
    const sums = new Map<string, FunnelIncrement & { shown: number }>();
    report.items.forEach((item, i) => {
      const code = codes.get(normalized[i]!);
      const dayProblem = dayIssue(item.day, today);
      if (!code) issues.push({ in: 'body', pointer: `/items/${i}/code`, message: 'is not an invite code of this workspace' });
      if (dayProblem) issues.push({ in: 'body', pointer: `/items/${i}/day`, message: dayProblem });
      else if (code && item.day < utcDay(code.created_at)) {
        issues.push({ in: 'body', pointer: `/items/${i}/day`, message: `is before the code was created (${utcDay(code.created_at)})` });
      }
      if (!code || issues.length > 0) return;
      const key = `${code.id}|${item.day}`;
      const sum = sums.get(key) ?? { code, day: item.day, shown: 0 };
      sum.shown += item.count;
      sums.set(key, sum);
    });
    if (issues.length > 0) throw reportRefused(issues);
    await addToFunnelDays(tx, [...sums.values()]);
    return { items: report.items.length, impressions: report.items.reduce((total, item) => total + item.count, 0) };
  });
}
