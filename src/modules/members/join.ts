import type { Deps } from '../../deps.ts';
import { isUniqueViolation, type Executor } from '../../db/index.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../audit/actor.ts';
import { recordChange } from '../audit/record.ts';

export const JOIN_THROTTLE_WINDOW_MS = 3600 * 1000;

export interface JoinInput {
  workspaceId: string;
  groupId: string;
  memberId: string;
  codeId: string | null;
  /** The code's channel tags, kept with the membership as they were at join time. */
  tags: Record<string, unknown>;
  /** At most this many joins through the code in any hour; null: no cap. */
  joinsPerHourCap: number | null;
  inviterId?: string | null;
}

export interface Membership {
  id: string;
  groupId: string;
  memberId: string;
  codeId: string | null;
  joinedAt: number;
}

export type JoinFailure = 'not_found' | 'closed' | 'full' | 'throttled';
export type JoinResult = { ok: true; alreadyMember: boolean; membership: Membership } | { ok: false; reason: JoinFailure };

/** Thrown inside the transaction to roll it back and answer with a result. */
class Refusal extends Error {
  constructor(readonly result: JoinResult | 'already') {
    super('join refused');
  }
}

function memberActor(member: { id: string; display_name: string }): Actor {
  return { type: 'system', id: null, label: `member ${member.display_name} (${member.id})`, ip: null, requestId: null };
}

async function activeMembership(db: Executor, groupId: string, memberId: string) {
  return db
    .selectFrom('group_members')
    .select(['id', 'group_id', 'member_id', 'code_id', 'joined_at'])
    .where('group_id', '=', groupId)
    .where('member_id', '=', memberId)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

function presentMembership(row: { id: string; group_id: string; member_id: string; code_id: string | null; joined_at: number }): Membership {
  return { id: row.id, groupId: row.group_id, memberId: row.member_id, codeId: row.code_id, joinedAt: row.joined_at };
}

/**
 * Admits a member to a hosted group, atomically on SQLite and PostgreSQL alike:
 * - the seat is taken by a conditional increment (`member_count < capacity`), so concurrent joins
 *   never overfill the group; on PostgreSQL that update also locks the group row, which serializes
 *   the checks after it for joins into the same group;
 * - an active membership already there answers "already a member" without counting twice (the
 *   partial unique index backs this up if two requests of one member race);
 * - the code's joins-per-hour cap is counted inside the same transaction;
 * - the membership row and the member.joined event (outbox) commit together with the count.
 */
export async function joinGroup(deps: Deps, input: JoinInput): Promise<JoinResult> {
  const db = deps.db.kysely;
  const existing = await activeMembership(db, input.groupId, input.memberId);
  if (existing) return { ok: true, alreadyMember: true, membership: presentMembership(existing) };
  const now = deps.clock.now();
  try {
    return await db.transaction().execute(async (tx) => {
      const seat = await tx
        .updateTable('groups')
        .set((eb) => ({ member_count: eb('member_count', '+', 1) }))
        .where('id', '=', input.groupId)
        .where('workspace_id', '=', input.workspaceId)
        .where('kind', '=', 'hosted')
        .where('status', '=', 'active')
        .where((eb) => eb('member_count', '<', eb.ref('capacity')))
        .executeTakeFirst();
      if (Number(seat.numUpdatedRows) === 0) {
        const group = await tx.selectFrom('groups').select(['kind', 'status']).where('id', '=', input.groupId).where('workspace_id', '=', input.workspaceId).executeTakeFirst();
        if (!group || group.kind !== 'hosted') throw new Refusal({ ok: false, reason: 'not_found' });
        if (group.status !== 'active') throw new Refusal({ ok: false, reason: 'closed' });
        throw new Refusal((await activeMembership(tx, input.groupId, input.memberId)) ? 'already' : { ok: false, reason: 'full' });
      }
      if (await activeMembership(tx, input.groupId, input.memberId)) throw new Refusal('already');
      if (input.codeId !== null && input.joinsPerHourCap !== null) {
        const recent = await tx
          .selectFrom('group_members')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('code_id', '=', input.codeId)
          .where('joined_at', '>', now - JOIN_THROTTLE_WINDOW_MS)
          .executeTakeFirstOrThrow();
        if (Number(recent.n) >= input.joinsPerHourCap) throw new Refusal({ ok: false, reason: 'throttled' });
      }
      const member = await tx.selectFrom('members').select(['id', 'display_name']).where('id', '=', input.memberId).where('workspace_id', '=', input.workspaceId).executeTakeFirst();
      if (!member) throw new Refusal({ ok: false, reason: 'not_found' });
      const row = {
        id: newId(now),
        workspace_id: input.workspaceId,
        group_id: input.groupId,
        member_id: input.memberId,
        status: 'active',
        code_id: input.codeId,
        tags: JSON.stringify(input.tags),
        inviter_id: input.inviterId ?? null,
        joined_at: now,
        left_at: null,
        removed_by: null,
        reason: null,
      };
      await tx.insertInto('group_members').values(row).execute();
      await recordChange(
        tx,
        memberActor(member),
        {
          workspaceId: input.workspaceId,
          action: 'member.joined',
          targetType: 'group',
          targetId: input.groupId,
          details: { memberId: member.id, codeId: input.codeId },
          event: {
            memberId: member.id,
            displayName: member.display_name,
            groupId: input.groupId,
            codeId: input.codeId,
            inviterId: row.inviter_id,
            tags: input.tags,
            joinedAt: new Date(now).toISOString(),
          },
        },
        now,
      );
      return { ok: true, alreadyMember: false, membership: presentMembership(row) } as JoinResult;
    });
  } catch (error) {
    let refusal: JoinResult | 'already' | null = error instanceof Refusal ? error.result : null;
    // Two joins of the same member raced past the check: the index let one in.
    if (refusal === null && isUniqueViolation(error)) refusal = 'already';
    if (refusal === null) throw error;
    if (refusal !== 'already') return refusal;
    const winner = await activeMembership(db, input.groupId, input.memberId);
    if (!winner) throw error;
    return { ok: true, alreadyMember: true, membership: presentMembership(winner) };
  }
}

/** Ends an active membership: status left, the seat given back, a member.left event. */
export async function leaveGroup(deps: Deps, input: { workspaceId: string; groupId: string; memberId: string }): Promise<boolean> {
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (tx) => {
    const left = await tx
      .updateTable('group_members')
      .set({ status: 'left', left_at: now })
      .where('workspace_id', '=', input.workspaceId)
      .where('group_id', '=', input.groupId)
      .where('member_id', '=', input.memberId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (Number(left.numUpdatedRows) === 0) return false;
    await tx
      .updateTable('groups')
      .set((eb) => ({ member_count: eb('member_count', '-', 1) }))
      .where('id', '=', input.groupId)
      .where('member_count', '>', 0)
      .execute();
    const member = await tx.selectFrom('members').select(['id', 'display_name']).where('id', '=', input.memberId).executeTakeFirstOrThrow();
    await recordChange(
      tx,
      memberActor(member),
      {
        workspaceId: input.workspaceId,
        action: 'member.left',
        targetType: 'group',
        targetId: input.groupId,
        details: { memberId: member.id },
        event: { memberId: member.id, displayName: member.display_name, groupId: input.groupId, leftAt: new Date(now).toISOString() },
      },
      now,
    );
    return true;
  });
}
