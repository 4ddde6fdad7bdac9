import { createHash, randomBytes } from 'node:crypto';

/** A bearer secret for a cookie, invitation or API key: 256 random bits, URL-safe. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Secrets are stored only as their SHA-256, so a copy of the database grants nothing. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
