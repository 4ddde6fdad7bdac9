import type { Deps } from '../../src/deps.ts';
import { newId } from '../../src/ids.ts';
import { createOperator } from '../../src/modules/staff/accounts.ts';
import { hashPassword } from '../../src/modules/staff/passwords.ts';
import type { Role } from '../../src/modules/staff/permissions.ts';
import type { PlanName } from '../../src/modules/workspaces/plans.ts';
import { Client } from './client.ts';

export const PASSWORD = 'correct horse battery staple';
let passwordHash: Promise<string> | undefined;
let counter = 0;

/** An operator with their own workspace, signed in. */
export async function operator(url: string, deps: Deps, options: { plan?: PlanName; email?: string } = {}) {
  counter += 1;
  const email = options.email ?? `operator${counter}-${Date.now()}@example.com`;
  const { staffId, workspace } = await createOperator(deps, { email, password: PASSWORD, displayName: `Operator ${counter}`, workspaceName: `Workspace ${counter}`, plan: options.plan });
  const client = new Client(url);
  const signedIn = await client.signIn(email, PASSWORD);
  if (signedIn.status !== 200) throw new Error(`sign-in failed: ${signedIn.text}`);
  return { client, staffId, email, workspaceId: workspace.id };
}

/** A staff member with a role in a workspace, signed in (inserted directly: invitations have their own tests). */
export async function staffMember(url: string, deps: Deps, workspaceId: string, role: Role) {
  counter += 1;
  const now = deps.clock.now();
  const id = newId(now);
  const email = `${role}${counter}-${Date.now()}@example.com`;
  passwordHash ??= hashPassword(PASSWORD);
  await deps.db.kysely
    .insertInto('staff')
    .values({ id, email, display_name: `${role} ${counter}`, password_hash: await passwordHash, locale: null, created_at: now, updated_at: now })
    .execute();
  await deps.db.kysely.insertInto('memberships').values({ workspace_id: workspaceId, staff_id: id, role, created_at: now }).execute();
  const client = new Client(url);
  const signedIn = await client.signIn(email, PASSWORD);
  if (signedIn.status !== 200) throw new Error(`sign-in failed: ${signedIn.text}`);
  return { client, staffId: id, email };
}
