import { createHash } from 'node:crypto';
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
 * would close a cycle), whether the redeemer already has an inviter, and the root of the owner's
 * tree (null: the owner has no inviter, so is the root): one statement.
 */
const referralCheck = prepareQuery((_db, p: Slots<{ workspaceId: string; ownerKey: string; redeemerKey: string }>) =>
  sql<{ cycle: number | boolean; referred: number | boolean; root: string | null }>`
    with recursive up(party, depth) as (
      select inviter_key, 1 from referral_edges where workspace_id = ${p.workspaceId} and invitee_key = ${p.ownerKey}
      union all
      select e.inviter_key, up.depth + 1 from referral_edges e join up on e.invitee_key = up.party
      where e.workspace_id = ${p.workspaceId} and up.depth < ${MAX_DEPTH}
    )
    select
      exists (select 1 from up where party = ${p.redeemerKey}) as cycle,
      exists (select 1 from referral_edges where workspace_id = ${p.workspaceId} and invitee_key = ${p.redeemerKey}) as referred,
      (select party from up order by depth desc limit 1) as root`,
);

type Check = { cycle: boolean; referred: boolean; root: string };
type ReferralInput = { workspaceId: string; ownerKey: string; redeemerKey: string };

async function check(tx: Executor, input: ReferralInput): Promise<Check> {
  const [found] = (await referralCheck.execute(tx, input)).rows;
  return { cycle: Boolean(found?.cycle), referred: Boolean(found?.referred), root: found?.root ?? input.ownerKey };
}

/** A party's advisory-lock key within its workspace's namespace (a collision only makes two parties wait for each other). */
function lockKey(text: string): number {
  return createHash('sha256').update(text).digest().readInt32BE(0);
}

/**
 * PostgreSQL: the check again, under advisory locks, so that concurrent redemptions cannot close
 * a cycle together (A redeeming B's code while B redeems A's, or longer rings). The new edge
 * hangs the redeemer's tree (the redeemer is its root: it has no inviter) under the owner, and a
 * ring closes only through redeemers that are the roots of each other's owners' trees. So each
 * redemption holds its redeemer exclusively and the root of its owner's tree shared: redemptions
 * under one popular owner share that root and run side by side, while two that would close a ring
 * wait for each other, and the second sees the first's edge. The pair is taken in key order (no
 * deadlock between two redemptions); should the owner's tree be hung under another meanwhile, the
 * new root is locked too and the check repeats — that late lock can deadlock, and the group
 * commit runs the redemption again (db/group-commit.ts).
 */
async function checkUnderLocks(tx: Executor, input: ReferralInput, first: Check): Promise<Check> {
  const namespace = lockKey(`referrals:${input.workspaceId}`);
  const held = new Set<number>();
  const lock = async (party: string, mode: 'exclusive' | 'shared') => {
    const key = lockKey(party);
    if (held.has(key)) return;
    held.add(key);
    if (mode === 'exclusive') await sql`select pg_advisory_xact_lock(${namespace}, ${key})`.execute(tx);
    else await sql`select pg_advisory_xact_lock_shared(${namespace}, ${key})`.execute(tx);
  };
  const pair = [
    { party: input.redeemerKey, mode: 'exclusive' as const },
    { party: first.root, mode: 'shared' as const },
  ].sort((a, b) => lockKey(a.party) - lockKey(b.party) || (a.mode === 'exclusive' ? -1 : 1));
  for (const { party, mode } of pair) await lock(party, mode);
  for (;;) {
    const found = await check(tx, input);
    if (found.cycle || held.has(lockKey(found.root))) return found;
    await lock(found.root, 'shared');
  }
}

/**
 * Refuses a referral redemption that would break the graph: the redeemer is the owner, the
 * redeemer is an ancestor of the owner at any depth, or the redeemer already has an inviter.
 * SQLite runs one writing transaction at a time; PostgreSQL checks again under locks.
 */
export async function checkReferral(tx: Executor, dialect: Dialect, input: ReferralInput): Promise<void> {
  if (input.ownerKey === input.redeemerKey) throw new AppError('invite_self_referral', 'The redeemer owns this code; an invite code is for someone else');
  let found = await check(tx, input);
  if (dialect === 'postgres' && !found.cycle && !found.referred) found = await checkUnderLocks(tx, input, found);
  if (found.cycle) throw new AppError('invite_referral_cycle', "The redeemer is above the code's owner in the referral chain (directly or further up); redeeming would make a cycle");
  if (found.referred) throw alreadyReferred();
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
