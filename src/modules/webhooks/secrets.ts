import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKey } from '../../config.ts';

const SEALED = /^sealed:v1:([A-Za-z0-9_-]{1,16}):([A-Za-z0-9_-]+)$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A signing secret in the Standard Webhooks form: whsec_ and 24 random bytes in base64. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * Encrypts a signing secret for storage with the newest key of the ring (AES-256-GCM), bound to
 * its endpoint: a copy of the database alone cannot forge webhooks, and a sealed secret moved to
 * another endpoint's row does not open.
 */
export function sealSecret(keys: SecretKey[], endpointId: string, secret: string): string {
  const key = keys[0];
  if (!key) throw new Error('the secret key ring is empty');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv).setAAD(Buffer.from(endpointId));
  const sealed = Buffer.concat([iv, cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `sealed:v1:${key.id}:${sealed.toString('base64url')}`;
}

/** Opens a sealed secret with whichever key of the ring sealed it (older keys stay usable). */
export function openSecret(keys: SecretKey[], endpointId: string, stored: string): string {
  const match = SEALED.exec(stored);
  if (!match) throw new Error('the stored webhook secret is not sealed');
  const [, keyId, data] = match as unknown as [string, string, string];
  const key = keys.find((k) => k.id === keyId);
  if (!key) throw new Error(`the webhook secret was sealed with key "${keyId}", which is no longer in SECRET_KEYS`);
  const raw = Buffer.from(data, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key.key, raw.subarray(0, IV_BYTES)).setAAD(Buffer.from(endpointId));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}
