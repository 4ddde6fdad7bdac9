import type { Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import type { Actor } from '../audit/actor.ts';
import type { ResolvedCode } from '../codes/resolve.ts';
import { getGroup } from '../groups/service.ts';
import type { GroupView } from '../groups/schema.ts';
import { joinGroup, type JoinFailure } from '../members/join.ts';
import { refreshPoolState } from './pool.ts';
import { findLiveCodeRow, listEntryRows, toPoolEntry, type EntryRow, type LiveCodeRow } from './repository.ts';
import { route, unusableReason, type RoutingRule, type Scanner } from './routing.ts';
import { createNextGroup, numberedName, parseTemplate } from './template.ts';

/** An external group's way in, as the landing page shows it. */
export interface LinkTarget {
  source: 'image' | 'url';
  payload: string;
  label: string;
  platform: string | null;
}

/** What a scanner of a live code meets. */
export type ScanTarget =
  /** Nearest routing and the browser has not said where it is yet: ask first (no scan recorded). */
  | { kind: 'locate' }
  | { kind: 'group'; entryId: string; group: GroupView }
  | { kind: 'link'; entryId: string; link: LinkTarget }
  /** Every hosted group is full and the template will make the next one at join time. */
  | { kind: 'new_group'; group: { kind: 'hosted'; name: string; description: string; valueStatement: string; avatar: string | null; memberCount: number; platform: null; joinUrl: null; qrPayload: null } }
  | { kind: 'refused'; reason: 'group_full' | 'pool_empty' };

/** Joins through a live code try this many routings before giving up (each retry follows a race lost). */
const JOIN_ATTEMPTS = 10;

async function loadPool(db: Executor, codeId: string): Promise<{ live: LiveCodeRow; rows: EntryRow[] } | null> {
  const live = await findLiveCodeRow(db, codeId);
  return live ? { live, rows: await listEntryRows(db, [codeId]) } : null;
}

/** Claims the next round-robin slot: an atomic increment, so concurrent admissions get distinct slots. */
async function claimSlot(db: Executor, codeId: string): Promise<number> {
  const row = await db
    .updateTable('live_codes')
    .set((eb) => ({ rr_cursor: eb('rr_cursor', '+', 1) }))
    .where('code_id', '=', codeId)
    .returning('rr_cursor')
    .executeTakeFirst();
  return (row?.rr_cursor ?? 1) - 1;
}

function refusalOf(rows: EntryRow[], now: number): 'group_full' | 'pool_empty' {
  return rows.some((row) => unusableReason(toPoolEntry(row), now) === 'group_full') ? 'group_full' : 'pool_empty';
}

/**
 * Routes a scan of a live code. Nothing is reserved: for a hosted group the seat is taken when
 * the member joins (joinThroughLiveCode routes again then), so page views never fill a group.
 * Round-robin advances here only for link entries, whose scans are what they count.
 */
export async function routeScan(deps: Deps, code: ResolvedCode, scanner: Scanner, options: { askPosition: boolean }): Promise<ScanTarget> {
  const now = deps.clock.now();
  const pool = await loadPool(deps.db.reader, code.id);
  if (!pool) return { kind: 'refused', reason: 'pool_empty' };
  const { live, rows } = pool;
  const rule = live.rule as RoutingRule;
  if (rule === 'nearest' && scanner.position === null && options.askPosition) return { kind: 'locate' };
  const entries = rows.map(toPoolEntry);
  let routed = route(rule, entries, scanner, { cursor: live.rr_cursor, now });
  if (routed.ok && rule === 'round_robin' && routed.entry.kind === 'link') {
    routed = route(rule, entries, scanner, { cursor: await claimSlot(deps.db.kysely, code.id), now });
  }
  if (routed.ok) {
    const row = rows.find((r) => r.id === routed.entry.id)!;
    if (row.kind === 'group' && row.group_id !== null) return { kind: 'group', entryId: row.id, group: await getGroup(deps.db.reader, code.workspaceId, row.group_id) };
    return { kind: 'link', entryId: row.id, link: { source: row.source === 'image' ? 'image' : 'url', payload: row.payload ?? '', label: row.label, platform: row.platform } };
  }
  const template = parseTemplate(live.template);
  if (template) {
    return {
      kind: 'new_group',
      group: {
        kind: 'hosted',
        name: numberedName(template.namePattern, live.next_group_number),
        description: template.description ?? '',
        valueStatement: template.valueStatement ?? '',
        avatar: template.avatar ?? null,
        memberCount: 0,
        platform: null,
        joinUrl: null,
        qrPayload: null,
      },
    };
  }
  return { kind: 'refused', reason: refusalOf(rows, now) };
}

/** What the join pages show before the seat is taken: the group the member would join now. */
export type JoinPreview = { ok: true; name: string; memberCount: number } | { ok: false; reason: 'elsewhere' | 'group_full' | 'pool_empty' };

export async function previewJoin(deps: Deps, code: ResolvedCode, scanner: Scanner): Promise<JoinPreview> {
  const now = deps.clock.now();
  const pool = await loadPool(deps.db.reader, code.id);
  if (!pool) return { ok: false, reason: 'pool_empty' };
  const hosted = pool.rows.filter((r) => r.kind === 'group');
  const template = parseTemplate(pool.live.template);
  if (hosted.length === 0 && !template) return { ok: false, reason: 'elsewhere' };
  const routed = route(pool.live.rule as RoutingRule, hosted.map(toPoolEntry), scanner, { cursor: pool.live.rr_cursor, now });
  if (routed.ok) {
    const row = hosted.find((r) => r.id === routed.entry.id)!;
    return { ok: true, name: row.group_name ?? '', memberCount: row.group_member_count ?? 0 };
  }
  if (template) return { ok: true, name: numberedName(template.namePattern, pool.live.next_group_number), memberCount: 0 };
  return { ok: false, reason: refusalOf(hosted, now) };
}

export type LiveJoinResult = { ok: true; alreadyMember: boolean; groupId: string } | { ok: false; reason: JoinFailure };

/**
 * Joins a member through a live code: routes among the pool's hosted groups by the rule (with the
 * scanner's app and position), and takes the seat with joinGroup's atomic conditional increment.
 * A group that filled in the meantime sends the join to the next routing; when none has room the
 * template makes the next numbered group (exactly one per number, see createNextGroup) and the
 * member joins it. A member already in one of the pool's groups stays there.
 */
export async function joinThroughLiveCode(deps: Deps, input: { code: ResolvedCode; memberId: string; scanner: Scanner }): Promise<LiveJoinResult> {
  const { code, memberId, scanner } = input;
  const db = deps.db.kysely;
  const existing = await db
    .selectFrom('group_members')
    .innerJoin('live_code_entries', 'live_code_entries.group_id', 'group_members.group_id')
    .select('group_members.group_id')
    .where('live_code_entries.live_code_id', '=', code.id)
    .where('group_members.member_id', '=', memberId)
    .where('group_members.status', '=', 'active')
    .executeTakeFirst();
  if (existing) return { ok: true, alreadyMember: true, groupId: existing.group_id };
  const actor: Actor = { type: 'system', id: null, label: `live code ${code.name} (${code.id})`, ip: null, requestId: null };
  for (let attempt = 0; attempt < JOIN_ATTEMPTS; attempt += 1) {
    const now = deps.clock.now();
    const pool = await loadPool(db, code.id);
    if (!pool) return { ok: false, reason: 'not_found' };
    const rule = pool.live.rule as RoutingRule;
    const hosted = pool.rows.filter((r) => r.kind === 'group').map(toPoolEntry);
    let routed = route(rule, hosted, scanner, { cursor: pool.live.rr_cursor, now });
    if (routed.ok && rule === 'round_robin') routed = route(rule, hosted, scanner, { cursor: await claimSlot(db, code.id), now });
    if (routed.ok) {
      const groupId = pool.rows.find((r) => r.id === routed.entry.id)!.group_id!;
      const joined = await joinGroup(deps, { workspaceId: code.workspaceId, groupId, memberId, codeId: code.id, tags: code.tags, joinsPerHourCap: code.joinsPerHourCap });
      if (joined.ok) {
        await db.transaction().execute((tx) => refreshPoolState(tx, code.id, deps.clock.now()));
        return { ok: true, alreadyMember: joined.alreadyMember, groupId };
      }
      // Filled or archived since it was read: route again over the fresh state.
      if (joined.reason === 'full' || joined.reason === 'closed') continue;
      return joined;
    }
    const template = parseTemplate(pool.live.template);
    if (!template) return { ok: false, reason: 'full' };
    // Whether this join made the group or a concurrent one did, the next routing finds it.
    await createNextGroup(deps, actor, { codeId: code.id, workspaceId: code.workspaceId, template, number: pool.live.next_group_number });
  }
  return { ok: false, reason: 'full' };
}
