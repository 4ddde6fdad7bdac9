import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { SecretKey } from '../../config.ts';
import type { Executor } from '../../db/index.ts';
import { isUniqueViolation } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { newId } from '../../ids.ts';
import { deriveKey } from '../../infra/keys.ts';
import type { Limiter } from '../../infra/rate-limits.ts';
import { fill, type Locale } from '../../pages/locale.ts';
import { queueMail } from '../mail/outbox.ts';
import { normalizeEmail } from '../staff/sessions.ts';
import { newSecret, sha256 } from '../staff/tokens.ts';
import { MEMBER_SESSION_TTL_MS } from './web.ts';

/** One-time sign-in codes by email: 6 digits, 10 minutes, single use, 5 wrong tries. */
export const EMAIL_CODE_TTL_MS = 10 * 60 * 1000;
export const EMAIL_CODE_MAX_ATTEMPTS = 5;

export interface MemberRow {
  id: string;
  workspace_id: string;
  email: string | null;
  external_user_id: string | null;
  display_name: string;
}

export interface IdentityThrottle {
  /** Codes sent to one address of a workspace. */
  perAddress: Limiter;
  /** Codes requested from one client address. */
  perIp: Limiter;
  /** Wrong codes from one client address, across addresses (guessing many inboxes at once). */
  wrongPerIp: Limiter;
}

export function createIdentityThrottle(limiter: Deps['limiter']): IdentityThrottle {
  return {
    perAddress: limiter('member-code-address', { points: 5, windowSeconds: 3600 }),
    perIp: limiter('member-code-ip', { points: 20, windowSeconds: 3600 }),
    wrongPerIp: limiter('member-code-wrong-ip', { points: 50, windowSeconds: 3600, blockSeconds: 3600 }, 'locked_out'),
  };
}

// The code space is small (10^6), so a plain hash would fall to a table; an HMAC keyed from the
// ring does not, and binding the row id keeps one row's hash from matching another's.
function codeHash(key: Buffer, rowId: string, code: string): string {
  return createHmac('sha256', deriveKey(key, 'member-email-code')).update(`${rowId}:${code}`).digest('hex');
}

function codeMatches(keys: SecretKey[], rowId: string, code: string, stored: string): boolean {
  const expected = Buffer.from(stored, 'hex');
  return keys.some((k) => {
    const actual = Buffer.from(codeHash(k.key, rowId, code), 'hex');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  });
}

/** The mail names the group, so a code the reader did not ask for is recognisable as someone else's try. */
const MAIL_TEXT: Record<Locale, { subject: string; text: string }> = {
  'zh-CN': {
    subject: '你的验证码：{code}',
    text: '你正在加入「{group}」，验证码是 {code}，10 分钟内有效，只能使用一次。\n如果这不是你本人的操作，请忽略这封邮件。',
  },
  en: {
    subject: 'Your code: {code}',
    text: 'Your code to join “{group}” is {code}. It works once, within 10 minutes.\nIf you did not ask for it, ignore this mail.',
  },
};

/**
 * Sends a one-time code to an address, under the per-address and per-IP throttles. A new code
 * retires the address's earlier unused ones, so only the latest can be guessed at.
 */
export async function requestEmailCode(
  deps: Deps,
  throttle: IdentityThrottle,
  input: { workspaceId: string; email: string; ip: string; locale: Locale; groupName: string },
): Promise<{ email: string }> {
  const email = normalizeEmail(input.email);
  await throttle.perIp.consume(input.ip);
  await throttle.perAddress.consume(`${input.workspaceId}|${email}`);
  const now = deps.clock.now();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const id = newId(now);
  const words = MAIL_TEXT[input.locale];
  await deps.db.kysely.transaction().execute(async (tx) => {
    await tx
      .updateTable('email_codes')
      .set({ used_at: now })
      .where('workspace_id', '=', input.workspaceId)
      .where('email', '=', email)
      .where('used_at', 'is', null)
      .execute();
    await tx
      .insertInto('email_codes')
      .values({
        id,
        workspace_id: input.workspaceId,
        email,
        code_hash: codeHash(deps.config.secretKeys[0]!.key, id, code),
        attempts: 0,
        created_at: now,
        expires_at: now + EMAIL_CODE_TTL_MS,
        used_at: null,
      })
      .execute();
    await queueMail(
      tx,
      deps.config,
      {
        workspaceId: input.workspaceId,
        to: email,
        subject: fill(words.subject, { code }),
        text: fill(words.text, { code, group: input.groupName }),
      },
      now,
    );
  });
  return { email };
}

export type VerifyFailure = 'wrong' | 'expired' | 'locked';
export type VerifyResult = { ok: true; member: MemberRow } | { ok: false; reason: VerifyFailure; attemptsLeft: number };

/**
 * Checks a code against the address's latest live one. Wrong tries are counted with a
 * conditional update, so concurrent guesses cannot exceed the limit; the right code is spent with
 * another, so it admits once. Success finds or creates the member for the address.
 */
export async function verifyEmailCode(
  deps: Deps,
  throttle: IdentityThrottle,
  input: { workspaceId: string; email: string; code: string; ip: string },
): Promise<VerifyResult> {
  const email = normalizeEmail(input.email);
  await throttle.wrongPerIp.check(input.ip);
  const now = deps.clock.now();
  const db = deps.db.kysely;
  const row = await db
    .selectFrom('email_codes')
    .selectAll()
    .where('workspace_id', '=', input.workspaceId)
    .where('email', '=', email)
    .where('used_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row || row.expires_at <= now) return { ok: false, reason: 'expired', attemptsLeft: 0 };
  if (row.attempts >= EMAIL_CODE_MAX_ATTEMPTS) return { ok: false, reason: 'locked', attemptsLeft: 0 };
  const code = input.code.trim();
  if (!/^\d{6}$/.test(code) || !codeMatches(deps.config.secretKeys, row.id, code, row.code_hash)) {
    await throttle.wrongPerIp.consume(input.ip);
    const counted = await db
      .updateTable('email_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', row.id)
      .where('attempts', '<', EMAIL_CODE_MAX_ATTEMPTS)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(counted.numUpdatedRows) === 0) return { ok: false, reason: 'locked', attemptsLeft: 0 };
    const attemptsLeft = EMAIL_CODE_MAX_ATTEMPTS - row.attempts - 1;
    return attemptsLeft <= 0 ? { ok: false, reason: 'locked', attemptsLeft: 0 } : { ok: false, reason: 'wrong', attemptsLeft };
  }
  const spent = await db
    .updateTable('email_codes')
    .set({ used_at: now })
    .where('id', '=', row.id)
    .where('used_at', 'is', null)
    .where('attempts', '<', EMAIL_CODE_MAX_ATTEMPTS)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(spent.numUpdatedRows) === 0) return { ok: false, reason: 'expired', attemptsLeft: 0 };
  const member = await findOrCreateMember(db, deps.clock.now(), {
    workspaceId: input.workspaceId,
    email,
    displayName: email.split('@')[0]!.slice(0, 80),
  });
  return { ok: true, member };
}

/**
 * The member with this email or external user id in the workspace, created when new. Two first
 * sign-ins at once both end with the one row: the loser of the insert reads the winner's.
 */
export async function findOrCreateMember(
  db: Executor,
  now: number,
  input: { workspaceId: string; email?: string; externalUserId?: string; displayName: string },
): Promise<MemberRow> {
  const find = () => {
    let query = db.selectFrom('members').select(['id', 'workspace_id', 'email', 'external_user_id', 'display_name']).where('workspace_id', '=', input.workspaceId);
    query = input.email !== undefined ? query.where('email', '=', input.email) : query.where('external_user_id', '=', input.externalUserId ?? '');
    return query.executeTakeFirst();
  };
  const existing = await find();
  if (existing) {
    // An integrator's token carries the current name; keep it in step.
    if (input.externalUserId !== undefined && existing.display_name !== input.displayName) {
      await db.updateTable('members').set({ display_name: input.displayName, updated_at: now }).where('id', '=', existing.id).execute();
      return { ...existing, display_name: input.displayName };
    }
    return existing;
  }
  const row = {
    id: newId(now),
    workspace_id: input.workspaceId,
    email: input.email ?? null,
    external_user_id: input.externalUserId ?? null,
    display_name: input.displayName,
    created_at: now,
    updated_at: now,
  };
  try {
    await db.insertInto('members').values(row).execute();
    return row;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await find();
    if (!winner) throw error;
    return winner;
  }
}

/** Opens a member session; the cookie carries the token, the row only its hash. */
export async function openMemberSession(deps: Deps, member: { id: string; workspace_id: string }): Promise<string> {
  const now = deps.clock.now();
  const token = newSecret();
  await deps.db.kysely
    .insertInto('member_sessions')
    .values({ id: sha256(token), member_id: member.id, workspace_id: member.workspace_id, created_at: now, expires_at: now + MEMBER_SESSION_TTL_MS })
    .execute();
  return token;
}

export interface MemberSession {
  sessionId: string;
  member: MemberRow;
}

/** The member behind a jc_member cookie, or null for unknown or expired ones. */
export async function resolveMemberSession(deps: Deps, token: string | undefined): Promise<MemberSession | null> {
  if (!token || token.length > 100) return null;
  const id = sha256(token);
  const row = await deps.db.kysely
    .selectFrom('member_sessions')
    .innerJoin('members', 'members.id', 'member_sessions.member_id')
    .select(['member_sessions.expires_at', 'members.id', 'members.workspace_id', 'members.email', 'members.external_user_id', 'members.display_name'])
    .where('member_sessions.id', '=', id)
    .executeTakeFirst();
  if (!row || row.expires_at <= deps.clock.now()) return null;
  const { expires_at: _expires, ...member } = row;
  return { sessionId: id, member };
}
