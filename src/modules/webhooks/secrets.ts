import { randomBytes } from 'node:crypto';
import type { SecretKey } from '../../config.ts';
import { createSealer, type Sealer } from '../../infra/sealing.ts';

/** A signing secret in the Standard Webhooks form: whsec_ and 24 random bytes in base64. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

// One key per endpoint: a sealed secret copied into another endpoint's row does not open there.
function sealerFor(keys: SecretKey[], endpointId: string): Sealer {
  return createSealer(keys, `webhook-signing-secret:${endpointId}`);
}

/** Signing secrets are stored sealed, so a copy of the database alone cannot forge webhooks. */
export function sealSecret(keys: SecretKey[], endpointId: string, secret: string): string {
  return sealerFor(keys, endpointId).seal(secret);
}

export function openSecret(keys: SecretKey[], endpointId: string, stored: string): string {
  const secret = sealerFor(keys, endpointId).open(stored);
  if (secret === null) throw new Error('the signing secret does not open with SECRET_KEYS (its key left the ring, or the row was altered)');
  return secret;
}
