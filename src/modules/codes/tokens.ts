import type { Config, SecretKey } from '../../config.ts';
import { createCheckCoder } from './check-code.ts';
import { createTokenCodec, isExpired, type TokenClaims, type TokenCodec } from './token.ts';

interface CodeCrypto {
  codec: TokenCodec;
  checkCode: (token: string) => string | null;
}

/** Tokens whose opened claims and check code are kept per key ring. */
export const OPENED_TOKENS_KEPT = 10_000;

/**
 * Opening a token (AES-GCM) and its check code (an HMAC) cost microseconds on every scan, yet
 * both depend on nothing but the token and the key ring. So the tokens that opened recently keep
 * their claims and check code; expiry is still judged on every call. Only tokens that opened are
 * kept, so forged ones cannot crowd the real ones out.
 */
function remembering(codec: TokenCodec, checkCode: (token: string) => string | null): CodeCrypto {
  const opened = new Map<string, { claims: TokenClaims; checkCode?: string | null }>();
  const remember = (token: string, claims: TokenClaims): void => {
    if (opened.size >= OPENED_TOKENS_KEPT) opened.delete(opened.keys().next().value!);
    opened.set(token, { claims });
  };
  return {
    codec: {
      ...codec,
      decode(token, now) {
        const known = opened.get(token);
        if (known) return isExpired(known.claims, now) ? { ok: false, reason: 'expired' } : { ok: true, claims: known.claims };
        const result = codec.decode(token, now);
        if (result.ok) remember(token, result.claims);
        return result;
      },
    },
    checkCode(token) {
      const known = opened.get(token);
      if (!known) return checkCode(token);
      known.checkCode ??= checkCode(token);
      return known.checkCode;
    },
  };
}

// Deriving the keys costs an HKDF per ring key; do it once per key ring, not per scan.
const cache = new WeakMap<SecretKey[], CodeCrypto>();

export function codeCrypto(config: Config): CodeCrypto {
  let entry = cache.get(config.secretKeys);
  if (!entry) {
    entry = remembering(createTokenCodec(config.secretKeys), createCheckCoder(config.secretKeys));
    cache.set(config.secretKeys, entry);
  }
  return entry;
}

export function codeUrl(config: Config, token: string): string {
  return `${config.publicUrl}/j/${token}`;
}

export interface IssuedToken {
  token: string;
  issuedAt: number;
  expiresAt: number | null;
}

/**
 * A new token for a code. Its issued-at (whole seconds, as the token carries it) is always later
 * than the previous token's, so a reset within the same second still kills the old token.
 */
export function issueToken(config: Config, codeId: string, now: number, validityHours: number | null, previousIssuedAt: number | null): IssuedToken {
  let issuedAt = Math.floor(now / 1000) * 1000;
  if (previousIssuedAt !== null && issuedAt <= previousIssuedAt) issuedAt = previousIssuedAt + 1000;
  const expiresAt = validityHours === null ? null : issuedAt + validityHours * 3600 * 1000;
  return { token: codeCrypto(config).codec.encode({ codeId, issuedAt, expiresAt }), issuedAt, expiresAt };
}

const DAY_MS = 24 * 3600 * 1000;
// Every scan asks, several times; formatting a date each time showed in profiles.
let lastDay = { number: NaN, text: '' };

/** The UTC day a moment falls in, as code_scan_days stores it. */
export function utcDay(ms: number): string {
  const number = Math.floor(ms / DAY_MS);
  if (number !== lastDay.number) lastDay = { number, text: new Date(number * DAY_MS).toISOString().slice(0, 10) };
  return lastDay.text;
}
