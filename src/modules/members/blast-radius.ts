import type { Executor } from '../../db/index.ts';
import type { Actor } from '../audit/actor.ts';
import { recordChange } from '../audit/record.ts';

export const BLAST_RADIUS_ACTIONS = ['review', 'remove'] as const;
export type BlastRadiusAction = (typeof BLAST_RADIUS_ACTIONS)[number];

/**
 * "Revoke with blast radius": everyone still in a group through a leaked code who joined in the
 * last hours is removed, or held for review (status 'review': not an active member, the seat freed,
 * until an admin decides). Runs in the revoking transaction, so the code and its members change
 * together; each member gets an event, so integrators can act on their side too.
 */
export async function applyBlastRadius(
  tx: Executor,
  actor: Actor,
  input: { workspaceId: string; codeId: string; since: number; action: BlastRadiusAction; reason: string | null },
  now: number,
): Promise<number> {
  const affected = await tx
    .selectFrom('group_members')
    .innerJoin('members', 'members.id', 'group_members.member_id')
    .select(['group_members.id', 'group_members.group_id', 'group_members.member_id', 'members.display_name'])
    .where('group_members.workspace_id', '=', input.workspaceId)
    .where('group_members.code_id', '=', input.codeId)
    .where('group_members.status', '=', 'active')
    .where('group_members.joined_at', '>=', input.since)
    .execute();
  if (affected.length === 0) return 0;
  const status = input.action === 'remove' ? 'removed' : 'review';
  await tx
    .updateTable('group_members')
    .set({ status, left_at: now, removed_by: actor.id ?? actor.label, reason: input.reason ?? 'code revoked' })
    .where('id', 'in', affected.map((m) => m.id))
    .execute();
  const perGroup = new Map<string, number>();
  for (const member of affected) perGroup.set(member.group_id, (perGroup.get(member.group_id) ?? 0) + 1);
  for (const [groupId, count] of [...perGroup.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    await tx
      .updateTable('groups')
      .set((eb) => ({ member_count: eb('member_count', '-', count) }))
      .where('id', '=', groupId)
      .execute();
  }
  for (const member of affected) {
    await recordChange(
      tx,
      actor,
      {
        workspaceId: input.workspaceId,
        action: input.action === 'remove' ? 'member.removed' : 'member.held_for_review',
        targetType: 'group',
        targetId: member.group_id,
        details: { memberId: member.member_id, codeId: input.codeId, reason: input.reason },
        event: { memberId: member.member_id, displayName: member.display_name, groupId: member.group_id, codeId: input.codeId, reason: input.reason },
      },
      now,
    );
  }
  return affected.length;
}
