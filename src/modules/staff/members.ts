import { toIso } from '../../clock.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import type { Actor } from '../audit/actor.ts';
import { recordChange } from '../audit/record.ts';
import type { Role } from './permissions.ts';
import { countOwners, findMembership, listMemberships, lockWorkspaceStaff } from './repository.ts';

export async function listStaff(deps: Deps, workspaceId: string, before: string | undefined, limit: number) {
  const rows = await listMemberships(deps.db.kysely, workspaceId, before, limit);
  return rows.map((row) => ({
    id: row.id,
    staffId: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role as Role,
    joinedAt: toIso(row.created_at),
  }));
}

/** Changes a staff member's role; the last owner cannot be demoted. */
export async function changeRole(deps: Deps, actor: Actor, workspaceId: string, staffId: string, role: Role) {
  const now = deps.clock.now();
  await deps.db.kysely.transaction().execute(async (tx) => {
    await lockWorkspaceStaff(tx, deps.db.dialect, workspaceId);
    const membership = await findMembership(tx, workspaceId, staffId);
    if (!membership) throw new AppError('not_found', 'That person is not on the staff of this workspace');
    if (membership.role === role) return;
    if (membership.role === 'owner' && (await countOwners(tx, workspaceId)) <= 1) throw new AppError('last_owner');
    await tx.updateTable('memberships').set({ role }).where('workspace_id', '=', workspaceId).where('staff_id', '=', staffId).execute();
    await recordChange(
      tx,
      actor,
      { workspaceId, action: 'staff.role_changed', targetType: 'staff', targetId: staffId, details: { from: membership.role, to: role }, event: { staffId, from: membership.role, to: role } },
      now,
    );
  });
}

/** Removes a staff member from the workspace (their account stays); the last owner stays. */
export async function removeStaff(deps: Deps, actor: Actor, workspaceId: string, staffId: string) {
  const now = deps.clock.now();
  await deps.db.kysely.transaction().execute(async (tx) => {
    await lockWorkspaceStaff(tx, deps.db.dialect, workspaceId);
    const membership = await findMembership(tx, workspaceId, staffId);
    if (!membership) throw new AppError('not_found', 'That person is not on the staff of this workspace');
    if (membership.role === 'owner' && (await countOwners(tx, workspaceId)) <= 1) throw new AppError('last_owner');
    await tx.deleteFrom('memberships').where('workspace_id', '=', workspaceId).where('staff_id', '=', staffId).execute();
    await recordChange(
      tx,
      actor,
      { workspaceId, action: 'staff.removed', targetType: 'staff', targetId: staffId, details: { role: membership.role }, event: { staffId, role: membership.role } },
      now,
    );
  });
}
