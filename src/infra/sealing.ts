import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKey } from '../config.ts';
import { deriveKey } from './keys.ts';

/**
 * Authenticated encryption (AES-256-GCM) for values joincode must store but not expose, such as
 * replayable responses that contain a secret. Each purpose gets its own key derived from the key
 * ring; the newest key seals, any listed key opens, so SECRET_KEYS can rotate.
 */
export interface Sealer {
  seal(plaintext: string): string;
  /** The plaintext, or null when the value was not sealed by a key in the ring (or was altered). */
  open(sealed: string): string | null;
}

/** Decodes base64url only in its one canonical spelling, so no two texts open to the same value. */
function canonicalBase64url(text: string): Buffer | null {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

export function createSealer(ring: SecretKey[], purpose: string): Sealer {
  const keys = new Map(ring.map((k) => [k.id, deriveKey(k.key, purpose)]));
  const [newest] = ring;
  if (!newest) throw new Error('the key ring is empty');
  const sealingKey = keys.get(newest.id)!;
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', sealingKey, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [newest.id, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(sealed) {
      const parts = sealed.split('.');
      const key = keys.get(parts[0] ?? '');
      const [iv, body, tag] = parts.slice(1).map(canonicalBase64url);
      if (parts.length !== 4 || !key || !iv || !body || !tag) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
  };
}
