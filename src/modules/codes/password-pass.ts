import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../config.ts';
import { deriveKey } from '../../infra/keys.ts';

/**
 * Proof that a browser gave a code's access password: a short-lived signed cookie, so the join
 * step (/j/<token>/join) does not ask again.
 *
 *   name   jc_code_pass
 *   value  <expires-at, epoch seconds>.<base64url HMAC-SHA256(key, "<token>.<expires-at>")>
 *   key    HKDF of a SECRET_KEYS ring key, purpose "code-password-pass" (the newest key signs, every key verifies)
 *   attrs  Path=/j/<token>; Max-Age=1800; HttpOnly; SameSite=Lax (Secure when PUBLIC_URL is https)
 *
 * The path scopes it to one token: a reset or rotation (new token) needs the password again.
 */
export const PASSWORD_PASS_COOKIE = 'jc_code_pass';
export const PASSWORD_PASS_TTL_SECONDS = 30 * 60;

const keysOf = new WeakMap<Config['secretKeys'], Buffer[]>();
function keys(config: Config): Buffer[] {
  let derived = keysOf.get(config.secretKeys);
  if (!derived) {
    derived = config.secretKeys.map((k) => deriveKey(k.key, 'code-password-pass'));
    keysOf.set(config.secretKeys, derived);
  }
  return derived;
}

function sign(key: Buffer, token: string, expires: number): Buffer {
  return createHmac('sha256', key).update(`${token}.${expires}`, 'utf8').digest();
}

/** The Set-Cookie header value granting a pass for this token. */
export function passwordPassCookie(config: Config, token: string, now: number): string {
  const expires = Math.floor(now / 1000) + PASSWORD_PASS_TTL_SECONDS;
  const value = `${expires}.${sign(keys(config)[0]!, token, expires).toString('base64url')}`;
  const secure = config.publicUrl.startsWith('https://') ? '; Secure' : '';
  return `${PASSWORD_PASS_COOKIE}=${value}; Path=/j/${token}; Max-Age=${PASSWORD_PASS_TTL_SECONDS}; HttpOnly; SameSite=Lax${secure}`;
}

/** The value of the pass cookie in a Cookie header, if any. */
export function passwordPassFrom(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === PASSWORD_PASS_COOKIE) return rest.join('=');
  }
  return undefined;
}

/** True when the request's Cookie header carries a valid, unexpired pass for this token. */
export function hasPasswordPass(config: Config, token: string, cookieHeader: string | undefined, now: number): boolean {
  const value = passwordPassFrom(cookieHeader);
  const match = value ? /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value) : null;
  if (!match) return false;
  const expires = Number(match[1]);
  if (expires * 1000 <= now) return false;
  const given = Buffer.from(match[2]!, 'base64url');
  return keys(config).some((key) => {
    const expected = sign(key, token, expires);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}
