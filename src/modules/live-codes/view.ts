import { toIso } from '../../clock.ts';
import type { Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { findWorkspaceCode, type CodeRow } from '../codes/repository.ts';
import { presentCode } from '../codes/service.ts';
import { findLiveCodeRow, listEntryRows, parseAudience, toPoolEntry, type EntryRow, type LiveCodeRow } from './repository.ts';
import { unusableReason, type RoutingRule } from './routing.ts';
import { poolStateOf } from './pool.ts';
import type { EntryView, LiveCodeView } from './schema.ts';
import { parseTemplate } from './template.ts';

export function presentEntry(row: EntryRow, now: number): EntryView {
  const reason = unusableReason(toPoolEntry(row), now);
  return {
    id: row.id,
    position: row.position,
    kind: row.kind as EntryView['kind'],
    groupId: row.group_id,
    group:
      row.kind === 'group' && row.group_name !== null
        ? { name: row.group_name, status: row.group_status ?? 'archived', memberCount: row.group_member_count ?? 0, capacity: row.group_capacity ?? 0 }
        : null,
    groupNumber: row.group_number,
    source: row.source as EntryView['source'],
    payload: row.payload,
    label: row.label,
    platform: row.platform as EntryView['platform'],
    audience: parseAudience(row.audience),
    latitude: row.latitude,
    longitude: row.longitude,
    region: row.region,
    scans: row.scans,
    scanThreshold: row.scan_threshold,
    expiresAt: toIso(row.expires_at),
    status: row.status as EntryView['status'],
    retiredReason: row.retired_reason as EntryView['retiredReason'],
    usable: reason === null,
    unusableReason: reason,
    remindedAt: toIso(row.reminded_at),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

export function presentLiveCode(deps: Deps, code: CodeRow, live: LiveCodeRow, entries: EntryRow[]): LiveCodeView {
  const now = deps.clock.now();
  const views = entries.map((row) => presentEntry(row, now));
  const usable = views.filter((e) => e.usable).length;
  return {
    id: code.id,
    name: code.name,
    code: presentCode(deps, code),
    rule: live.rule as RoutingRule,
    template: parseTemplate(live.template),
    nextGroupNumber: live.next_group_number,
    scanThreshold: live.scan_threshold,
    entryValidityHours: live.entry_validity_hours,
    // Judged now; the stored state (pool.ts) is the last one alerted on, which a leave may have outdated.
    poolState: poolStateOf(usable, live.template !== null),
    usableEntries: usable,
    entries: views,
    createdAt: toIso(live.created_at),
    updatedAt: toIso(live.updated_at),
  };
}

/** A live code of the workspace, read through `db` (a transaction when about to change it). */
export async function loadLiveCode(db: Executor, workspaceId: string, codeId: string, now: number): Promise<{ code: CodeRow; live: LiveCodeRow; entries: EntryRow[] }> {
  const code = await findWorkspaceCode(db, workspaceId, codeId, now);
  const live = code ? await findLiveCodeRow(db, codeId) : undefined;
  if (!code || !live) throw new AppError('not_found', 'No such live code');
  return { code, live, entries: await listEntryRows(db, [codeId]) };
}
