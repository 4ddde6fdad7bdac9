import { sql } from 'kysely';
import { toIso } from '../../clock.ts';
import { isUniqueViolation, type Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../audit/actor.ts';
import { recordChange } from '../audit/record.ts';
import { parseTags } from '../codes/resolve.ts';
import { fieldIssue, findCampaign } from './campaigns.ts';
import { memberKey, userKey } from './party.ts';
import { findInvite, freshInviteState, listInviteRows, type InviteFilter, type InviteRow } from './repository.ts';
import { issueCode } from './reserve.ts';
import type { ExtendInvite, InviteOrigin, InviteState, InviteStatus, InviteView, NewInvite, OwnerInput, OwnerView, Purpose, RevokeInvite, Routing, ValidityPreset } from './schema.ts';

const HOUR_MS = 3600 * 1000;
const PRESET_MS: Record<Exclude<ValidityPreset, 'permanent' | 'custom'>, number> = { '72h': 72 * HOUR_MS, '180d': 180 * 24 * HOUR_MS };
/** A fresh random code colliding with an existing one is a one-in-billions event; a few redraws settle it. */
const CODE_ATTEMPTS = 5;

export function stateOf(row: InviteRow, now: number): InviteState {
  if (row.archived_at !== null) return 'archived';
  if (row.status === 'active' && row.expires_at !== null && row.expires_at <= now) return 'expired';
  return row.status as InviteStatus;
}

export function ownerOf(row: InviteRow): OwnerView {
  return { type: row.owner_type as OwnerView['type'], id: row.owner_id, displayName: row.owner_name };
}

export function routingOf(row: InviteRow): Routing | null {
  return row.routing === null ? null : (JSON.parse(row.routing) as Routing);
}

export function presentInvite(row: InviteRow, now: number): InviteView {
  return {
    id: row.id,
    code: row.code,
    purpose: row.purpose as Purpose,
    owner: ownerOf(row),
    campaignId: row.campaign_id,
    routing: routingOf(row),
    tags: parseTags(row.tags),
    state: stateOf(row, now),
    status: row.status as InviteStatus,
    maxUses: row.max_uses,
    uses: row.uses,
    expiresAt: toIso(row.expires_at),
    endedAt: toIso(row.ended_at),
    archivedAt: toIso(row.archived_at),
    revokedReason: row.revoked_reason,
    origin: row.origin as InviteOrigin,
    batchId: row.batch_id,
    linkSuffix: row.link_suffix,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

/** The expiry a validity preset gives from `now` (null = permanent). */
export function expiryOf(input: { validity: ValidityPreset; expiresAt?: string }, now: number): number | null {
  if (input.validity !== 'custom') {
    if (input.expiresAt !== undefined) throw fieldIssue('expiresAt', 'is only for validity custom');
    return input.validity === 'permanent' ? null : now + PRESET_MS[input.validity];
  }
  if (input.expiresAt === undefined) throw fieldIssue('expiresAt', 'is required with validity custom');
  const at = Date.parse(input.expiresAt);
  if (at <= now) throw fieldIssue('expiresAt', 'must be in the future');
  return at;
}

export interface Owner {
  type: OwnerView['type'];
  id: string;
  key: string;
  name: string | null;
}

export async function resolveOwner(db: Executor, workspaceId: string, owner: OwnerInput): Promise<Owner> {
  if ('userId' in owner) return { type: 'user', id: owner.userId, key: userKey(owner.userId), name: owner.displayName ?? null };
  const member = await db
    .selectFrom('members')
    .select(['id', 'external_user_id', 'display_name'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', owner.memberId)
    .executeTakeFirst();
  if (!member) throw new AppError('validation_failed', 'body/owner/memberId is not a member of this workspace', { errors: [{ in: 'body', pointer: '/owner/memberId', message: 'is not a member of this workspace' }] });
  return { type: 'member', id: member.id, key: memberKey(member), name: member.display_name };
}

/** What each purpose needs and allows: a campaign for campaign codes, a routing target for support codes, tags for tracking codes. */
export function checkPurpose(input: Pick<NewInvite, 'purpose' | 'campaignId' | 'routing' | 'tags'>): void {
  if (input.purpose === 'campaign' && input.campaignId === undefined) throw fieldIssue('campaignId', 'is required for purpose campaign');
  if (input.purpose !== 'campaign' && input.campaignId !== undefined) throw fieldIssue('campaignId', 'is only for purpose campaign');
  if (input.purpose === 'support' && input.routing === undefined) throw fieldIssue('routing', 'is required for purpose support');
  if (input.purpose !== 'support' && input.routing !== undefined) throw fieldIssue('routing', 'is only for purpose support');
  if (input.purpose === 'tracking' && !Object.values(input.tags ?? {}).some((v) => v !== undefined && v.trim() !== '')) {
    throw fieldIssue('tags', 'needs at least one channel tag for purpose tracking');
  }
}

/** Codes can be made for a campaign of this workspace that has not ended. */
export async function checkCampaignOpen(db: Executor, workspaceId: string, campaignId: string): Promise<void> {
  const campaign = await findCampaign(db, workspaceId, campaignId);
  if (!campaign) throw fieldIssue('campaignId', 'is not a campaign of this workspace');
  if (campaign.status === 'ended') throw fieldIssue('campaignId', 'is a campaign that has ended');
}

/**
 * Creates a code for an owner: the owner's quota for today is taken in the same transaction as the
 * insert, so a refused or failed create leaves the count as it was. Over the quota, a workspace
 * with "reserve on throttle" hands out a code from its reserve pool instead (reserve.ts).
 */
export async function createInvite(deps: Deps, actor: Actor, workspaceId: string, input: NewInvite): Promise<InviteView> {
  checkPurpose(input);
  const now = deps.clock.now();
  const expiresAt = expiryOf({ validity: input.validity ?? '72h', expiresAt: input.expiresAt }, now);
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.db.kysely.transaction().execute(async (tx) => {
        const owner = await resolveOwner(tx, workspaceId, input.owner);
        if (input.campaignId !== undefined) await checkCampaignOpen(tx, workspaceId, input.campaignId);
        const issued = await issueCode(tx, { workspaceId, ownerKey: owner.key, now, dialect: deps.db.dialect });
        const row: InviteRow = {
          id: newId(now),
          workspace_id: workspaceId,
          code: issued.code,
          purpose: input.purpose,
          owner_type: owner.type,
          owner_id: owner.id,
          owner_key: owner.key,
          owner_name: owner.name,
          campaign_id: input.campaignId ?? null,
          routing: input.routing === undefined ? null : JSON.stringify(input.routing),
          tags: JSON.stringify(input.tags ?? {}),
          max_uses: input.maxUses === undefined ? 1 : input.maxUses,
          ...freshInviteState(now),
          expires_at: expiresAt,
          origin: issued.origin,
          batch_id: null,
          link_suffix: null,
        };
        await tx.insertInto('invites').values(row).execute();
        const view = presentInvite(row, now);
        await recordChange(
          tx,
          actor,
          { workspaceId, action: 'invite.created', targetType: 'invite', targetId: row.id, details: { code: row.code, purpose: row.purpose, owner: view.owner }, event: { invite: view } },
          now,
        );
        return view;
      });
    } catch (error) {
      // Only the code's unique index can clash here; draw another code.
      if (!isUniqueViolation(error) || attempt >= CODE_ATTEMPTS) throw error;
    }
  }
}

async function mustFind(db: Executor, workspaceId: string, inviteId: string): Promise<InviteRow> {
  const row = await findInvite(db, workspaceId, inviteId);
  if (!row) throw new AppError('not_found', 'No such invite code');
  return row;
}

export async function getInvite(deps: Deps, workspaceId: string, inviteId: string): Promise<InviteView> {
  return presentInvite(await mustFind(deps.db.kysely, workspaceId, inviteId), deps.clock.now());
}

export function listInvites(deps: Deps, workspaceId: string, filter: InviteFilter): Promise<InviteRow[]> {
  return listInviteRows(deps.db.kysely, workspaceId, deps.clock.now(), filter);
}

function notArchived(row: InviteRow): void {
  if (row.archived_at !== null) throw new AppError('invite_archived', `The code ended on ${toIso(row.ended_at)} and is kept as history only`);
}

/**
 * Moves a code's expiry later (or makes it permanent). An expired code with uses left becomes
 * active again and will announce its new expiry; exhausted and revoked codes cannot be extended.
 */
export async function extendInvite(deps: Deps, actor: Actor, workspaceId: string, inviteId: string, input: ExtendInvite): Promise<InviteView> {
  const now = deps.clock.now();
  const expiresAt = expiryOf(input, now);
  return deps.db.kysely.transaction().execute(async (tx) => {
    const row = await mustFind(tx, workspaceId, inviteId);
    notArchived(row);
    if (row.status === 'revoked' || row.status === 'exhausted') throw new AppError('invite_not_extendable', `The code is ${row.status}; create a new one`);
    if (row.expires_at === null) throw new AppError('invite_not_extendable', 'The code is permanent already');
    if (expiresAt !== null && expiresAt <= row.expires_at) throw fieldIssue(input.validity === 'custom' ? 'expiresAt' : 'validity', `must give a later expiry than the current ${toIso(row.expires_at)}`);
    const columns = { status: 'active', expires_at: expiresAt, expiring_notified_at: null, ended_at: null, updated_at: now };
    // Compare-and-set on status: a redemption taking the last use at this moment wins, and the extension is refused.
    const updated = await tx.updateTable('invites').set(columns).where('id', '=', row.id).where('status', '=', row.status).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw new AppError('invite_not_extendable', 'The code changed at the same moment (its last use was taken); read it again');
    const view = presentInvite({ ...row, ...columns }, now);
    const previousExpiresAt = toIso(row.expires_at);
    await recordChange(
      tx,
      actor,
      { workspaceId, action: 'invite.extended', targetType: 'invite', targetId: row.id, details: { previousExpiresAt, expiresAt: view.expiresAt }, event: { invite: view, previousExpiresAt } },
      now,
    );
    return view;
  });
}

/** Revokes a code for good (also an expired or exhausted one, e.g. when found fraudulent); revoking it again changes nothing. */
export async function revokeInvite(deps: Deps, actor: Actor, workspaceId: string, inviteId: string, input: RevokeInvite): Promise<InviteView> {
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (tx) => {
    const reason = input.reason ?? null;
    // Whatever the code became meanwhile (a last use taken, expired by the job), revoking applies to it.
    const row = await tx
      .updateTable('invites')
      .set({ status: 'revoked', ended_at: sql<number>`coalesce(ended_at, ${now})`, revoked_reason: reason, updated_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', inviteId)
      .where('status', '!=', 'revoked')
      .where('archived_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      const current = await mustFind(tx, workspaceId, inviteId);
      if (current.status !== 'revoked') notArchived(current);
      return presentInvite(current, now);
    }
    const view = presentInvite(row, now);
    await recordChange(tx, actor, { workspaceId, action: 'invite.revoked', targetType: 'invite', targetId: row.id, details: { reason }, event: { invite: view, reason } }, now);
    return view;
  });
}
