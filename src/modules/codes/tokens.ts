import type { Config, SecretKey } from '../../config.ts';
import { createCheckCoder } from './check-code.ts';
import { createTokenCodec, type TokenCodec } from './token.ts';

interface CodeCrypto {
  codec: TokenCodec;
  checkCode: (token: string) => string | null;
}

// Deriving the keys costs an HKDF per ring key; do it once per key ring, not per scan.
const cache = new WeakMap<SecretKey[], CodeCrypto>();

export function codeCrypto(config: Config): CodeCrypto {
  let entry = cache.get(config.secretKeys);
  if (!entry) {
    entry = { codec: createTokenCodec(config.secretKeys), checkCode: createCheckCoder(config.secretKeys) };
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

/** The UTC day a moment falls in, as code_scan_days stores it. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
