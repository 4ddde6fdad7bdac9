import type { Selectable } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { InviteRedemptionTable, InviteTable } from '../../db/schema.ts';
import { userKey } from './party.ts';
import type { InviteQuery, InviteState } from './schema.ts';

export type InviteRow = Selectable<InviteTable>;
export type RedemptionRow = Selectable<InviteRedemptionTable>;

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
  before?: string;
  limit: number;
}

/** The list's query filters (also the export's) as a filter; owners are named as members or by your user id. */
export function inviteFilterOf(query: InviteQuery): Omit<InviteFilter, 'before' | 'limit'> {
  return {
    state: query.state,
    ...(query.ownerMemberId ? { ownerType: 'member' as const, ownerId: query.ownerMemberId } : {}),
    ...(query.ownerUserId ? { ownerKey: userKey(query.ownerUserId) } : {}),
    purpose: query.purpose,
    campaignId: query.campaignId,
    batchId: query.batchId,
  };
}

/** Newest first. The state filter matches what presentInvite shows at `now`, job lag included. */
export function listInviteRows(db: Executor, workspaceId: string, now: number, filter: InviteFilter): Promise<InviteRow[]> {
  let query = db.selectFrom('invites').selectAll().where('workspace_id', '=', workspaceId);
  const live = (q: typeof query) => q.where('archived_at', 'is', null);
  switch (filter.state) {
    case 'active':
      query = live(query)
        .where('status', '=', 'active')
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
      break;
    case 'expired':
      query = live(query).where((eb) => eb.or([eb('status', '=', 'expired'), eb.and([eb('status', '=', 'active'), eb('expires_at', '<=', now)])]));
      break;
    case 'exhausted':
    case 'revoked':
      query = live(query).where('status', '=', filter.state);
      break;
    case 'archived':
      query = query.where('archived_at', 'is not', null);
      break;
    case undefined:
      break;
  }
  if (filter.ownerType) query = query.where('owner_type', '=', filter.ownerType);
  if (filter.ownerId) query = query.where('owner_id', '=', filter.ownerId);
  if (filter.ownerKey) query = query.where('owner_key', '=', filter.ownerKey);
  if (filter.purpose) query = query.where('purpose', '=', filter.purpose);
  if (filter.campaignId) query = query.where('campaign_id', '=', filter.campaignId);
  if (filter.batchId) query = query.where('batch_id', '=', filter.batchId);
  if (filter.before) query = query.where('id', '<', filter.before);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}
