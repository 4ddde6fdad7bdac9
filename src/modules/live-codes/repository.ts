import type { Selectable } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { LiveCodeTable } from '../../db/schema.ts';
import type { EntryStatus, PoolEntry } from './routing.ts';

export type LiveCodeRow = Selectable<LiveCodeTable>;
export type EntryRow = Awaited<ReturnType<typeof listEntryRows>>[number];

export function findLiveCodeRow(db: Executor, codeId: string): Promise<LiveCodeRow | undefined> {
  return db.selectFrom('live_codes').selectAll().where('code_id', '=', codeId).executeTakeFirst();
}

export function listLiveCodeRows(db: Executor, workspaceId: string, filter: { before?: string; limit: number }): Promise<LiveCodeRow[]> {
  let query = db.selectFrom('live_codes').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.before) query = query.where('code_id', '<', filter.before);
  return query.orderBy('code_id', 'desc').limit(filter.limit).execute();
}

/** The entries of one or more pools in routing order, group entries with their group's state. */
export function listEntryRows(db: Executor, liveCodeIds: string[]) {
  return db
    .selectFrom('live_code_entries')
    .leftJoin('groups', 'groups.id', 'live_code_entries.group_id')
    .selectAll('live_code_entries')
    .select(['groups.name as group_name', 'groups.status as group_status', 'groups.member_count as group_member_count', 'groups.capacity as group_capacity'])
    .where('live_code_entries.live_code_id', 'in', liveCodeIds.length > 0 ? liveCodeIds : [''])
    .orderBy('live_code_entries.live_code_id')
    .orderBy('live_code_entries.position')
    .orderBy('live_code_entries.id')
    .execute();
}

export function parseAudience(text: string | null): string[] | null {
  if (text === null) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((a): a is string => typeof a === 'string') : null;
  } catch {
    return null;
  }
}

/** An entry row as the routing function sees it. */
export function toPoolEntry(row: EntryRow): PoolEntry {
  return {
    id: row.id,
    position: row.position,
    kind: row.kind === 'group' ? 'group' : 'link',
    status: row.status as EntryStatus,
    audience: parseAudience(row.audience),
    latitude: row.latitude,
    longitude: row.longitude,
    scans: row.scans,
    scanThreshold: row.scan_threshold,
    expiresAt: row.expires_at,
    group:
      row.kind === 'group' && row.group_status !== null
        ? { status: row.group_status, memberCount: row.group_member_count ?? 0, capacity: row.group_capacity ?? 0 }
        : null,
  };
}
