import { toIso } from '../../clock.ts';
import type { Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../audit/actor.ts';
import { recordChange } from '../audit/record.ts';
import { getWorkspaceLimits } from '../workspaces/service.ts';
import { decodeQrUpload } from '../live-codes/qr-upload.ts';
import { AVATAR_MAX_BYTES, type GroupChanges, type GroupQrUpload, type GroupView, type NewGroup } from './schema.ts';

type GroupRow = NonNullable<Awaited<ReturnType<typeof findGroupRow>>>;

function findGroupRow(db: Executor, workspaceId: string, groupId: string) {
  return db.selectFrom('groups').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', groupId).executeTakeFirst();
}

export function presentGroup(row: GroupRow): GroupView {
  return {
    id: row.id,
    kind: row.kind as GroupView['kind'],
    name: row.name,
    description: row.description,
    valueStatement: row.value_statement,
    welcomeText: row.welcome_text,
    avatar: row.avatar,
    capacity: row.capacity,
    memberCount: row.member_count,
    platform: row.platform as GroupView['platform'],
    joinUrl: row.join_url,
    qrPayload: row.qr_payload,
    qrUploadedAt: row.qr_uploaded_at === null ? null : toIso(row.qr_uploaded_at),
    status: row.status as GroupView['status'],
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

/** Webhook payloads carry the group without its avatar image. */
function eventGroup({ avatar: _avatar, ...group }: GroupView) {
  return group;
}

/** The bytes must really be the PNG or JPEG the data: URL claims, within the size limit. */
export function checkAvatar(avatar: string | null | undefined): void {
  if (!avatar) return;
  const [header, data = ''] = avatar.split(',');
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length > AVATAR_MAX_BYTES) throw new AppError('validation_failed', `The avatar is over ${AVATAR_MAX_BYTES / 1024} KiB`);
  const png = bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  const jpeg = bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]));
  if (!(header?.includes('png') ? png : jpeg)) throw new AppError('validation_failed', 'The avatar is not the PNG or JPEG image it claims to be');
}

async function checkCapacity(db: Executor, workspaceId: string, capacity: number | undefined): Promise<number> {
  const { memberCapPerGroup } = await getWorkspaceLimits(db, workspaceId);
  if (capacity === undefined) return memberCapPerGroup;
  if (capacity > memberCapPerGroup) {
    throw new AppError('validation_failed', `The plan allows at most ${memberCapPerGroup} members per group`, { errors: [{ in: 'body', pointer: '/capacity', message: `must be at most ${memberCapPerGroup}` }] });
  }
  return capacity;
}

function checkExternal(kind: string, platform: string | null | undefined): void {
  if (kind === 'external' && !platform) throw new AppError('validation_failed', 'An external group needs its platform');
  if (kind === 'hosted' && platform) throw new AppError('validation_failed', 'A hosted group lives in joincode and has no platform');
}

/** Creates a group; its capacity defaults to, and may not exceed, the plan's member cap. */
export async function createGroup(deps: Deps, actor: Actor, workspaceId: string, input: NewGroup): Promise<GroupView> {
  checkExternal(input.kind, input.platform);
  if (input.kind === 'hosted' && input.joinUrl) throw new AppError('validation_failed', 'A hosted group is joined through joincode, not a link');
  checkAvatar(input.avatar);
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute((tx) => insertGroup(tx, actor, workspaceId, input, now));
}

/**
 * Inserts a checked group and records group.created, inside the caller's transaction (a live code
 * creates its next group in the transaction that claims the group's number). `origin` goes into
 * the event, e.g. which live code created the group and with which admins.
 */
export async function insertGroup(tx: Executor, actor: Actor, workspaceId: string, input: NewGroup, now: number, origin: Record<string, unknown> = {}): Promise<GroupView> {
  const row = {
    id: newId(now),
    workspace_id: workspaceId,
    kind: input.kind,
    name: input.name.trim(),
    description: input.description ?? '',
    value_statement: input.valueStatement ?? '',
    welcome_text: input.welcomeText ?? '',
    avatar: input.avatar ?? null,
    capacity: await checkCapacity(tx, workspaceId, input.capacity),
    member_count: 0,
    platform: input.platform ?? null,
    join_url: input.joinUrl ?? null,
    qr_payload: null,
    qr_uploaded_at: null,
    status: 'active',
    created_at: now,
    updated_at: now,
  };
  await tx.insertInto('groups').values(row).execute();
  const group = presentGroup(row);
  await recordChange(
    tx,
    actor,
    { workspaceId, action: 'group.created', targetType: 'group', targetId: row.id, details: { name: row.name, kind: row.kind, ...origin }, event: { group: eventGroup(group), ...origin } },
    now,
  );
  return group;
}

export async function getGroup(db: Executor, workspaceId: string, groupId: string): Promise<GroupView> {
  const row = await findGroupRow(db, workspaceId, groupId);
  if (!row) throw new AppError('not_found', 'No such group');
  return presentGroup(row);
}

export function listGroups(db: Executor, workspaceId: string, filter: { kind?: string; status?: string; before?: string; limit: number }) {
  let query = db.selectFrom('groups').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.before) query = query.where('id', '<', filter.before);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}

/** Edits a group; archiving makes it read-only for joins (codes to it stop admitting). */
export async function updateGroup(deps: Deps, actor: Actor, workspaceId: string, groupId: string, changes: GroupChanges): Promise<GroupView> {
  checkAvatar(changes.avatar);
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (tx) => {
    const row = await findGroupRow(tx, workspaceId, groupId);
    if (!row) throw new AppError('not_found', 'No such group');
    checkExternal(row.kind, changes.platform === undefined ? row.platform : changes.platform);
    if (row.kind === 'hosted' && changes.joinUrl) throw new AppError('validation_failed', 'A hosted group is joined through joincode, not a link');
    const updated = {
      ...row,
      name: changes.name?.trim() ?? row.name,
      description: changes.description ?? row.description,
      value_statement: changes.valueStatement ?? row.value_statement,
      welcome_text: changes.welcomeText ?? row.welcome_text,
      avatar: changes.avatar === undefined ? row.avatar : changes.avatar,
      capacity: changes.capacity === undefined ? row.capacity : await checkCapacity(tx, workspaceId, changes.capacity),
      platform: changes.platform ?? row.platform,
      join_url: changes.joinUrl === undefined ? row.join_url : changes.joinUrl,
      status: changes.status ?? row.status,
      updated_at: now,
    };
    // The QR has its own route and the member count its own updates: neither is written back here.
    const { id: _id, workspace_id: _w, created_at: _c, member_count: _m, qr_payload: _q, qr_uploaded_at: _u, ...columns } = updated;
    await tx.updateTable('groups').set(columns).where('id', '=', groupId).execute();
    const group = presentGroup(updated);
    const changed = Object.keys(changes);
    await recordChange(
      tx,
      actor,
      { workspaceId, action: 'group.updated', targetType: 'group', targetId: groupId, details: { changed }, event: { group: eventGroup(group), changed } },
      now,
    );
    return group;
  });
}

/** A group that can have a group QR of its platform: an external one. */
async function externalGroupRow(db: Executor, workspaceId: string, groupId: string): Promise<GroupRow> {
  const row = await findGroupRow(db, workspaceId, groupId);
  if (!row) throw new AppError('not_found', 'No such group');
  if (row.kind !== 'external') {
    const message = 'A hosted group is joined through joincode: only an external group has a group QR of its platform';
    throw new AppError('validation_failed', message, { errors: [{ in: 'path', pointer: '/groupId', message }] });
  }
  return row;
}

/** Stores (or with null, removes) an external group's current QR payload, recorded as group.updated. */
async function changeGroupQr(deps: Deps, actor: Actor, workspaceId: string, groupId: string, payload: string | null): Promise<GroupView> {
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (tx) => {
    const row = await externalGroupRow(tx, workspaceId, groupId);
    if (payload === null && row.qr_payload === null) return presentGroup(row); // nothing to remove, nothing to record
    const columns = { qr_payload: payload, qr_uploaded_at: payload === null ? null : now, updated_at: now };
    await tx.updateTable('groups').set(columns).where('id', '=', groupId).execute();
    const group = presentGroup({ ...row, ...columns });
    const changed = ['qr'];
    await recordChange(
      tx,
      actor,
      { workspaceId, action: 'group.updated', targetType: 'group', targetId: groupId, details: { changed }, event: { group: eventGroup(group), changed } },
      now,
    );
    return group;
  });
}

/**
 * Sets an external group's current QR from an uploaded image of it (WeChat group QRs change every
 * 7 days). The image is decoded in a worker before the transaction opens, with the refusals of a
 * live code's entries; only the payload is stored, and the landing page draws it again.
 */
export async function setGroupQr(deps: Deps, actor: Actor, workspaceId: string, groupId: string, upload: GroupQrUpload): Promise<GroupView> {
  // Refused before seconds of decoding are spent on it.
  await externalGroupRow(deps.db.kysely, workspaceId, groupId);
  return changeGroupQr(deps, actor, workspaceId, groupId, await decodeQrUpload(upload.image));
}

export async function removeGroupQr(deps: Deps, actor: Actor, workspaceId: string, groupId: string): Promise<void> {
  await changeGroupQr(deps, actor, workspaceId, groupId, null);
}
