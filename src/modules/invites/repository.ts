import type { Selectable, SelectQueryBuilder } from 'kysely';
import type { Database, Executor } from '../../db/index.ts';
import type { InviteRedemptionTable, InviteTable } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { normalizeCode } from './alphabet.ts';
import { userKey } from './party.ts';
import type { InviteFilterInput, InviteState } from './schema.ts';

export type InviteRow = Selectable<InviteTable>;
export type RedemptionRow = Selectable<InviteRedemptionTable>;

/** Where every new code starts, however it is made (created, generated in a batch, imported): unused and active. */
export function freshInviteState(now: number) {
  return {
    uses: 0,
    status: 'active',
    expiring_notified_at: null,
    ended_at: null,
    archived_at: null,
    revoked_reason: null,
    created_at: now,
    updated_at: now,
  } satisfies Partial<InviteRow>;
}

export function findInvite(db: Executor, workspaceId: string, inviteId: string): Promise<InviteRow | undefined> {
  return db.selectFrom('invites').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', inviteId).executeTakeFirst();
}

export function findInviteByCode(db: Executor, workspaceId: string, code: string): Promise<InviteRow | undefined> {
  return db.selectFrom('invites').selectAll().where('workspace_id', '=', workspaceId).where('code', '=', code).executeTakeFirst();
}

export async function codeExistsElsewhere(db: Executor, workspaceId: string, code: string): Promise<boolean> {
  const row = await db.selectFrom('invites').select('id').where('code', '=', code).where('workspace_id', '!=', workspaceId).limit(1).executeTakeFirst();
  return row !== undefined;
}

export function findRedemption(db: Executor, inviteId: string, redeemerId: string): Promise<RedemptionRow | undefined> {
  return db.selectFrom('invite_redemptions').selectAll().where('invite_id', '=', inviteId).where('redeemer_id', '=', redeemerId).executeTakeFirst();
}

export interface InviteFilter {
  state?: InviteState;
  ownerType?: 'member' | 'user';
  ownerId?: string;
  ownerKey?: string;
  purpose?: string;
  campaignId?: string;
  batchId?: string;
  /** Normalized code text (upper case letters and digits) that matching codes contain. */
  codeContains?: string;
  before?: string;
  limit: number;
}

export type InviteSelection = Omit<InviteFilter, 'before' | 'limit'>;

/** Where a filter came from, so a refusal points at the right field: the query string, or a body's filter object. */
export interface FilterSource {
  in: 'querystring' | 'body';
  pointer: string;
}

/**
 * Code text as the operator typed it, as stored codes read: normalized as redeem input is (case,
 * spaces and dashes of any width). Stored codes are only letters and digits, so anything else
 * left over can never match and is refused instead of silently listing nothing.
 */
function codeFragment(text: string, at: FilterSource): string {
  const fragment = normalizeCode(text);
  if (/^[A-Z0-9]+$/.test(fragment)) return fragment;
  const message = 'must be part of a code: letters and digits (spaces and dashes are ignored)';
  throw new AppError('validation_failed', `${at.in}${at.pointer}/code ${message}`, { errors: [{ in: at.in, pointer: `${at.pointer}/code`, message }] });
}

/** The list's filters (also the export's and bulk revoke's) as a filter; owners are named as members or by your user id. */
export function inviteFilterOf(input: InviteFilterInput, at: FilterSource = { in: 'querystring', pointer: '' }): InviteSelection {
  return {
    state: input.state,
    ...(input.ownerMemberId ? { ownerType: 'member' as const, ownerId: input.ownerMemberId } : {}),
    ...(input.ownerUserId ? { ownerKey: userKey(input.ownerUserId) } : {}),
    purpose: input.purpose,
    campaignId: input.campaignId,
    batchId: input.batchId,
    ...(input.code === undefined ? {} : { codeContains: codeFragment(input.code, at) }),
  };
}

/** The filter's conditions on a query of the workspace's invites. The state filter matches what presentInvite shows at `now`, job lag included. */
export function whereInvitesMatch<O>(query: SelectQueryBuilder<Database, 'invites', O>, workspaceId: string, now: number, filter: InviteSelection): SelectQueryBuilder<Database, 'invites', O> {
  let q = query.where('workspace_id', '=', workspaceId);
  const live = (inner: typeof q) => inner.where('archived_at', 'is', null);
  switch (filter.state) {
    case 'active':
      q = live(q)
        .where('status', '=', 'active')
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
      break;
    case 'expired':
      q = live(q).where((eb) => eb.or([eb('status', '=', 'expired'), eb.and([eb('status', '=', 'active'), eb('expires_at', '<=', now)])]));
      break;
    case 'exhausted':
    case 'revoked':
      q = live(q).where('status', '=', filter.state);
      break;
    case 'archived':
      q = q.where('archived_at', 'is not', null);
      break;
    case undefined:
      break;
  }
  if (filter.ownerType) q = q.where('owner_type', '=', filter.ownerType);
  if (filter.ownerId) q = q.where('owner_id', '=', filter.ownerId);
  if (filter.ownerKey) q = q.where('owner_key', '=', filter.ownerKey);
  if (filter.purpose) q = q.where('purpose', '=', filter.purpose);
  if (filter.campaignId) q = q.where('campaign_id', '=', filter.campaignId);
  if (filter.batchId) q = q.where('batch_id', '=', filter.batchId);
  // Codes are stored upper case and the fragment is letters and digits only: no LIKE wildcard can slip in.
  if (filter.codeContains) q = q.where('code', 'like', `%${filter.codeContains}%`);
  return q;
}

/** Newest first. */
export function listInviteRows(db: Executor, workspaceId: string, now: number, filter: InviteFilter): Promise<InviteRow[]> {
  let query = whereInvitesMatch(db.selectFrom('invites').selectAll(), workspaceId, now, filter);
  if (filter.before) query = query.where('id', '<', filter.before);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}
