import { sql } from 'kysely';
import type { Dialect, Executor } from '../../db/index.ts';
import { prepareQuery, type Slots } from '../../db/prepared-query.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';

/** Far deeper than any real chain; only guards the recursive query should the graph ever be damaged. */
const MAX_DEPTH = 100_000;

export function alreadyReferred(): AppError {
  return new AppError('invite_already_referred', 'This user was already referred by someone (one inviter each); a referral code cannot be redeemed for them again');
}

/**
 * Whether the redeemer is an ancestor of the owner at any depth (the new edge owner → redeemer
 * would close a cycle), and whether the redeemer already has an inviter: one statement.
 */
const referralCheck = prepareQuery((_db, p: Slots<{ workspaceId: string; ownerKey: string; redeemerKey: string }>) =>
  sql<{ cycle: number | boolean; referred: number | boolean }>`
    with recursive up(party, depth) as (
      select inviter_key, 1 from referral_edges where workspace_id = ${p.workspaceId} and invitee_key = ${p.ownerKey}
      union all
      select e.inviter_key, up.depth + 1 from referral_edges e join up on e.invitee_key = up.party
      where e.workspace_id = ${p.workspaceId} and up.depth < ${MAX_DEPTH}
    )
    select
      exists (select 1 from up where party = ${p.redeemerKey}) as cycle,
      exists (select 1 from referral_edges where workspace_id = ${p.workspaceId} and invitee_key = ${p.redeemerKey}) as referred`,
);

/**
 * Refuses a referral redemption that would break the graph: the redeemer is the owner, the
 * redeemer is an ancestor of the owner at any depth, or the redeemer already has an inviter. On
 * PostgreSQL referral redemptions of a workspace take a transaction-scoped advisory lock first, so
 * two of them (A redeeming B's code while B redeems A's) cannot both pass the cycle check; SQLite
 * runs one writing transaction at a time.
 */
export async function checkReferral(tx: Executor, dialect: Dialect, input: { workspaceId: string; ownerKey: string; redeemerKey: string }): Promise<void> {
  if (input.ownerKey === input.redeemerKey) throw new AppError('invite_self_referral', 'The redeemer owns this code; an invite code is for someone else');
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${`referrals:${input.workspaceId}`}))`.execute(tx);
  const [found] = (await referralCheck.execute(tx, input)).rows;
  if (found?.cycle) throw new AppError('invite_referral_cycle', "The redeemer is above the code's owner in the referral chain (directly or further up); redeeming would make a cycle");
  if (found?.referred) throw alreadyReferred();
}

const insertEdge = prepareQuery((db, e: Slots<{ id: string; workspaceId: string; inviterKey: string; inviteeKey: string; inviteId: string; redemptionId: string; now: number }>) =>
  db.insertInto('referral_edges').values({
    id: e.id,
    workspace_id: e.workspaceId,
    inviter_key: e.inviterKey,
    invitee_key: e.inviteeKey,
    invite_id: e.inviteId,
    redemption_id: e.redemptionId,
    created_at: e.now,
  }),
);

export async function addReferralEdge(
  tx: Executor,
  edge: { workspaceId: string; inviterKey: string; inviteeKey: string; inviteId: string; redemptionId: string },
  now: number,
): Promise<void> {
  await insertEdge.execute(tx, { ...edge, id: newId(now), now });
}
