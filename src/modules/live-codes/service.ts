import type { Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../audit/actor.ts';
import { recordChange } from '../audit/record.ts';
import { findCodeRow } from '../codes/repository.ts';
import { insertCode, prepareSettings } from '../codes/service.ts';
import { poolStateOf, refreshPoolState } from './pool.ts';
import { listEntryRows, listLiveCodeRows, toPoolEntry, type EntryRow } from './repository.ts';
import { unusableReason, type RoutingRule } from './routing.ts';
import { checkPlace, checkPoolRules, checkThreshold, checkValidityHours, contradiction } from './rules.ts';
import { DEFAULT_ENTRY_VALIDITY_HOURS, DEFAULT_SCAN_THRESHOLD, type LiveCodeChanges, type LiveCodeView, type NewLiveCode } from './schema.ts';
import { checkTemplate, parseTemplate } from './template.ts';
import { loadLiveCode, presentLiveCode } from './view.ts';

/**
 * A hosted group may join a pool when it is active and belongs to the workspace. External groups
 * join as link entries (their QR image or join URL), where scans and expiry are what count.
 */
export async function checkPoolGroup(db: Executor, workspaceId: string, groupId: string, pointer: string): Promise<void> {
  const group = await db.selectFrom('groups').select(['kind', 'status']).where('id', '=', groupId).where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!group) throw contradiction(pointer, 'is not a group of this workspace');
  if (group.kind !== 'hosted') throw contradiction(pointer, 'is an external group: add it as a link entry (its QR image or join URL), whose scans and expiry the pool can count');
  if (group.status !== 'active') throw contradiction(pointer, 'is an archived group');
}

/** The next {n} when none is given: past every group the pool has, numbered or not. */
function nextNumberFor(entries: Pick<EntryRow, 'kind' | 'group_number'>[]): number {
  const groups = entries.filter((e) => e.kind === 'group');
  return Math.max(groups.length, ...groups.map((e) => e.group_number ?? 0)) + 1;
}

function usableCount(entries: EntryRow[], now: number): number {
  return entries.filter((row) => unusableReason(toPoolEntry(row), now) === null).length;
}

/** Reads the live code back inside the transaction, for the answer and the event. */
async function view(deps: Deps, tx: Executor, workspaceId: string, codeId: string): Promise<LiveCodeView> {
  const { code, live, entries } = await loadLiveCode(tx, workspaceId, codeId, deps.clock.now());
  return presentLiveCode(deps, code, live, entries);
}

/**
 * Creates a live code: a permanent code (on every plan: a live code exists so that one printed QR
 * outlives the groups behind it) with its pool rules and, optionally, its first hosted groups.
 */
export async function createLiveCode(deps: Deps, actor: Actor, workspaceId: string, input: NewLiveCode): Promise<LiveCodeView> {
  checkThreshold(input.scanThreshold);
  checkValidityHours(input.entryValidityHours);
  const groups = input.groups ?? [];
  groups.forEach((g, i) => checkPlace(g.latitude, g.longitude, `/groups/${i}`));
  const seen = new Set<string>();
  for (const g of groups) {
    if (seen.has(g.groupId)) throw new AppError('duplicate_entry', `Group ${g.groupId} is listed twice`);
    seen.add(g.groupId);
  }
  checkPoolRules(input.rule, Boolean(input.template), groups.map((g, i) => ({ id: `groups/${i}`, latitude: g.latitude ?? null, longitude: g.longitude ?? null })));
  const prepared = await prepareSettings(input);
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (tx) => {
    if (input.template) await checkTemplate(tx, workspaceId, input.template);
    for (const [i, g] of groups.entries()) await checkPoolGroup(tx, workspaceId, g.groupId, `/groups/${i}/groupId`);
    const code = await insertCode(deps, tx, workspaceId, { groupId: null, name: input.name.trim(), validityHours: null }, input, prepared, now);
    await tx
      .insertInto('live_codes')
      .values({
        code_id: code.id,
        workspace_id: workspaceId,
        rule: input.rule,
        template: input.template ? JSON.stringify(input.template) : null,
        next_group_number: input.nextGroupNumber ?? groups.length + 1,
        scan_threshold: input.scanThreshold ?? DEFAULT_SCAN_THRESHOLD,
        entry_validity_hours: input.entryValidityHours === undefined ? DEFAULT_ENTRY_VALIDITY_HOURS : input.entryValidityHours,
        rr_cursor: 0,
        pool_state: 'ok',
        created_at: now,
        updated_at: now,
      })
      .execute();
    for (const [position, g] of groups.entries()) {
      await tx
        .insertInto('live_code_entries')
        .values({
          id: newId(now),
          workspace_id: workspaceId,
          live_code_id: code.id,
          position,
          kind: 'group',
          group_id: g.groupId,
          source: null,
          payload: null,
          payload_hash: null,
          label: g.label ?? '',
          platform: null,
          audience: g.audience ? JSON.stringify(g.audience) : null,
          latitude: g.latitude ?? null,
          longitude: g.longitude ?? null,
          region: g.region ?? null,
          scans: 0,
          scan_threshold: null,
          expires_at: null,
          status: 'active',
          retired_reason: null,
          reminded_at: null,
          group_number: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    // The first state is where the pool starts, not a drop: it is stored without an alert.
    const state = poolStateOf(usableCount(await listEntryRows(tx, [code.id]), now), Boolean(input.template));
    await tx.updateTable('live_codes').set({ pool_state: state }).where('code_id', '=', code.id).execute();
    const created = await view(deps, tx, workspaceId, code.id);
    await recordChange(
      tx,
      actor,
      { workspaceId, action: 'live_code.created', targetType: 'code', targetId: code.id, details: { name: created.name, rule: created.rule, groups: groups.length }, event: { liveCode: created } },
      now,
    );
    return created;
  });
}

export async function getLiveCode(deps: Deps, workspaceId: string, codeId: string): Promise<LiveCodeView> {
  return view(deps, deps.db.kysely, workspaceId, codeId);
}

/** A page of live codes, newest first, with their entries (one query for all of them). */
export async function listLiveCodes(deps: Deps, workspaceId: string, filter: { before?: string; limit: number }): Promise<LiveCodeView[]> {
  const db = deps.db.kysely;
  const now = deps.clock.now();
  const lives = await listLiveCodeRows(db, workspaceId, filter);
  const entries = await listEntryRows(db, lives.map((l) => l.code_id));
  const views = [];
  for (const live of lives) {
    const code = await findCodeRow(db, live.code_id, now);
    if (!code) continue;
    views.push(presentLiveCode(deps, code, live, entries.filter((e) => e.live_code_id === live.code_id)));
  }
  return views;
}

export async function updateLiveCode(deps: Deps, actor: Actor, workspaceId: string, codeId: string, changes: LiveCodeChanges): Promise<LiveCodeView> {
  checkThreshold(changes.scanThreshold);
  checkValidityHours(changes.entryValidityHours);
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (tx) => {
    const { code, live, entries } = await loadLiveCode(tx, workspaceId, codeId, now);
    if (code.status === 'revoked') throw new AppError('validation_failed', 'The live code is revoked; create a new one');
    const rule = (changes.rule ?? live.rule) as RoutingRule;
    const template = changes.template === undefined ? parseTemplate(live.template) : changes.template;
    if (changes.template) await checkTemplate(tx, workspaceId, changes.template);
    checkPoolRules(rule, template !== null, entries.map((e) => ({ id: e.id, latitude: e.latitude, longitude: e.longitude })));
    // A template added to a pool without one numbers its groups after those already there.
    const nextNumber = changes.nextGroupNumber ?? (live.template === null && template !== null ? nextNumberFor(entries) : live.next_group_number);
    await tx
      .updateTable('live_codes')
      .set({
        rule,
        template: template === null ? null : JSON.stringify(template),
        next_group_number: nextNumber,
        scan_threshold: changes.scanThreshold ?? live.scan_threshold,
        entry_validity_hours: changes.entryValidityHours === undefined ? live.entry_validity_hours : changes.entryValidityHours,
        updated_at: now,
      })
      .where('code_id', '=', codeId)
      .execute();
    await refreshPoolState(tx, codeId, now);
    const updated = await view(deps, tx, workspaceId, codeId);
    const changed = Object.keys(changes);
    await recordChange(tx, actor, { workspaceId, action: 'live_code.updated', targetType: 'code', targetId: codeId, details: { changed }, event: { liveCode: updated, changed } }, now);
    return updated;
  });
}
