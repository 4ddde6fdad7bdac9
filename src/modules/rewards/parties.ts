import type { Executor } from '../../db/index.ts';
import { AppError } from '../../errors.ts';
import type { PartyView } from './schema.ts';

/** A party key ('u:<user id>' or 'm:<member id>', see invites/party.ts) as the API shows it. */
export function presentParty(key: string): PartyView {
  return { key, type: key.startsWith('m:') ? 'member' : 'user', id: key.slice(2) };
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
