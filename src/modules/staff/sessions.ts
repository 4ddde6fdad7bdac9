import { timingSafeEqual } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import type { Limiter } from '../../infra/rate-limits.ts';
import type { Actor } from '../audit/actor.ts';
import { insertAudit } from '../audit/repository.ts';
import { assertStrongPassword, dummyHash, hashPassword, verifyPassword } from './passwords.ts';
import { findSession, findStaffByEmail, findStaffById } from './repository.ts';
import { newSecret, sha256 } from './tokens.ts';

export const SESSION_COOKIE = 'jc_session';
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
// Sliding expiry is refreshed at most this often, so reads do not write on every request.
const SESSION_TOUCH_MS = 60 * 1000;

export interface LoginThrottle {
  /** Wrong passwords for one account from one address: a short lockout. */
  perAccountAndIp: Limiter;
  /** Wrong passwords for one account from anywhere: a longer lockout against distributed guessing. */
  perAccount: Limiter;
  /** Wrong passwords from one address across accounts (credential stuffing). */
  perIp: Limiter;
}

export function createLoginThrottle(limiter: Deps['limiter']): LoginThrottle {
  return {
    perAccountAndIp: limiter('login-account-ip', { points: 5, windowSeconds: 15 * 60, blockSeconds: 15 * 60 }, 'locked_out'),
    perAccount: limiter('login-account', { points: 20, windowSeconds: 3600, blockSeconds: 3600 }, 'locked_out'),
    perIp: limiter('login-ip', { points: 100, windowSeconds: 24 * 3600, blockSeconds: 3600 }, 'locked_out'),
  };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface NewSession {
  token: string;
  csrfToken: string;
  staff: { id: string; email: string; displayName: string; locale: string | null };
}

export async function openSession(
  deps: Deps,
  staffId: string,
  ip: string,
  userAgent: string,
): Promise<{ token: string; csrfToken: string }> {
  const now = deps.clock.now();
  const token = newSecret();
  const csrfToken = newSecret();
  await deps.db.kysely
    .insertInto('sessions')
    .values({
      id: sha256(token),
      staff_id: staffId,
      csrf_token: csrfToken,
      ip,
      user_agent: userAgent.slice(0, 300),
      created_at: now,
      last_seen_at: now,
      expires_at: now + SESSION_TTL_MS,
    })
    .execute();
  return { token, csrfToken };
}

/** Checks the password under the throttle and opens a session; every outcome costs one hash. */
export async function login(
  deps: Deps,
  throttle: LoginThrottle,
  input: { email: string; password: string; ip: string; userAgent: string; requestId: string },
): Promise<NewSession> {
  const email = normalizeEmail(input.email);
  const accountIp = `${email}|${input.ip}`;
  await Promise.all([throttle.perAccountAndIp.check(accountIp), throttle.perAccount.check(email), throttle.perIp.check(input.ip)]);

  const staff = await findStaffByEmail(deps.db.kysely, email);
  const valid = await verifyPassword(input.password, staff?.password_hash ?? (await dummyHash()));
  if (!staff || !valid) {
    await Promise.all([
      throttle.perAccountAndIp.consume(accountIp),
      throttle.perAccount.consume(email),
      throttle.perIp.consume(input.ip),
    ]);
    throw new AppError('invalid_credentials');
  }
  await throttle.perAccountAndIp.reset(accountIp);
  const { token, csrfToken } = await openSession(deps, staff.id, input.ip, input.userAgent);
  const actor: Actor = { type: 'staff', id: staff.id, label: staff.email, ip: input.ip, requestId: input.requestId };
  await insertAudit(deps.db.kysely, actor, { workspaceId: null, action: 'staff.signed_in', targetType: 'staff', targetId: staff.id }, deps.clock.now());
  return {
    token,
    csrfToken,
    staff: { id: staff.id, email: staff.email, displayName: staff.display_name, locale: staff.locale },
  };
}

export interface SessionPrincipal {
  kind: 'staff';
  staffId: string;
  email: string;
  displayName: string;
  sessionId: string;
  csrfToken: string;
}

/** The staff member behind a session cookie, or null for unknown or expired cookies. */
export async function resolveSession(deps: Deps, token: string): Promise<SessionPrincipal | null> {
  const now = deps.clock.now();
  const id = sha256(token);
  const session = await findSession(deps.db.kysely, id);
  if (!session || session.expires_at <= now) return null;
  if (now - session.last_seen_at > SESSION_TOUCH_MS) {
    await deps.db.kysely
      .updateTable('sessions')
      .set({ last_seen_at: now, expires_at: now + SESSION_TTL_MS })
      .where('id', '=', id)
      .execute();
  }
  return {
    kind: 'staff',
    staffId: session.staff_id,
    email: session.email,
    displayName: session.display_name,
    sessionId: id,
    csrfToken: session.csrf_token,
  };
}

export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function closeSession(deps: Deps, sessionId: string): Promise<void> {
  await deps.db.kysely.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Changes the password and ends every other session of the account. */
export async function changePassword(
  deps: Deps,
  actor: Actor & { id: string },
  sessionId: string,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const staff = await findStaffById(deps.db.kysely, actor.id);
  if (!staff || !(await verifyPassword(input.currentPassword, staff.password_hash))) {
    throw new AppError('invalid_credentials', 'The current password is wrong');
  }
  assertStrongPassword(input.newPassword, staff.email);
  const hash = await hashPassword(input.newPassword);
  const now = deps.clock.now();
  await deps.db.kysely.transaction().execute(async (tx) => {
    await tx.updateTable('staff').set({ password_hash: hash, updated_at: now }).where('id', '=', staff.id).execute();
    await tx.deleteFrom('sessions').where('staff_id', '=', staff.id).where('id', '!=', sessionId).execute();
    await insertAudit(tx, actor, { workspaceId: null, action: 'staff.password_changed', targetType: 'staff', targetId: staff.id }, now);
  });
}
