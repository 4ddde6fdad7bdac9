import type { Executor } from '../../db/index.ts';
import { utcDay } from './tokens.ts';

export type CodeRow = NonNullable<Awaited<ReturnType<typeof findCodeRow>>>;

/** A code with its admitted scans of the day `now` falls in. */
export function findCodeRow(db: Executor, codeId: string, now: number) {
  return db
    .selectFrom('codes')
    .leftJoin('code_scan_days', (join) => join.onRef('code_scan_days.code_id', '=', 'codes.id').on('code_scan_days.day', '=', utcDay(now)))
    .selectAll('codes')
    .select('code_scan_days.scans as scans_today')
    .where('codes.id', '=', codeId)
    .executeTakeFirst();
}

export async function findWorkspaceCode(db: Executor, workspaceId: string, codeId: string, now: number): Promise<CodeRow | undefined> {
  const row = await findCodeRow(db, codeId, now);
  return row && row.workspace_id === workspaceId ? row : undefined;
}

export function listCodeRows(db: Executor, workspaceId: string, now: number, filter: { groupId?: string; kind?: 'group' | 'live'; status?: string; before?: string; limit: number }) {
  let query = db
    .selectFrom('codes')
    .leftJoin('code_scan_days', (join) => join.onRef('code_scan_days.code_id', '=', 'codes.id').on('code_scan_days.day', '=', utcDay(now)))
    .selectAll('codes')
    .select('code_scan_days.scans as scans_today')
    .where('codes.workspace_id', '=', workspaceId);
  if (filter.groupId) query = query.where('codes.group_id', '=', filter.groupId);
  if (filter.kind) query = query.where('codes.group_id', filter.kind === 'live' ? 'is' : 'is not', null);
  if (filter.status) query = query.where('codes.status', '=', filter.status);
  if (filter.before) query = query.where('codes.id', '<', filter.before);
  return query.orderBy('codes.id', 'desc').limit(filter.limit).execute();
}
