import { createHash } from 'node:crypto';
import { isUniqueViolation, type Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../audit/actor.ts';
import { recordChange } from '../audit/record.ts';
import { eventEntry, refreshPoolState } from './pool.ts';
import { decodeQrUpload } from './qr-upload.ts';
import type { EntryRow } from './repository.ts';
import type { RoutingRule } from './routing.ts';
import { checkExpiry, checkPlace, checkPoolRules, checkThreshold, contradiction } from './rules.ts';
import { MAX_ENTRIES, type EntryChanges, type EntryOrder, type EntryView, type LiveCodeView, type NewEntry } from './schema.ts';
import { checkPoolGroup } from './service.ts';
import { loadLiveCode, presentEntry, presentLiveCode } from './view.ts';

const HOUR_MS = 3600 * 1000;

/** The text of an uploaded group QR image, or the join URL; decoded before any transaction opens. */
async function linkPayload(input: NewEntry): Promise<{ source: 'image' | 'url'; payload: string } | null> {
  if (input.url !== undefined) return { source: 'url', payload: input.url };
  if (input.image === undefined) return null;
  return { source: 'image', payload: await decodeQrUpload(input.image) };
}

const payloadHash = (payload: string) => createHash('sha256').update(payload).digest('hex');

/** Writes positions 0..n-1 in the given order (only the rows that move). */
async function renumber(tx: Executor, ordered: Pick<EntryRow, 'id' | 'position'>[], now: number): Promise<void> {
  for (const [position, entry] of ordered.entries()) {
    if (entry.position !== position) await tx.updateTable('live_code_entries').set({ position, updated_at: now }).where('id', '=', entry.id).execute();
  }
}

function mustBeOpen(code: { status: string }): void {
  if (code.status === 'revoked') throw new AppError('validation_failed', 'The live code is revoked; create a new one');
}

/**
 * Adds an entry: a hosted group of the workspace, or an external group's QR image (decoded now; the
 * payload is stored) or join URL. Link entries get the pool's scan threshold and expiry unless
 * given. The same group or payload twice in one pool is refused (409).
 */
export async function addEntry(deps: Deps, actor: Actor, workspaceId: string, liveCodeId: string, input: NewEntry): Promise<EntryView> {
  const given = [input.groupId, input.image, input.url].filter((v) => v !== undefined).length;
  if (given !== 1) throw new AppError('validation_failed', 'Give exactly one of groupId, image or url', { errors: [{ in: 'body', pointer: '/', message: 'needs exactly one of groupId, image or url' }] });
  const now = deps.clock.now();
  const isGroup = input.groupId !== undefined;
  if (isGroup) {
    for (const field of ['scanThreshold', 'expiresAt', 'platform'] as const) {
      if (input[field] !== undefined) throw contradiction(`/${field}`, 'A hosted group fills by its capacity and members, not by scans, expiry or another platform');
    }
  }
  checkThreshold(input.scanThreshold);
  checkPlace(input.latitude, input.longitude);
  const expiresAt = checkExpiry(input.expiresAt, now);
  const link = await linkPayload(input);
  try {
    return await deps.db.kysely.transaction().execute(async (tx) => {
      const { code, live, entries } = await loadLiveCode(tx, workspaceId, liveCodeId, now);
      mustBeOpen(code);
      if (entries.length >= MAX_ENTRIES) throw new AppError('validation_failed', `A pool holds at most ${MAX_ENTRIES} entries; remove retired ones first`);
      const hash = link ? payloadHash(link.payload) : null;
      if (input.groupId !== undefined) {
        await checkPoolGroup(tx, workspaceId, input.groupId, '/groupId');
        if (entries.some((e) => e.group_id === input.groupId)) throw new AppError('duplicate_entry', 'This group is already in the pool');
      } else if (entries.some((e) => e.payload_hash === hash)) {
        throw new AppError('duplicate_entry', 'Another entry of this live code already leads to the same place (the same decoded QR payload or URL)');
      }
      const row = {
        id: newId(now),
        workspace_id: workspaceId,
        live_code_id: liveCodeId,
        position: entries.length,
        kind: isGroup ? 'group' : 'link',
        group_id: input.groupId ?? null,
        source: link?.source ?? null,
        payload: link?.payload ?? null,
        payload_hash: hash,
        label: input.label ?? '',
        platform: input.platform ?? null,
        audience: input.audience ? JSON.stringify(input.audience) : null,
        latitude: input.latitude ?? null,
        longitude: input.longitude ?? null,
        region: input.region ?? null,
        scans: 0,
        scan_threshold: isGroup ? null : (input.scanThreshold ?? live.scan_threshold),
        expires_at: isGroup ? null : expiresAt !== undefined ? expiresAt : live.entry_validity_hours === null ? null : now + live.entry_validity_hours * HOUR_MS,
        status: 'active',
        retired_reason: null,
        reminded_at: null,
        group_number: null,
        created_at: now,
        updated_at: now,
      };
      checkPoolRules(live.rule as RoutingRule, live.template !== null, [...entries, row]);
      await tx.insertInto('live_code_entries').values(row).execute();
      const ordered: Pick<EntryRow, 'id' | 'position'>[] = [...entries];
      ordered.splice(Math.min(input.position ?? entries.length, entries.length), 0, row);
      await renumber(tx, ordered, now);
      await refreshPoolState(tx, liveCodeId, now);
      const added = (await loadLiveCode(tx, workspaceId, liveCodeId, now)).entries.find((e) => e.id === row.id)!;
      await recordChange(
        tx,
        actor,
        { workspaceId, action: 'live_code.entry_added', targetType: 'code', targetId: liveCodeId, details: { entryId: row.id, kind: row.kind, source: row.source }, event: { liveCodeId, entry: eventEntry(added) } },
        now,
      );
      return presentEntry(added, now);
    });
  } catch (error) {
    // Two uploads of the same image raced past the check: the unique index let one in.
    if (isUniqueViolation(error)) throw new AppError('duplicate_entry', 'Another entry of this live code already leads to the same place');
    throw error;
  }
}

export async function updateEntry(deps: Deps, actor: Actor, workspaceId: string, liveCodeId: string, entryId: string, changes: EntryChanges): Promise<EntryView> {
  const now = deps.clock.now();
  checkThreshold(changes.scanThreshold);
  const expiresAt = checkExpiry(changes.expiresAt, now);
  return deps.db.kysely.transaction().execute(async (tx) => {
    const { code, live, entries } = await loadLiveCode(tx, workspaceId, liveCodeId, now);
    mustBeOpen(code);
    const row = entries.find((e) => e.id === entryId);
    if (!row) throw new AppError('not_found', 'No such entry in this live code');
    if (row.kind === 'group') {
      for (const field of ['scanThreshold', 'expiresAt', 'platform'] as const) {
        if (changes[field] !== undefined) throw contradiction(`/${field}`, 'A hosted group fills by its capacity and members, not by scans, expiry or another platform');
      }
    }
    const latitude = changes.latitude === undefined ? row.latitude : changes.latitude;
    const longitude = changes.longitude === undefined ? row.longitude : changes.longitude;
    checkPlace(latitude, longitude);
    const columns = {
      label: changes.label ?? row.label,
      platform: changes.platform === undefined ? row.platform : changes.platform,
      audience: changes.audience === undefined ? row.audience : changes.audience === null ? null : JSON.stringify(changes.audience),
      latitude,
      longitude,
      region: changes.region === undefined ? row.region : changes.region,
      scan_threshold: changes.scanThreshold ?? row.scan_threshold,
      expires_at: expiresAt === undefined ? row.expires_at : expiresAt,
      // A new expiry earns a new reminder.
      reminded_at: expiresAt === undefined ? row.reminded_at : null,
      // Resuming also brings back a retired entry (after its threshold or expiry was raised).
      status: changes.status ?? row.status,
      retired_reason: changes.status === 'active' ? null : row.retired_reason,
      updated_at: now,
    };
    checkPoolRules(live.rule as RoutingRule, live.template !== null, entries.map((e) => (e.id === entryId ? { ...e, latitude, longitude } : e)));
    await tx.updateTable('live_code_entries').set(columns).where('id', '=', entryId).execute();
    await refreshPoolState(tx, liveCodeId, now);
    const updated = (await loadLiveCode(tx, workspaceId, liveCodeId, now)).entries.find((e) => e.id === entryId)!;
    const changed = Object.keys(changes);
    await recordChange(
      tx,
      actor,
      { workspaceId, action: 'live_code.entry_updated', targetType: 'code', targetId: liveCodeId, details: { entryId, changed }, event: { liveCodeId, entry: eventEntry(updated), changed } },
      now,
    );
    return presentEntry(updated, now);
  });
}

export async function removeEntry(deps: Deps, actor: Actor, workspaceId: string, liveCodeId: string, entryId: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.kysely.transaction().execute(async (tx) => {
    const { entries } = await loadLiveCode(tx, workspaceId, liveCodeId, now);
    const row = entries.find((e) => e.id === entryId);
    if (!row) throw new AppError('not_found', 'No such entry in this live code');
    await tx.deleteFrom('live_code_entries').where('id', '=', entryId).execute();
    await renumber(tx, entries.filter((e) => e.id !== entryId), now);
    await refreshPoolState(tx, liveCodeId, now);
    await recordChange(tx, actor, { workspaceId, action: 'live_code.entry_removed', targetType: 'code', targetId: liveCodeId, details: { entryId }, event: { liveCodeId, entry: eventEntry(row) } }, now);
  });
}

/** Sets the routing order; the list must name every entry of the pool once. */
export async function reorderEntries(deps: Deps, actor: Actor, workspaceId: string, liveCodeId: string, order: EntryOrder): Promise<LiveCodeView> {
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (tx) => {
    const { entries } = await loadLiveCode(tx, workspaceId, liveCodeId, now);
    const byId = new Map(entries.map((e) => [e.id, e]));
    if (order.entryIds.length !== entries.length || order.entryIds.some((id) => !byId.has(id))) {
      const message = `must list each of the pool's ${entries.length} entries exactly once`;
      throw new AppError('validation_failed', `entryIds ${message}`, { errors: [{ in: 'body', pointer: '/entryIds', message }] });
    }
    await renumber(tx, order.entryIds.map((id) => byId.get(id)!), now);
    const reloaded = await loadLiveCode(tx, workspaceId, liveCodeId, now);
    const updated = presentLiveCode(deps, reloaded.code, reloaded.live, reloaded.entries);
    await recordChange(
      tx,
      actor,
      { workspaceId, action: 'live_code.updated', targetType: 'code', targetId: liveCodeId, details: { changed: ['order'] }, event: { liveCode: updated, changed: ['order'] } },
      now,
    );
    return updated;
  });
}
