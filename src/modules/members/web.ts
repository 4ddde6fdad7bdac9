import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SecretKey } from '../../config.ts';
import { deriveKey } from '../../infra/keys.ts';
import { newSecret } from '../staff/tokens.ts';

/**
 * Cookies and CSRF for the member pages. These pages live outside /api (no @fastify/cookie there),
 * so the few cookies they need are read and written here.
 */
export const MEMBER_COOKIE = 'jc_member';
/** A random value that binds forms shown before a member session exists (double submit). */
export const FORM_COOKIE = 'jc_form';
export const MEMBER_SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
const FORM_COOKIE_TTL_S = 24 * 3600;

export function readCookies(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  const header = request.headers.cookie;
  if (!header) return out;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    const name = part.slice(0, index).trim();
    if (!name || name in out) continue;
    try {
      out[name] = decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      // An undecodable cookie is as good as none.
    }
  }
  return out;
}

export function setCookie(reply: FastifyReply, name: string, value: string, options: { maxAgeSeconds: number; secure: boolean }): void {
  const attributes = [`${name}=${encodeURIComponent(value)}`, 'Path=/', `Max-Age=${options.maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax'];
  if (options.secure) attributes.push('Secure');
  const existing = reply.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  reply.header('set-cookie', [...list.filter((c) => !c.startsWith(`${name}=`)), attributes.join('; ')]);
}

export function clearCookie(reply: FastifyReply, name: string, secure: boolean): void {
  setCookie(reply, name, '', { maxAgeSeconds: 0, secure });
}

/**
 * The hidden form token: an HMAC of what the browser holds (its session or form cookie) under a
 * key from the ring. A page on another site cannot read the cookie, so it cannot make the token;
 * SameSite=Lax keeps the cookie off cross-site POSTs besides.
 */
function formTokenWith(key: Buffer, binding: string): string {
  return createHmac('sha256', deriveKey(key, 'member-form')).update(binding).digest('base64url');
}

export function formToken(keys: SecretKey[], binding: string): string {
  return formTokenWith(keys[0]!.key, binding);
}

export function formTokenMatches(keys: SecretKey[], binding: string | undefined, given: unknown): boolean {
  if (!binding || typeof given !== 'string' || given.length === 0 || given.length > 100) return false;
  const provided = Buffer.from(given);
  return keys.some((k) => {
    const expected = Buffer.from(formTokenWith(k.key, binding));
    return expected.length === provided.length && timingSafeEqual(expected, provided);
  });
}

/** The value forms are bound to before sign-in; set when missing. */
export function ensureFormCookie(request: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const existing = readCookies(request)[FORM_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const value = newSecret();
  setCookie(reply, FORM_COOKIE, value, { maxAgeSeconds: FORM_COOKIE_TTL_S, secure });
  return value;
}
