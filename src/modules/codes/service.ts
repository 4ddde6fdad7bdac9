import { toIso } from '../../clock.ts';
import type { Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../audit/actor.ts';
import { SYSTEM_ACTOR } from '../audit/actor.ts';
import { recordChange } from '../audit/record.ts';
import { applyBlastRadius } from '../members/blast-radius.ts';
import { hashPassword } from '../staff/passwords.ts';
import { getWorkspaceLimits } from '../workspaces/service.ts';
import { scanCapReached } from './caps.ts';
import { findCodeRow, findWorkspaceCode, listCodeRows, type CodeRow } from './repository.ts';
import { parseTags } from './resolve.ts';
import {
  DEFAULT_VALIDITY_HOURS,
  type CodeChanges,
  type CodeKind,
  type CodeSettingsInput,
  type CodeStatus,
  type CodeView,
  type NewCode,
  type RevokeCode,
  type Rotation,
} from './schema.ts';
import { codeCrypto, codeUrl, issueToken } from './tokens.ts';

const DAY_MS = 24 * 3600 * 1000;

function issue(field: string, message: string): AppError {
  return new AppError('validation_failed', `body/${field} ${message}`, { errors: [{ in: 'body', pointer: `/${field}`, message }] });
}

function stateOf(row: CodeRow, now: number): CodeView['state'] {
  if (row.status === 'revoked') return 'revoked';
  if (row.status === 'paused') return 'paused';
  if (row.expires_at !== null && now >= row.expires_at) return 'expired';
  if (row.active_from !== null && now < row.active_from) return 'not_yet_active';
  if (row.active_until !== null && now >= row.active_until) return 'ended';
  const cap = scanCapReached(row, row.scans_today ?? 0, row.scans_total);
  return cap ? `${cap}_reached` : 'active';
}

export function presentCode(deps: Deps, row: CodeRow): CodeView {
  return {
    id: row.id,
    kind: row.group_id === null ? 'live' : 'group',
    groupId: row.group_id,
    name: row.name,
    status: row.status as CodeStatus,
    state: stateOf(row, deps.clock.now()),
    url: codeUrl(deps.config, row.token),
    checkCode: codeCrypto(deps.config).checkCode(row.token) ?? '',
    tokenIssuedAt: toIso(row.token_issued_at),
    expiresAt: toIso(row.expires_at),
    validityHours: row.validity_hours,
    rotation: row.rotation as Rotation,
    nextRotationAt: toIso(row.next_rotation_at),
    scansPerDayCap: row.scans_per_day_cap,
    scansTotalCap: row.scans_total_cap,
    scansToday: row.scans_today ?? 0,
    scansTotal: row.scans_total,
    joinsPerHourCap: row.joins_per_hour_cap,
    activeFrom: toIso(row.active_from),
    activeUntil: toIso(row.active_until),
    passwordRequired: row.password_hash !== null,
    tags: parseTags(row.tags),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    revokedAt: toIso(row.revoked_at),
  };
}

/** The next scheduled rotation after `from` (calendar months in UTC for monthly and quarterly). */
export function nextRotationAfter(rotation: Rotation, from: number): number | null {
  if (rotation === 'none') return null;
  if (rotation === 'weekly') return from + 7 * DAY_MS;
  const date = new Date(from);
  const months = rotation === 'monthly' ? 1 : 3;
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds()));
  // The same day of the month, or the month's last day when it is shorter (31 Jan → 28/29 Feb).
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return target.getTime();
}

function parseTime(value: string | null | undefined): number | null | undefined {
  return value === undefined || value === null ? value : Date.parse(value);
}

function checkWindow(from: number | null, until: number | null): void {
  if (from !== null && until !== null && until <= from) throw issue('activeUntil', 'must be after activeFrom');
}

async function checkValidity(db: Executor, workspaceId: string, hours: number | null | undefined): Promise<number | null> {
  const { maxCodeValidityHours: max } = await getWorkspaceLimits(db, workspaceId);
  if (hours === undefined) return max === null ? DEFAULT_VALIDITY_HOURS : Math.min(DEFAULT_VALIDITY_HOURS, max);
  if (max !== null && hours === null) throw issue('validityHours', `must be at most ${max} hours: the plan does not allow permanent codes`);
  if (max !== null && hours !== null && hours > max) throw issue('validityHours', `must be at most ${max} hours on this plan`);
  return hours;
}

async function checkDailyCap(db: Executor, workspaceId: string, cap: number | null | undefined): Promise<number | null> {
  const { scansPerCodePerDay: max } = await getWorkspaceLimits(db, workspaceId);
  if (cap === undefined) return max;
  if (max !== null && cap === null) throw issue('scansPerDayCap', `must be at most ${max}: the plan does not allow unlimited scans`);
  if (max !== null && cap !== null && cap > max) throw issue('scansPerDayCap', `must be at most ${max} on this plan`);
  return cap;
}

async function mustFind(db: Executor, workspaceId: string, codeId: string, now: number): Promise<CodeRow> {
  const row = await findWorkspaceCode(db, workspaceId, codeId, now);
  if (!row) throw new AppError('not_found', 'No such code');
  return row;
}

function notRevoked(row: CodeRow): void {
  if (row.status === 'revoked') throw new AppError('validation_failed', 'The code is revoked; create a new one');
}

export async function createCode(deps: Deps, actor: Actor, workspaceId: string, input: NewCode): Promise<CodeView> {
  const prepared = await prepareSettings(input);
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (tx) => {
    const group = await tx.selectFrom('groups').select(['id', 'name', 'status']).where('workspace_id', '=', workspaceId).where('id', '=', input.groupId).executeTakeFirst();
    if (!group) throw issue('groupId', 'is not a group of this workspace');
    if (group.status === 'archived') throw issue('groupId', 'is an archived group');
    const validityHours = await checkValidity(tx, workspaceId, input.validityHours);
    const view = await insertCode(deps, tx, workspaceId, { groupId: group.id, name: input.name?.trim() ?? group.name, validityHours }, input, prepared, now);
    await recordChange(
      tx,
      actor,
      { workspaceId, action: 'code.created', targetType: 'code', targetId: view.id, details: { name: view.name, groupId: group.id }, event: { code: view } },
      now,
    );
    return view;
  });
}

/** What can be checked (and hashed) before a transaction opens. */
export interface PreparedSettings {
  from: number | null;
  until: number | null;
  passwordHash: string | null;
}

export async function prepareSettings(input: CodeSettingsInput): Promise<PreparedSettings> {
  const from = parseTime(input.activeFrom) ?? null;
  const until = parseTime(input.activeUntil) ?? null;
  checkWindow(from, until);
  return { from, until, passwordHash: input.password === undefined ? null : await hashPassword(input.password) };
}

/**
 * Inserts a code row with its first token: a join code (groupId set) or a live code (groupId
 * null; the caller adds its pool in the same transaction). The caller records the change.
 */
export async function insertCode(
  deps: Deps,
  tx: Executor,
  workspaceId: string,
  target: { groupId: string | null; name: string; validityHours: number | null },
  input: CodeSettingsInput,
  prepared: PreparedSettings,
  now: number,
): Promise<CodeView> {
  const scansPerDayCap = await checkDailyCap(tx, workspaceId, input.scansPerDayCap);
  const id = newId(now);
  const token = issueToken(deps.config, id, now, target.validityHours, null);
  const rotation = input.rotation ?? 'none';
  const row = {
    id,
    workspace_id: workspaceId,
    group_id: target.groupId,
    name: target.name,
    status: 'active',
    token: token.token,
    token_issued_at: token.issuedAt,
    expires_at: token.expiresAt,
    validity_hours: target.validityHours,
    rotation,
    next_rotation_at: nextRotationAfter(rotation, now),
    scans_per_day_cap: scansPerDayCap,
    scans_total_cap: input.scansTotalCap ?? null,
    scans_total: 0,
    joins_per_hour_cap: input.joinsPerHourCap ?? null,
    active_from: prepared.from,
    active_until: prepared.until,
    password_hash: prepared.passwordHash,
    tags: JSON.stringify(input.tags ?? {}),
    created_at: now,
    updated_at: now,
    revoked_at: null,
  };
  await tx.insertInto('codes').values(row).execute();
  return presentCode(deps, { ...row, scans_today: 0 });
}

export async function getCode(deps: Deps, workspaceId: string, codeId: string): Promise<CodeView> {
  return presentCode(deps, await mustFind(deps.db.kysely, workspaceId, codeId, deps.clock.now()));
}

export function listCodes(deps: Deps, workspaceId: string, filter: { groupId?: string; kind?: CodeKind; status?: string; before?: string; limit: number }) {
  return listCodeRows(deps.db.kysely, workspaceId, deps.clock.now(), filter);
}

export async function updateCode(deps: Deps, actor: Actor, workspaceId: string, codeId: string, changes: CodeChanges): Promise<CodeView> {
  const passwordHash = typeof changes.password === 'string' ? await hashPassword(changes.password) : changes.password;
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (tx) => {
    const row = await mustFind(tx, workspaceId, codeId, now);
    notRevoked(row);
    const from = changes.activeFrom === undefined ? row.active_from : (parseTime(changes.activeFrom) ?? null);
    const until = changes.activeUntil === undefined ? row.active_until : (parseTime(changes.activeUntil) ?? null);
    checkWindow(from, until);
    const rotation = changes.rotation ?? (row.rotation as Rotation);
    const columns = {
      name: changes.name?.trim() ?? row.name,
      status: changes.status ?? row.status,
      rotation,
      next_rotation_at: changes.rotation === undefined || changes.rotation === row.rotation ? row.next_rotation_at : nextRotationAfter(rotation, now),
      scans_per_day_cap: changes.scansPerDayCap === undefined ? row.scans_per_day_cap : await checkDailyCap(tx, workspaceId, changes.scansPerDayCap),
      scans_total_cap: changes.scansTotalCap === undefined ? row.scans_total_cap : changes.scansTotalCap,
      joins_per_hour_cap: changes.joinsPerHourCap === undefined ? row.joins_per_hour_cap : changes.joinsPerHourCap,
      active_from: from,
      active_until: until,
      password_hash: passwordHash === undefined ? row.password_hash : passwordHash,
      tags: changes.tags === undefined ? row.tags : JSON.stringify(changes.tags),
      updated_at: now,
    };
    await tx.updateTable('codes').set(columns).where('id', '=', codeId).execute();
    const view = presentCode(deps, { ...row, ...columns });
    const changed = Object.keys(changes);
    await recordChange(tx, actor, { workspaceId, action: 'code.updated', targetType: 'code', targetId: codeId, details: { changed }, event: { code: view, changed } }, now);
    return view;
  });
}

/** Gives the code a new token; the old one dies at once (its issued-at no longer matches). */
async function rotate(deps: Deps, tx: Executor, actor: Actor, row: CodeRow, reason: 'reset' | 'scheduled', nextRotationAt: number | null, now: number): Promise<CodeView | null> {
  const token = issueToken(deps.config, row.id, now, row.validity_hours, row.token_issued_at);
  const columns = { token: token.token, token_issued_at: token.issuedAt, expires_at: token.expiresAt, next_rotation_at: nextRotationAt, updated_at: now };
  // Compare-and-set on the token: of two processes rotating the same code at once, one wins.
  const updated = await tx.updateTable('codes').set(columns).where('id', '=', row.id).where('token_issued_at', '=', row.token_issued_at).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return null;
  const view = presentCode(deps, { ...row, ...columns });
  await recordChange(
    tx,
    actor,
    {
      workspaceId: row.workspace_id,
      action: 'code.rotated',
      targetType: 'code',
      targetId: row.id,
      details: { reason },
      // Webhooks tell the operator to reprint: the new URL and check code are in the payload.
      event: { code: view, reason, previousTokenIssuedAt: toIso(row.token_issued_at) },
    },
    now,
  );
  return view;
}

export async function resetCode(deps: Deps, actor: Actor, workspaceId: string, codeId: string): Promise<CodeView> {
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (tx) => {
    const row = await mustFind(tx, workspaceId, codeId, now);
    notRevoked(row);
    const view = await rotate(deps, tx, actor, row, 'reset', row.next_rotation_at, now);
    if (!view) throw new AppError('idempotency_in_progress', 'The code was reset or rotated at the same moment; try again');
    return view;
  });
}

export async function revokeCode(deps: Deps, actor: Actor, workspaceId: string, codeId: string, input: RevokeCode): Promise<CodeView & { affectedMembers: number }> {
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (tx) => {
    const row = await mustFind(tx, workspaceId, codeId, now);
    if (row.status === 'revoked') return { ...presentCode(deps, row), affectedMembers: 0 };
    const columns = { status: 'revoked', revoked_at: now, next_rotation_at: null, updated_at: now };
    await tx.updateTable('codes').set(columns).where('id', '=', codeId).execute();
    const view = presentCode(deps, { ...row, ...columns });
    const reason = input.reason ?? null;
    const radius = input.blastRadius;
    const affectedMembers = radius
      ? await applyBlastRadius(tx, actor, { workspaceId, codeId, since: now - radius.hours * 3600 * 1000, action: radius.action, reason }, now)
      : 0;
    const blastRadius = radius ? { ...radius, affectedMembers } : null;
    await recordChange(tx, actor, { workspaceId, action: 'code.revoked', targetType: 'code', targetId: codeId, details: { reason, blastRadius }, event: { code: view, reason, blastRadius } }, now);
    return { ...view, affectedMembers };
  });
}

/**
 * Scheduled rotation: every code whose next_rotation_at has come gets a new token and a
 * code.rotated event (reason 'scheduled'). Runs from a schedule tick (once across processes), and
 * each rotation is a compare-and-set as well, so a code is never rotated twice for one due time.
 */
export async function rotateDueCodes(deps: Deps, limit = 200): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.db.kysely
    .selectFrom('codes')
    .select('id')
    .where('next_rotation_at', '<=', now)
    .where('status', '!=', 'revoked')
    .where('rotation', '!=', 'none')
    .orderBy('next_rotation_at')
    .limit(limit)
    .execute();
  let rotated = 0;
  for (const { id } of due) {
    const done = await deps.db.kysely.transaction().execute(async (tx) => {
      const row = await findCodeRow(tx, id, now);
      if (!row || row.status === 'revoked' || row.next_rotation_at === null || row.next_rotation_at > now) return false;
      let next = nextRotationAfter(row.rotation as Rotation, row.next_rotation_at);
      // A process that was down for a while catches up with one rotation, not one per missed period.
      while (next !== null && next <= now) next = nextRotationAfter(row.rotation as Rotation, next);
      return (await rotate(deps, tx, SYSTEM_ACTOR, row, 'scheduled', next, now)) !== null;
    });
    if (done) rotated += 1;
  }
  return rotated;
}
