import { sql } from 'kysely';
import { toIso } from '../../clock.ts';
import type { Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { encodeCursor } from '../../http/pagination.ts';
import { lookUpNames, mustBeKnown, namedParty } from './parties.ts';
import type { Downline, Upline } from './schema.ts';
import { getRewardSettings } from './settings.ts';

/**
 * Reading the referral graph (written by invites/referrals.ts: one inviter per invitee, no cycles,
 * so it is a forest). Both directions are one recursive query bounded by the depth, each step an
 * indexed lookup: referral_edges (workspace_id, invitee_key) upward, (workspace_id, inviter_key) downward.
 */

export interface UplineStep {
  level: number;
  party: string;
  referredAt: number;
}

/** The chain above a party, level 1 (their inviter) first, at most `depth` levels. */
export async function uplineOf(db: Executor, workspaceId: string, partyKey: string, depth: number): Promise<UplineStep[]> {
  const { rows } = await sql<{ party: string; level: number; referred_at: number }>`
    with recursive up(party, level, referred_at) as (
      select inviter_key, 1, created_at from referral_edges where workspace_id = ${workspaceId} and invitee_key = ${partyKey}
      union all
      select e.inviter_key, up.level + 1, e.created_at from referral_edges e join up on e.invitee_key = up.party
      where e.workspace_id = ${workspaceId} and up.level < ${depth}
    )
    select party, level, referred_at from up order by level`.execute(db);
  return rows.map((r) => ({ level: Number(r.level), party: r.party, referredAt: Number(r.referred_at) }));
}

/** The downline below a party down to `depth`, with each person's edge (its id is the page cursor). */
function downline(workspaceId: string, partyKey: string, depth: number) {
  return sql`
    with recursive down(edge_id, party, inviter, level, referred_at) as (
      select id, invitee_key, inviter_key, 1, created_at from referral_edges where workspace_id = ${workspaceId} and inviter_key = ${partyKey}
      union all
      select e.id, e.invitee_key, e.inviter_key, down.level + 1, e.created_at from referral_edges e join down on e.inviter_key = down.party
      where e.workspace_id = ${workspaceId} and down.level < ${depth}
    )`;
}

export async function getUpline(deps: Deps, workspaceId: string, partyKey: string): Promise<Upline> {
  const db = deps.db.kysely;
  await mustBeKnown(db, workspaceId, partyKey);
  const { referralDepth } = await getRewardSettings(db, workspaceId);
  const steps = await uplineOf(db, workspaceId, partyKey, referralDepth);
  const names = await lookUpNames(db, workspaceId, [partyKey, ...steps.map((s) => s.party)]);
  return {
    party: namedParty(partyKey, names),
    depth: referralDepth,
    items: steps.map((s) => ({ level: s.level, party: namedParty(s.party, names), referredAt: toIso(s.referredAt) })),
  };
}

/**
 * An inviter's downline (社区团购 团长 view): people per level down to the workspace's referral
 * depth, and one level listed newest first with each person's own direct invitees and purchases;
 * every party with the name they were last given.
 */
export async function getDownline(deps: Deps, workspaceId: string, partyKey: string, page: { level: number; before?: string; limit: number }): Promise<Downline> {
  const db = deps.db.kysely;
  await mustBeKnown(db, workspaceId, partyKey);
  const { referralDepth, currency } = await getRewardSettings(db, workspaceId);
  if (page.level > referralDepth) {
    throw new AppError('validation_failed', `querystring/level must be at most ${referralDepth}, the workspace's referral depth`, { errors: [{ in: 'querystring', pointer: '/level', message: `must be at most ${referralDepth}` }] });
  }
  const tree = downline(workspaceId, partyKey, referralDepth);
  const counts = await sql<{ level: number; n: number }>`${tree} select level, count(*) as n from down group by level`.execute(db);
  const levels = Array.from({ length: referralDepth }, (_, i) => ({ level: i + 1, count: Number(counts.rows.find((r) => Number(r.level) === i + 1)?.n ?? 0) }));
  const before = page.before === undefined ? sql`` : sql`and edge_id < ${page.before}`;
  const listed = await sql<{ edge_id: string; party: string; inviter: string; referred_at: number }>`
    ${downline(workspaceId, partyKey, page.level)}
    select edge_id, party, inviter, referred_at from down where level = ${page.level} ${before} order by edge_id desc limit ${page.limit + 1}`.execute(db);
  const rows = listed.rows.slice(0, page.limit);
  const keys = rows.map((r) => r.party);
  const invitees = keys.length === 0 ? [] : await db.selectFrom('referral_edges').select((eb) => ['inviter_key', eb.fn.countAll<number>().as('n')]).where('workspace_id', '=', workspaceId).where('inviter_key', 'in', keys).groupBy('inviter_key').execute();
  const bought =
    keys.length === 0
      ? []
      : await db
          .selectFrom('purchases')
          .select((eb) => ['buyer_key', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>(sql`amount - refunded`).as('net')])
          .where('workspace_id', '=', workspaceId)
          .where('buyer_key', 'in', keys)
          .groupBy('buyer_key')
          .execute();
  const names = await lookUpNames(db, workspaceId, [partyKey, ...rows.flatMap((r) => [r.party, r.inviter])]);
  return {
    party: namedParty(partyKey, names),
    depth: referralDepth,
    currency,
    levels,
    total: levels.reduce((sum, l) => sum + l.count, 0),
    level: page.level,
    items: rows.map((r) => {
      const purchases = bought.find((b) => b.buyer_key === r.party);
      return {
        party: namedParty(r.party, names),
        inviter: namedParty(r.inviter, names),
        referredAt: toIso(Number(r.referred_at)),
        invitees: Number(invitees.find((i) => i.inviter_key === r.party)?.n ?? 0),
        purchases: { count: Number(purchases?.n ?? 0), netAmount: Number(purchases?.net ?? 0) },
      };
    }),
    nextCursor: listed.rows.length > page.limit ? encodeCursor(rows.at(-1)!.edge_id) : null,
  };
}
