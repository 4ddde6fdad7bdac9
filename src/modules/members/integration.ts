import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { toIso } from '../../clock.ts';
import type { SecretKey } from '../../config.ts';
import type { Deps } from '../../deps.ts';
import { newId } from '../../ids.ts';
import { createSealer } from '../../infra/sealing.ts';
import type { Actor } from '../audit/actor.ts';
import { insertAudit } from '../audit/repository.ts';

/**
 * "Bring your own users": an integrator signs a short-lived HS256 JWT for its own user with the
 * workspace's integration secret, and the member arrives at /j/TOKEN/join?identity=JWT.
 * Verification is written out here (node:crypto) so that nothing but HS256 is ever accepted.
 */
export const IDENTITY_MAX_LIFETIME_S = 3600;
export const IDENTITY_CLOCK_SKEW_S = 60;

export interface IntegrationSecretView {
  secret: string | null;
  createdAt: string | null;
  /** When the secret before the latest rotation stops verifying tokens; null when it already has. */
  previousValidUntil: string | null;
}

function sealer(keys: SecretKey[], workspaceId: string) {
  return createSealer(keys, `integration-secret:${workspaceId}`);
}

function newIntegrationSecret(): string {
  return `jcis_${randomBytes(32).toString('base64url')}`;
}

async function liveSecrets(deps: Deps, workspaceId: string) {
  const now = deps.clock.now();
  const rows = await deps.db.kysely
    .selectFrom('integration_secrets')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('id', 'desc')
    .execute();
  const open = sealer(deps.config.secretKeys, workspaceId);
  return rows.map((row) => ({ ...row, plain: open.open(row.secret) }));
}

export async function getIntegrationSecret(deps: Deps, workspaceId: string): Promise<IntegrationSecretView> {
  const rows = await liveSecrets(deps, workspaceId);
  const current = rows.find((r) => r.expires_at === null);
  const previous = rows.find((r) => r.expires_at !== null);
  return {
    secret: current?.plain ?? null,
    createdAt: current ? toIso(current.created_at) : null,
    previousValidUntil: previous ? toIso(previous.expires_at) : null,
  };
}

/**
 * Creates the workspace's first secret or replaces it. The replaced one keeps verifying for
 * previousValidMinutes (0: it stops at once), so integrators can switch without refusals.
 */
export async function rotateIntegrationSecret(deps: Deps, actor: Actor, workspaceId: string, previousValidMinutes: number): Promise<IntegrationSecretView> {
  const now = deps.clock.now();
  const secret = newIntegrationSecret();
  await deps.db.kysely.transaction().execute(async (tx) => {
    // Older rotations end now; the current secret gets the grace period.
    await tx.updateTable('integration_secrets').set({ expires_at: now }).where('workspace_id', '=', workspaceId).where('expires_at', '>', now).execute();
    await tx
      .updateTable('integration_secrets')
      .set({ expires_at: now + previousValidMinutes * 60_000 })
      .where('workspace_id', '=', workspaceId)
      .where('expires_at', 'is', null)
      .execute();
    await tx
      .insertInto('integration_secrets')
      .values({ id: newId(now), workspace_id: workspaceId, secret: sealer(deps.config.secretKeys, workspaceId).seal(secret), created_at: now, expires_at: null })
      .execute();
    await insertAudit(
      tx,
      actor,
      { workspaceId, action: 'integration_secret.rotated', targetType: 'workspace', targetId: workspaceId, details: { previousValidMinutes } },
      now,
    );
  });
  return getIntegrationSecret(deps, workspaceId);
}

export interface IdentityClaims {
  sub: string;
  name: string;
}

export type IdentityFailure = 'malformed' | 'bad_algorithm' | 'bad_signature' | 'expired' | 'not_yet_valid' | 'wrong_audience' | 'too_long' | 'no_secret';
export type IdentityResult = { ok: true; claims: IdentityClaims } | { ok: false; reason: IdentityFailure };

function decodeJson(part: string): Record<string, unknown> | null {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Signs an identity token; what an integrator's server does (used by tests and documented in the README). */
export function signIdentityToken(secret: string, claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  const head = Buffer.from(JSON.stringify(header)).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

/** Checks a token against the secrets alone (pure, so it is tested without a database). */
export function checkIdentityToken(token: string, secrets: string[], workspaceId: string, nowMs: number): IdentityResult {
  if (token.length > 4096) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [head, body, signature] = parts as [string, string, string];
  const header = decodeJson(head);
  const claims = decodeJson(body);
  if (!header || !claims) return { ok: false, reason: 'malformed' };
  // Only HS256: "none", RS256 with the secret as a public key and the like are all refused.
  if (header.alg !== 'HS256') return { ok: false, reason: 'bad_algorithm' };
  if (secrets.length === 0) return { ok: false, reason: 'no_secret' };
  if (!/^[A-Za-z0-9_-]{43}$/.test(signature)) return { ok: false, reason: 'bad_signature' };
  const given = Buffer.from(signature, 'base64url');
  if (given.toString('base64url') !== signature) return { ok: false, reason: 'bad_signature' };
  const valid = secrets.some((secret) => timingSafeEqual(createHmac('sha256', secret).update(`${head}.${body}`).digest(), given));
  if (!valid) return { ok: false, reason: 'bad_signature' };
  const { sub, name, iat, exp, aud } = claims;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) return { ok: false, reason: 'malformed' };
  if (name !== undefined && (typeof name !== 'string' || name.length > 120)) return { ok: false, reason: 'malformed' };
  if (typeof iat !== 'number' || typeof exp !== 'number' || !Number.isFinite(iat) || !Number.isFinite(exp)) return { ok: false, reason: 'malformed' };
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(workspaceId)) return { ok: false, reason: 'wrong_audience' };
  const now = nowMs / 1000;
  if (exp <= now) return { ok: false, reason: 'expired' };
  if (iat > now + IDENTITY_CLOCK_SKEW_S) return { ok: false, reason: 'not_yet_valid' };
  if (exp > now + IDENTITY_MAX_LIFETIME_S + IDENTITY_CLOCK_SKEW_S || exp - iat > IDENTITY_MAX_LIFETIME_S) return { ok: false, reason: 'too_long' };
  const displayName = (typeof name === 'string' && name.trim()) || sub;
  return { ok: true, claims: { sub, name: displayName.trim().slice(0, 120) } };
}

export async function verifyIdentityToken(deps: Deps, workspaceId: string, token: string): Promise<IdentityResult> {
  const secrets = (await liveSecrets(deps, workspaceId)).map((r) => r.plain).filter((s): s is string => s !== null);
  return checkIdentityToken(token, secrets, workspaceId, deps.clock.now());
}
