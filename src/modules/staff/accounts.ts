import type { Deps } from '../../deps.ts';
import { isUniqueViolation } from '../../db/index.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { SYSTEM_ACTOR } from '../audit/actor.ts';
import { createWorkspace, type WorkspaceView } from '../workspaces/service.ts';
import type { PlanName } from '../workspaces/plans.ts';
import { assertStrongPassword, hashPassword } from './passwords.ts';
import { normalizeEmail } from './sessions.ts';

/** Throws the AppError createOperator would, before anything is opened or written (the CLI checks first). */
export function checkOperatorInput(input: { email: string; password: string }): void {
  const email = normalizeEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new AppError('validation_failed', `"${input.email}" is not an email address`);
  assertStrongPassword(input.password, email);
}

/**
 * Creates an operator: a staff account that owns a new workspace. This is how the first person
 * gets in (the CLI's create-operator); later staff arrive by invitation.
 */
export async function createOperator(
  deps: Deps,
  input: { email: string; password: string; displayName: string; workspaceName: string; plan?: PlanName },
): Promise<{ staffId: string; workspace: WorkspaceView }> {
  checkOperatorInput(input);
  const email = normalizeEmail(input.email);
  const hash = await hashPassword(input.password);
  const now = deps.clock.now();
  const staffId = newId(now);
  try {
    return await deps.db.kysely.transaction().execute(async (tx) => {
      await tx
        .insertInto('staff')
        .values({ id: staffId, email, display_name: input.displayName, password_hash: hash, locale: null, created_at: now, updated_at: now })
        .execute();
      const actor = { ...SYSTEM_ACTOR, type: 'staff' as const, id: staffId, label: email };
      const workspace = await createWorkspace(tx, actor, { name: input.workspaceName, plan: input.plan }, now);
      return { staffId, workspace };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('email_taken');
    throw error;
  }
}
