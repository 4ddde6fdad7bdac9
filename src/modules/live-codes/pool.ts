import type { Executor } from '../../db/index.ts';
import { recordEvent } from '../events/outbox.ts';
import { listEntryRows, toPoolEntry, type EntryRow } from './repository.ts';
import { unusableReason } from './routing.ts';
import type { PoolState } from './schema.ts';

/** One usable entry left is low; none is empty. A pool with a template refills itself, so it stays ok. */
export function poolStateOf(usableEntries: number, hasTemplate: boolean): PoolState {
  if (hasTemplate || usableEntries >= 2) return 'ok';
  return usableEntries === 1 ? 'low' : 'empty';
}

/** The event that a move from one state to another fires: only drops alert. */
function alertFor(from: string, to: PoolState): 'live_code.pool_low' | 'live_code.pool_empty' | null {
  if (to === 'empty' && from !== 'empty') return 'live_code.pool_empty';
  if (to === 'low' && from === 'ok') return 'live_code.pool_low';
  return null;
}

/** What an entry event carries: enough to tell entries apart without the console. */
export function eventEntry(row: Pick<EntryRow, 'id' | 'kind' | 'label' | 'platform' | 'source' | 'group_id' | 'scans' | 'scan_threshold' | 'expires_at' | 'status'>) {
  return {
    id: row.id,
    kind: row.kind,
    label: row.label,
    platform: row.platform,
    source: row.source,
    groupId: row.group_id,
    scans: row.scans,
    scanThreshold: row.scan_threshold,
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at).toISOString(),
    status: row.status,
  };
}

/**
 * Judges a pool's state again and stores it; a drop to one usable entry records
 * live_code.pool_low, a drop to none live_code.pool_empty. The stored state moves by a
 * compare-and-set, so each transition fires once even when several processes judge it together.
 * Call it in the transaction that changed the entries.
 */
export async function refreshPoolState(tx: Executor, liveCodeId: string, now: number): Promise<PoolState | null> {
  const live = await tx
    .selectFrom('live_codes')
    .innerJoin('codes', 'codes.id', 'live_codes.code_id')
    .select(['live_codes.pool_state', 'live_codes.template', 'live_codes.workspace_id', 'codes.name'])
    .where('live_codes.code_id', '=', liveCodeId)
    .executeTakeFirst();
  if (!live) return null;
  const entries = await listEntryRows(tx, [liveCodeId]);
  const judged = entries.map((row) => ({ row, reason: unusableReason(toPoolEntry(row), now) }));
  const usable = judged.filter((j) => j.reason === null).length;
  const next = poolStateOf(usable, live.template !== null);
  if (next === live.pool_state) return next;
  const moved = await tx
    .updateTable('live_codes')
    .set({ pool_state: next })
    .where('code_id', '=', liveCodeId)
    .where('pool_state', '=', live.pool_state)
    .executeTakeFirst();
  const alert = alertFor(live.pool_state, next);
  if (Number(moved.numUpdatedRows) === 1 && alert) {
    await recordEvent(
      tx,
      {
        workspaceId: live.workspace_id,
        type: alert,
        payload: {
          liveCodeId,
          name: live.name,
          usableEntries: usable,
          entries: judged.map(({ row, reason }) => ({ ...eventEntry(row), unusableReason: reason })),
          at: new Date(now).toISOString(),
        },
      },
      now,
    );
  }
  return next;
}

/**
 * Counts admitted scans routed to pool entries, in the scan recorder's batch transaction, and
 * retires link entries that reach their scan threshold (live_code.entry_retired, then the pool's
 * state is judged again). Entries are updated in id order so concurrent batches lock alike.
 */
export async function countEntryScans(tx: Executor, counts: Map<string, number>, now: number): Promise<void> {
  const retiredPools = new Set<string>();
  for (const [entryId, n] of [...counts.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    await tx
      .updateTable('live_code_entries')
      .set((eb) => ({ scans: eb('scans', '+', n) }))
      .where('id', '=', entryId)
      .execute();
    const retired = await tx
      .updateTable('live_code_entries')
      .set({ status: 'retired', retired_reason: 'threshold', updated_at: now })
      .where('id', '=', entryId)
      .where('status', '=', 'active')
      .where('kind', '=', 'link')
      .where('scan_threshold', 'is not', null)
      .where((eb) => eb('scans', '>=', eb.ref('scan_threshold')))
      .returning(['id', 'workspace_id', 'live_code_id', 'kind', 'label', 'platform', 'source', 'group_id', 'scans', 'scan_threshold', 'expires_at', 'status'])
      .executeTakeFirst();
    if (retired) {
      await recordEvent(tx, { workspaceId: retired.workspace_id, type: 'live_code.entry_retired', payload: { liveCodeId: retired.live_code_id, reason: 'threshold', entry: eventEntry(retired) } }, now);
      retiredPools.add(retired.live_code_id);
    }
  }
  for (const liveCodeId of [...retiredPools].sort()) await refreshPoolState(tx, liveCodeId, now);
}
