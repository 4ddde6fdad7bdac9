import type { Executor } from '../../db/index.ts';
import { AppError } from '../../errors.ts';
import { latestPartyNames } from '../invites/party-names.ts';
import type { PartyRef, PartyView } from './schema.ts';

/** A party key ('u:<user id>' or 'm:<member id>', see invites/party.ts) as events name it. */
export function presentParty(key: string): PartyRef {
  return { key, type: key.startsWith('m:') ? 'member' : 'user', id: key.slice(2) };
}

/** The latest name known per party key (invites/party-names.ts); parties without one are absent. */
export type PartyNames = ReadonlyMap<string, string>;

export function lookUpNames(db: Executor, workspaceId: string, keys: Iterable<string>): Promise<PartyNames> {
  return latestPartyNames(db, workspaceId, keys);
}

/** A party as the read API shows it: with the name it was last given. */
export function nameParty(party: PartyRef, names: PartyNames): PartyView {
  return { ...party, displayName: names.get(party.key) ?? null };
}

export function namedParty(key: string, names: PartyNames): PartyView {
  return nameParty(presentParty(key), names);
}

/**
 * Whether the workspace has met this person: in the referral graph (either end), as a redeemer, as
 * a code owner, as a member (members signed in with an integrator id are that user) or as a buyer.
 * Each probe is one indexed lookup.
 */
export async function isKnownParty(db: Executor, workspaceId: string, key: string): Promise<boolean> {
  const userId = key.startsWith('u:') ? key.slice(2) : null;
  const probes = [
    () => db.selectFrom('referral_edges').select('id').where('workspace_id', '=', workspaceId).where('invitee_key', '=', key).limit(1).executeTakeFirst(),
    () => db.selectFrom('referral_edges').select('id').where('workspace_id', '=', workspaceId).where('inviter_key', '=', key).limit(1).executeTakeFirst(),
    () => db.selectFrom('invites').select('id').where('workspace_id', '=', workspaceId).where('owner_key', '=', key).limit(1).executeTakeFirst(),
    () => db.selectFrom('purchases').select('id').where('workspace_id', '=', workspaceId).where('buyer_key', '=', key).limit(1).executeTakeFirst(),
    () =>
      userId === null
        ? db.selectFrom('members').select('id').where('workspace_id', '=', workspaceId).where('id', '=', key.slice(2)).where('external_user_id', 'is', null).executeTakeFirst()
        : db.selectFrom('members').select('id').where('workspace_id', '=', workspaceId).where('external_user_id', '=', userId).executeTakeFirst(),
    () => (userId === null ? undefined : db.selectFrom('invite_redemptions').select('id').where('workspace_id', '=', workspaceId).where('redeemer_id', '=', userId).limit(1).executeTakeFirst()),
  ];
  for (const probe of probes) {
    if (await probe()) return true;
  }
  return false;
}

export async function mustBeKnown(db: Executor, workspaceId: string, key: string): Promise<void> {
  if (!(await isKnownParty(db, workspaceId, key))) {
    throw new AppError('not_found', `${JSON.stringify(key)} is not known to this workspace: no code, redemption, referral, membership or purchase names them`);
  }
}
