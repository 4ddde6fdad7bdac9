import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';

export type ReportKind = 'impressions' | 'activity';

/** How long a report id is remembered: resends come within minutes or hours; a month is ample. */
export const REPORT_ID_TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * Applies an integrator's report once per report id, in one transaction with the report's row: the
 * row is inserted first (on PostgreSQL a concurrent resend waits on its key and then finds it), the
 * report applied, and its result stored. A resend with the same items gets the stored result with
 * replayed: true; the same id with other items is refused with 409 invite_report_conflict. A report
 * refused as invalid leaves nothing, its id included, so the corrected report may reuse it.
 */
export async function applyReportOnce<R extends object>(
  deps: Deps,
  report: { workspaceId: string; kind: ReportKind; reportId: string; items: unknown },
  apply: (tx: Transaction<Database>) => Promise<R>,
): Promise<R & { reportId: string; replayed: boolean }> {
  const digest = createHash('sha256').update(JSON.stringify(report.items)).digest('hex');
  const key = { workspace_id: report.workspaceId, kind: report.kind, report_id: report.reportId };
  const outcome = await deps.db.kysely.transaction().execute(async (tx) => {
    const now = deps.clock.now();
    const inserted = await tx
      .insertInto('invite_funnel_reports')
      .values({ ...key, digest, result: '', created_at: now })
      .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'report_id']).doNothing())
      .returning('report_id')
      .executeTakeFirst();
    if (!inserted) return null;
    const result = await apply(tx);
    await tx
      .updateTable('invite_funnel_reports')
      .set({ result: JSON.stringify(result) })
      .where('workspace_id', '=', key.workspace_id)
      .where('kind', '=', key.kind)
      .where('report_id', '=', key.report_id)
      .execute();
    return result;
  });
  if (outcome !== null) return { reportId: report.reportId, ...outcome, replayed: false };
  const first = await deps.db.kysely
    .selectFrom('invite_funnel_reports')
    .select(['digest', 'result'])
    .where('workspace_id', '=', key.workspace_id)
    .where('kind', '=', key.kind)
    .where('report_id', '=', key.report_id)
    .executeTakeFirstOrThrow();
  if (first.digest !== digest) {
    throw new AppError('invite_report_conflict', `The ${report.kind} report ${JSON.stringify(report.reportId)} was already received with other items; send new items under a new report id`);
  }
  return { reportId: report.reportId, ...(JSON.parse(first.result) as R), replayed: true };
}

/** Forgets report ids older than REPORT_ID_TTL_MS. */
export async function purgeReports(deps: Deps): Promise<number> {
  const result = await deps.db.kysely.deleteFrom('invite_funnel_reports').where('created_at', '<', deps.clock.now() - REPORT_ID_TTL_MS).executeTakeFirst();
  return Number(result.numDeletedRows);
}
