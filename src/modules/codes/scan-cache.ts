import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { PAGE_BUDGET_BYTES } from '../../pages/layout.ts';
import { getGroup, presentGroup } from '../groups/service.ts';
import type { GroupView } from '../groups/schema.ts';
import type { BatchCheck, ScanRecord } from '../scans/recorder.ts';
import { scanCapReached } from './caps.ts';
import type { CodeSource } from './code-source.ts';
import { findCodeRow, type CodeRow } from './repository.ts';
import { utcDay } from './tokens.ts';

/** Codes (and groups) kept per process; the least recently refreshed go first. */
export const SCAN_CACHE_MAX_CODES = 2_000;

/** What a scan was judged on: the code row (counters included) and, if the lookup read it, the group. */
export interface ScanSnapshot {
  row: CodeRow;
  group: GroupView | null;
}

/** A CodeSource for one scan that remembers what it served. */
export interface TrackedSource extends CodeSource {
  snapshot(): ScanSnapshot | undefined;
}

export interface ScanCache {
  /** A source for one lookup: cached code and group when present, else read and kept. */
  source(): TrackedSource;
  /** The recorder's check: each scan against the state its batch reads (and on PostgreSQL locks). */
  check: BatchCheck<ScanSnapshot>;
}

interface Entry {
  /** scans_today counts the admitted scans of `day`. */
  row: CodeRow;
  day: string;
  group: GroupView | null;
}

/** Every column but the counters (which the caps check judges separately). */
function sameCode(a: CodeRow, b: CodeRow): boolean {
  const keys = Object.keys(b) as (keyof CodeRow)[];
  if (Object.keys(a).length !== keys.length) return false;
  for (const key of keys) if (key !== 'scans_total' && key !== 'scans_today' && a[key] !== b[key]) return false;
  return true;
}

function sameGroup(a: GroupView, b: GroupView): boolean {
  for (const key of Object.keys(b) as (keyof GroupView)[]) if (a[key] !== b[key]) return false;
  return true;
}

/**
 * The group as the scan path uses it. The landing page never inlines an avatar that alone fills
 * the page's budget (a letter stands in), so such an avatar is not kept: a cached group costs at
 * most a page's worth of text, not the 350 KB an avatar may take.
 */
function forScans(group: GroupView): GroupView {
  return group.avatar !== null && group.avatar.length >= PAGE_BUDGET_BYTES ? { ...group, avatar: null } : group;
}

/**
 * The scan path's per-process cache of codes and their groups, so a scan reads nothing from the
 * database before it is judged. It needs no invalidation, because nothing judged on it is
 * acknowledged unchecked: each group-commit batch reads, inside its transaction, the current row of
 * every code it holds (locked FOR UPDATE on PostgreSQL, where other processes write too), that
 * code's group and its counters, and re-judges every scan against them. A scan whose code or group
 * changed since it was judged — reset, revoke, pause, an edit, a join, from this process or any
 * other — or whose cap verdict no longer holds with the counters as they are now (this batch's
 * earlier scans included), is left out of the batch and judged again on the fresh state, which the
 * batch puts in the cache once it commits. So a reset refuses the old token at once on every
 * process, and the caps hold exactly, across processes too. On SQLite, while no other connection
 * has committed since the previous batch (its data_version is unchanged), the state that batch left
 * behind is the current one, and is not read again.
 */
export function createScanCache(deps: Deps): ScanCache {
  const entries = new Map<string, Entry>();
  /** One object per group state, shared by its codes (and by the pages rendered for it). */
  const groups = new Map<string, GroupView>();

  function keep<T>(map: Map<string, T>, key: string, value: T): void {
    map.delete(key);
    if (map.size >= SCAN_CACHE_MAX_CODES) map.delete(map.keys().next().value!);
    map.set(key, value);
  }

  function intern(group: GroupView): GroupView {
    const known = groups.get(group.id);
    if (known && sameGroup(known, group)) return known;
    keep(groups, group.id, group);
    return group;
  }

  function source(): TrackedSource {
    let served: { codeId: string; row: CodeRow; group: GroupView | null } | undefined;
    return {
      async code(codeId, now) {
        const day = utcDay(now);
        let entry = entries.get(codeId);
        if (!entry) {
          const row = await findCodeRow(deps.db.reader, codeId, now);
          if (!row) return undefined;
          // A live code (no group of its own) is routed over a pool this cache does not hold: it is
          // read afresh for every scan and judged as read, with nothing for the batch to check.
          if (row.group_id === null) return row;
          entry = { row, day, group: null };
          // A batch may have cached a newer state meanwhile; keep that one.
          if (!entries.has(codeId)) keep(entries, codeId, entry);
        }
        // A new UTC day starts from zero here; the batch corrects this if another process scanned.
        const row = entry.day === day ? entry.row : { ...entry.row, scans_today: 0 };
        served = { codeId, row, group: null };
        return row;
      },
      async group(workspaceId, groupId) {
        const entry = served ? entries.get(served.codeId) : undefined;
        const ours = entry?.row.group_id === groupId && entry.row.workspace_id === workspaceId;
        let group = (ours ? entry.group : null) ?? groups.get(groupId) ?? null;
        if (!group) group = intern(forScans(await getGroup(deps.db.reader, workspaceId, groupId)));
        if (ours && entries.get(served!.codeId) === entry) entry.group = group;
        if (served) served.group = group;
        return group;
      },
      snapshot: () => (served ? { row: served.row, group: served.group } : undefined),
    };
  }

  /**
   * The state the last batch left its codes in, and the database's data version then. While no
   * other connection has committed since (the version is unchanged), that is still the state, and
   * the next batch need not read it again.
   */
  let written: { version: number; states: Map<string, FreshState> } | null = null;

  const check: BatchCheck<ScanSnapshot> = async (db, scans) => {
    const reads = db.dialect === 'sqlite' ? sqliteReads(db.connection, db.own) : postgresReads(db.tx);
    const version = reads.version();
    const fresh = await readFresh(reads, scans, version !== null && written?.version === version ? written.states : null);
    const running = new Map<string, number>();
    const count = (key: string) => running.get(key) ?? 0;
    // A batch's scans of one code were mostly judged on the same cached objects: compare those once.
    const unchanged = new Map<object, boolean>();
    const same = <T extends object>(served: T, current: T, compare: (a: T, b: T) => boolean): boolean => {
      if (served === current) return true;
      let result = unchanged.get(served);
      if (result === undefined) unchanged.set(served, (result = compare(served, current)));
      return result;
    };
    const stands = scans.map((scan) => {
      const state = fresh.get(scan.codeId);
      const day = utcDay(scan.at);
      const snapshot = scan.snapshot;
      const ok =
        !snapshot ||
        (state?.row != null &&
          same(snapshot.row, state.row, sameCode) &&
          (snapshot.group === null || (state.group !== null && same(snapshot.group, state.group, sameGroup))) &&
          scanCapReached(snapshot.row, snapshot.row.scans_today ?? 0, snapshot.row.scans_total) ===
            scanCapReached(state.row, (state.today.get(day) ?? 0) + count(`${scan.codeId}|${day}`), state.row.scans_total + count(scan.codeId)));
      if (ok && scan.admitted) {
        running.set(`${scan.codeId}|${day}`, count(`${scan.codeId}|${day}`) + 1);
        running.set(scan.codeId, count(scan.codeId) + 1);
      }
      return ok;
    });
    return {
      stands,
      committed() {
        // What this batch leaves behind, its own scans counted. A code it wrote scans of without
        // reading it (scans recorded as judged, unchecked) is read again next time, by both.
        const states = version !== null && written?.version === version ? written.states : new Map<string, FreshState>();
        for (const scan of scans) {
          if (fresh.has(scan.codeId)) continue;
          states.delete(scan.codeId);
          entries.delete(scan.codeId);
        }
        for (const [codeId, state] of fresh) {
          if (!state.row || !state.group) {
            entries.delete(codeId);
            states.delete(codeId);
            continue;
          }
          const today = new Map([...state.today].map(([day, n]) => [day, n + count(`${codeId}|${day}`)]));
          const day = state.lastDay;
          const row: CodeRow = { ...state.row, scans_total: state.row.scans_total + count(codeId), scans_today: today.get(day) ?? 0 };
          // The same group object while the group is unchanged: pages rendered for it stay cached.
          const group = intern(state.group);
          keep(entries, codeId, { row, day, group });
          keep(states, codeId, { row, group, today, lastDay: day });
        }
        written = version === null ? null : { version, states };
      },
    };
  };

  return { source, check };
}

interface FreshState {
  /** Null when the code (or its group) is gone. */
  row: CodeRow | null;
  group: GroupView | null;
  /** Admitted scans per UTC day, for the days this batch's scans fall in. */
  today: Map<string, number>;
  /** The day of the batch's latest scan of this code: the one the cache keeps. */
  lastDay: string;
}

/** Reads inside the batch's transaction. */
interface FreshReads {
  /** A number that changes whenever another connection has committed (SQLite's data_version), or null. */
  version(): number | null;
  code(codeId: string): Promise<Omit<CodeRow, 'scans_today'> | undefined>;
  scansOn(codeId: string, day: string): Promise<number>;
  group(workspaceId: string, groupId: string): Promise<GroupView | null>;
}

/**
 * PostgreSQL: the code rows are locked, in id order as the counter updates lock them, so no other
 * process's batch moves their counters until this one commits.
 */
function postgresReads(tx: Kysely<Database>): FreshReads {
  return {
    version: () => null,
    code: (codeId) => tx.selectFrom('codes').selectAll().where('id', '=', codeId).forUpdate().executeTakeFirst(),
    async scansOn(codeId, day) {
      const row = await tx.selectFrom('code_scan_days').select('scans').where('code_id', '=', codeId).where('day', '=', day).executeTakeFirst();
      return row?.scans ?? 0;
    },
    async group(workspaceId, groupId) {
      const row = await tx.selectFrom('groups').selectAll().where('id', '=', groupId).where('workspace_id', '=', workspaceId).executeTakeFirst();
      return row ? forScans(presentGroup(row)) : null;
    },
  };
}

const sqliteReadsOf = new WeakMap<SQLite.Database, FreshReads>();

/**
 * SQLite: the batch's transaction holds the database's write lock, so what it reads stays true
 * until it commits. Statements are prepared once per connection. The data version tells of other
 * connections' commits only, so it serves only on a connection nothing but scan batches write on.
 */
function sqliteReads(connection: SQLite.Database, own: boolean): FreshReads {
  let reads = sqliteReadsOf.get(connection);
  if (reads) return reads;
  const version = connection.prepare('pragma data_version').pluck();
  const code = connection.prepare('select * from codes where id = ?');
  const scansOn = connection.prepare('select scans from code_scan_days where code_id = ? and day = ?').pluck();
  const group = connection.prepare('select * from groups where id = ? and workspace_id = ?');
  reads = {
    version: () => (own ? (version.get() as number) : null),
    code: async (codeId) => code.get(codeId) as Omit<CodeRow, 'scans_today'> | undefined,
    scansOn: async (codeId, day) => (scansOn.get(codeId, day) as number | undefined) ?? 0,
    async group(workspaceId, groupId) {
      const row = group.get(groupId, workspaceId) as Parameters<typeof presentGroup>[0] | undefined;
      return row ? forScans(presentGroup(row)) : null;
    },
  };
  sqliteReadsOf.set(connection, reads);
  return reads;
}

/**
 * The current state of every code the batch's checked scans name, read in the batch's transaction
 * unless `known` (what the previous batch left, when nothing else has been committed since) has it
 * for every day the batch's scans fall in.
 */
async function readFresh(reads: FreshReads, scans: readonly ScanRecord<ScanSnapshot>[], known: Map<string, FreshState> | null): Promise<Map<string, FreshState>> {
  const days = new Map<string, Set<string>>();
  for (const scan of scans) {
    if (!scan.snapshot) continue;
    const set = days.get(scan.codeId) ?? new Set<string>();
    set.add(utcDay(scan.at));
    days.set(scan.codeId, set);
  }
  const fresh = new Map<string, FreshState>();
  for (const codeId of [...days.keys()].sort()) {
    const codeDays = [...days.get(codeId)!].sort();
    const lastDay = codeDays.at(-1)!;
    const before = known?.get(codeId);
    if (before && codeDays.every((day) => before.today.has(day))) {
      fresh.set(codeId, { ...before, lastDay });
      continue;
    }
    const row = await reads.code(codeId);
    // A code that has become a live code is, for this cache, as good as gone.
    const group = row?.group_id ? await reads.group(row.workspace_id, row.group_id) : null;
    if (!row || !group) {
      fresh.set(codeId, { row: null, group: null, today: new Map(), lastDay });
      continue;
    }
    const today = new Map<string, number>();
    for (const day of codeDays) today.set(day, await reads.scansOn(codeId, day));
    fresh.set(codeId, { row: { ...row, scans_today: null }, group, today, lastDay });
  }
  return fresh;
}
