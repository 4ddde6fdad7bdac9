import { toIso } from '../../clock.ts';
import type { Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../audit/actor.ts';
import { recordChange } from '../audit/record.ts';
import { PLAN_DEFAULTS, type PlanLimits, type PlanName } from './plans.ts';

type WorkspaceRow = { id: string; name: string; plan: string; limits: string; created_at: number; updated_at: number };

export interface WorkspaceView {
  id: string;
  name: string;
  plan: PlanName;
  limits: PlanLimits;
  createdAt: string;
  updatedAt: string;
}

export function presentWorkspace(row: WorkspaceRow): WorkspaceView {
  return {
    id: row.id,
    name: row.name,
    plan: row.plan as PlanName,
    limits: JSON.parse(row.limits) as PlanLimits,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

/** Creates a workspace with its creator as owner. Runs inside the caller's transaction. */
export async function createWorkspace(
  tx: Executor,
  actor: Actor & { id: string },
  input: { name: string; plan?: PlanName },
  now: number,
): Promise<WorkspaceView> {
  const plan = input.plan ?? 'free';
  const row = { id: newId(now), name: input.name, plan, limits: JSON.stringify(PLAN_DEFAULTS[plan]), created_at: now, updated_at: now };
  await tx.insertInto('workspaces').values(row).execute();
  await tx.insertInto('memberships').values({ workspace_id: row.id, staff_id: actor.id, role: 'owner', created_at: now }).execute();
  await recordChange(
    tx,
    actor,
    { workspaceId: row.id, action: 'workspace.created', targetType: 'workspace', targetId: row.id, details: { name: input.name, plan }, event: { workspaceId: row.id, name: input.name, plan } },
    now,
  );
  return presentWorkspace(row);
}

export async function findWorkspace(db: Executor, workspaceId: string): Promise<WorkspaceView> {
  const row = await db.selectFrom('workspaces').selectAll().where('id', '=', workspaceId).executeTakeFirst();
  if (!row) throw new AppError('not_found', 'No such workspace');
  return presentWorkspace(row);
}

export async function getWorkspaceLimits(db: Executor, workspaceId: string): Promise<PlanLimits> {
  return (await findWorkspace(db, workspaceId)).limits;
}

export function listWorkspacesOf(db: Executor, staffId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
    .select(['workspaces.id', 'workspaces.name', 'workspaces.plan', 'memberships.role', 'workspaces.created_at'])
    .where('memberships.staff_id', '=', staffId)
    .orderBy('workspaces.id', 'asc')
    .execute();
}

/**
 * Renames, moves to another plan (taking that plan's defaults) and/or edits individual limits.
 * Limits given together with a plan are applied on top of the plan's defaults.
 */
export async function updateWorkspace(
  deps: Deps,
  actor: Actor,
  workspaceId: string,
  input: { name?: string; plan?: PlanName; limits?: Partial<PlanLimits> },
): Promise<WorkspaceView> {
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (tx) => {
    const current = await findWorkspace(tx, workspaceId);
    const plan = input.plan ?? current.plan;
    const base = input.plan && input.plan !== current.plan ? PLAN_DEFAULTS[input.plan] : current.limits;
    const limits: PlanLimits = { ...base, ...input.limits };
    const name = input.name ?? current.name;
    await tx
      .updateTable('workspaces')
      .set({ name, plan, limits: JSON.stringify(limits), updated_at: now })
      .where('id', '=', workspaceId)
      .execute();
    const changes = { name: input.name, plan: input.plan, limits: input.limits };
    await recordChange(
      tx,
      actor,
      { workspaceId, action: 'workspace.updated', targetType: 'workspace', targetId: workspaceId, details: changes, event: { workspaceId, name, plan, limits } },
      now,
    );
    return { ...current, name, plan, limits, updatedAt: toIso(now) };
  });
}
