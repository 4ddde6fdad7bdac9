import { toIso } from '../../clock.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../audit/actor.ts';
import { recordChange } from '../audit/record.ts';
import { queueMail } from '../mail/outbox.ts';
import { findWorkspace } from '../workspaces/service.ts';
import { assertStrongPassword, hashPassword } from './passwords.ts';
import type { Role } from './permissions.ts';
import { findMembership, findStaffByEmail } from './repository.ts';
import { normalizeEmail, openSession } from './sessions.ts';
import { newSecret, sha256 } from './tokens.ts';

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

type InvitationRow = {
  id: string;
  email: string;
  role: string;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  revoked_at: number | null;
};

export function invitationStatus(row: InvitationRow, now: number): 'pending' | 'accepted' | 'revoked' | 'expired' {
  if (row.accepted_at !== null) return 'accepted';
  if (row.revoked_at !== null) return 'revoked';
  return row.expires_at <= now ? 'expired' : 'pending';
}

export function presentInvitation(row: InvitationRow, now: number) {
  return {
    id: row.id,
    email: row.email,
    role: row.role as Role,
    status: invitationStatus(row, now),
    createdAt: toIso(row.created_at),
    expiresAt: toIso(row.expires_at),
  };
}

/** Invites an email address to the staff with a role; the link is mailed and returned once. */
export async function inviteStaff(deps: Deps, actor: Actor & { id: string }, workspaceId: string, input: { email: string; role: Role }) {
  const email = normalizeEmail(input.email);
  const now = deps.clock.now();
  const token = newSecret();
  const row = {
    id: newId(now),
    workspace_id: workspaceId,
    email,
    role: input.role,
    token_hash: sha256(token),
    invited_by: actor.id,
    created_at: now,
    expires_at: now + INVITATION_TTL_MS,
    accepted_at: null,
    revoked_at: null,
  };
  const acceptUrl = `${deps.config.publicUrl}/console/invite/${token}`;
  await deps.db.kysely.transaction().execute(async (tx) => {
    const workspace = await findWorkspace(tx, workspaceId);
    const existing = await findStaffByEmail(tx, email);
    if (existing && (await findMembership(tx, workspaceId, existing.id))) throw new AppError('already_member');
    await tx.insertInto('staff_invitations').values(row).execute();
    await recordChange(
      tx,
      actor,
      { workspaceId, action: 'staff.invited', targetType: 'invitation', targetId: row.id, details: { email, role: input.role }, event: { invitationId: row.id, email, role: input.role } },
      now,
    );
    await queueMail(tx, deps.config, {
      workspaceId,
      to: email,
      subject: `You are invited to ${workspace.name} on joincode`,
      text: `${actor.label} invited you to join "${workspace.name}" as ${input.role}.\n\nAccept within 7 days: ${acceptUrl}\n`,
    }, now);
  });
  return { invitation: presentInvitation(row, now), acceptUrl };
}

export async function listInvitations(deps: Deps, workspaceId: string, before: string | undefined, limit: number) {
  let query = deps.db.kysely.selectFrom('staff_invitations').selectAll().where('workspace_id', '=', workspaceId);
  if (before) query = query.where('id', '<', before);
  return query.orderBy('id', 'desc').limit(limit).execute();
}

export async function revokeInvitation(deps: Deps, actor: Actor, workspaceId: string, invitationId: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.kysely.transaction().execute(async (tx) => {
    const invitation = await tx.selectFrom('staff_invitations').selectAll().where('id', '=', invitationId).where('workspace_id', '=', workspaceId).executeTakeFirst();
    if (!invitation) throw new AppError('not_found', 'No such invitation');
    if (invitationStatus(invitation, now) !== 'pending') return;
    await tx.updateTable('staff_invitations').set({ revoked_at: now }).where('id', '=', invitationId).execute();
    await recordChange(tx, actor, { workspaceId, action: 'staff.invitation_revoked', targetType: 'invitation', targetId: invitationId, event: { invitationId } }, now);
  });
}

async function findUsableInvitation(deps: Deps, token: string) {
  const invitation = await deps.db.kysely.selectFrom('staff_invitations').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
  if (!invitation) throw new AppError('not_found', 'No such invitation');
  if (invitationStatus(invitation, deps.clock.now()) !== 'pending') throw new AppError('invitation_unusable');
  return invitation;
}

export async function previewInvitation(deps: Deps, token: string) {
  const invitation = await findUsableInvitation(deps, token);
  const workspace = await findWorkspace(deps.db.kysely, invitation.workspace_id);
  const account = await findStaffByEmail(deps.db.kysely, invitation.email);
  return {
    workspaceName: workspace.name,
    email: invitation.email,
    role: invitation.role as Role,
    accountExists: account !== undefined,
    expiresAt: toIso(invitation.expires_at),
  };
}

/**
 * Accepts an invitation: a new person sets a display name and password; a person who already has
 * an account must be signed in as that account. Opens a session either way.
 */
export async function acceptInvitation(
  deps: Deps,
  token: string,
  input: { displayName?: string; password?: string; signedInStaffId: string | null; ip: string; userAgent: string; requestId: string },
) {
  const invitation = await findUsableInvitation(deps, token);
  const now = deps.clock.now();
  const existing = await findStaffByEmail(deps.db.kysely, invitation.email);
  if (existing && existing.id !== input.signedInStaffId) {
    throw new AppError('unauthenticated', `Sign in as ${invitation.email} first, then accept the invitation`);
  }
  let passwordHash: string | null = null;
  if (!existing) {
    if (!input.displayName || !input.password) {
      throw new AppError('validation_failed', 'A new account needs displayName and password');
    }
    assertStrongPassword(input.password, invitation.email);
    passwordHash = await hashPassword(input.password);
  }
  const staffId = existing?.id ?? newId(now);
  await deps.db.kysely.transaction().execute(async (tx) => {
    const claimed = await tx
      .updateTable('staff_invitations')
      .set({ accepted_at: now })
      .where('id', '=', invitation.id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) throw new AppError('invitation_unusable');
    if (!existing && passwordHash) {
      await tx
        .insertInto('staff')
        .values({ id: staffId, email: invitation.email, display_name: input.displayName!, password_hash: passwordHash, locale: null, created_at: now, updated_at: now })
        .execute();
    }
    if (await findMembership(tx, invitation.workspace_id, staffId)) throw new AppError('already_member');
    await tx.insertInto('memberships').values({ workspace_id: invitation.workspace_id, staff_id: staffId, role: invitation.role, created_at: now }).execute();
    const actor: Actor = { type: 'staff', id: staffId, label: invitation.email, ip: input.ip, requestId: input.requestId };
    await recordChange(
      tx,
      actor,
      { workspaceId: invitation.workspace_id, action: 'staff.joined', targetType: 'staff', targetId: staffId, details: { role: invitation.role }, event: { staffId, email: invitation.email, role: invitation.role } },
      now,
    );
  });
  const session = await openSession(deps, staffId, input.ip, input.userAgent);
  const staff = existing ?? { id: staffId, email: invitation.email, display_name: input.displayName!, locale: null };
  return {
    workspaceId: invitation.workspace_id,
    session,
    staff: { id: staff.id, email: staff.email, displayName: staff.display_name, locale: staff.locale },
  };
}
