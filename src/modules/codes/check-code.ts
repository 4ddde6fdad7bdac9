import { createHmac } from 'node:crypto';
import type { SecretKey } from '../../config.ts';
import { deriveKey } from '../../infra/keys.ts';
import { createTokenCodec } from './token.ts';

/** Digits and capitals without 0/O and 1/I (lower case is never used, so no l): 32 symbols, 5 bits each. */
export const CHECK_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
/** 5 symbols = 25 bits: short enough to compare at a glance, long enough that matching one by luck takes ~33 million tokens. */
export const CHECK_CODE_LENGTH = 5;

/**
 * The short code printed in a poster's caption under the QR and shown again on the landing page the
 * QR opens, so a member can tell a genuine poster from one with a QR pasted over it (二维码劫持).
 *
 * Threat model. The attacker covers the printed QR with their own and leaves the caption (group
 * name + check code) in place:
 * - If their QR opens a joincode landing page for another code (their own group on this instance,
 *   perhaps with the same name), that page shows the check code of *their* token, which differs
 *   from the caption. They cannot pick it: it is an HMAC under a server key over a token only the
 *   server can seal, so matching a given caption means having ~32^5 ≈ 33.5 million tokens issued.
 * - If their QR opens a look-alike site elsewhere, that site can copy the public caption; there the
 *   address bar is the defence, and the check code proves nothing.
 * - If they replace the caption too, nothing printed helps; a code's scans dropping is the signal.
 * The check code is public and not an authenticator of the token (the GCM tag is that).
 *
 * The HMAC key is derived (purpose "check-code") from the ring key that sealed the token, not from
 * the newest key, so printed captions stay right after SECRET_KEYS rotates.
 *
 * Returns the check code of a token issued under this key ring, or null when the token is not well
 * formed or names a key no longer in the ring. Call it on tokens that already decoded.
 */
export function createCheckCoder(keyRing: SecretKey[]): (token: string) => string | null {
  const codec = createTokenCodec(keyRing);
  const keys = new Map(keyRing.map((k) => [k.id, deriveKey(k.key, 'check-code')]));
  return (token) => {
    const keyId = codec.keyIdOf(token);
    if (keyId === null) return null;
    let bits = createHmac('sha256', keys.get(keyId)!).update(token, 'utf8').digest().readUInt32BE(0);
    let code = '';
    for (let i = 0; i < CHECK_CODE_LENGTH; i++, bits >>>= 5) code += CHECK_CODE_ALPHABET[bits & 31];
    return code;
  };
}
