import { hkdfSync } from 'node:crypto';

/**
 * A key for one purpose, derived from a key of the ring (HKDF-SHA-256). Each use of the ring
 * (sealed values, code tokens, check codes) gets its own key, so no output of one can be replayed
 * as another.
 */
export function deriveKey(key: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `joincode:${purpose}`, 32));
}
