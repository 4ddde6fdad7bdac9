import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { SecretKey } from '../../config.ts';
import { deriveKey } from '../../infra/keys.ts';

/**
 * The TOKEN in a code's URL (PUBLIC_URL/j/TOKEN): opaque, authenticated and short enough to keep
 * the printed QR sparse. A forged, altered or expired token is refused here, before any database
 * read, and the internal code id travels only inside the ciphertext.
 *
 * Layout (57 bytes, base64url without padding → always 76 characters):
 *
 *   offset  size  field
 *   0       1     version (1)
 *   1       4     key tag: first 4 bytes of SHA-256(key id), names the ring key without spelling it
 *   5       12    nonce, random per token
 *   17      24    AES-256-GCM ciphertext of the claims:
 *                   16  code id (a ULID's 128 bits)
 *                   4   issued-at, seconds since the epoch (uint32 BE, good until 2106)
 *                   4   expires-at, seconds since the epoch, 0 = permanent
 *   41      16    GCM tag
 *
 * The additional authenticated data is the 5-byte header followed by the full key id, so neither
 * the version nor the key can be swapped. The AES key is derived per purpose ("code-token") from
 * the key ring: the first key seals, every key opens, so SECRET_KEYS can rotate while printed
 * posters keep working until their key is removed.
 */
export interface TokenClaims {
  /** The code's ULID. */
  codeId: string;
  /** Epoch ms; carried with second precision (rounded down). */
  issuedAt: number;
  /** Epoch ms, the first instant the token no longer opens (rounded down to the second); null = permanent. */
  expiresAt: number | null;
}

export type DecodeFailure = 'malformed' | 'unknown_key' | 'forged' | 'expired';
export type DecodeResult = { ok: true; claims: TokenClaims } | { ok: false; reason: DecodeFailure };

export interface TokenCodec {
  /** Seals claims with the newest key. Throws RangeError for claims no token can carry (a bug in the caller). */
  encode(claims: TokenClaims): string;
  /** Opens a token from the outside world; never throws, whatever the input. */
  decode(token: string, now: number): DecodeResult;
  /** The id of the ring key a well-formed token names, or null; lets callers keyed per token (check codes) follow rotation. */
  keyIdOf(token: string): string | null;
}

const VERSION = 1;
const HEADER_BYTES = 5;
const NONCE_BYTES = 12;
const CLAIMS_BYTES = 24;
const TAG_BYTES = 16;
const TOKEN_BYTES = HEADER_BYTES + NONCE_BYTES + CLAIMS_BYTES + TAG_BYTES;
const TOKEN_CHARS = Math.ceil((TOKEN_BYTES * 4) / 3);
const MAX_SECONDS = 0xffffffff;

/**
 * What a route accepts as TOKEN. 57 bytes are exactly 76 base64url characters with no spare bits,
 * so every string this matches is the one canonical spelling of its bytes.
 */
export const TOKEN_PATTERN = new RegExp(`^[A-Za-z0-9_-]{${TOKEN_CHARS}}$`);

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/**
 * A purpose-specific 256-bit key, derived the way src/infra/sealing.ts derives its keys (HKDF-SHA256,
 * info "joincode:<purpose>"), so one SECRET_KEYS ring serves every purpose without reusing a key.
 */
function keyTag(id: string): number {
  return createHash('sha256').update(id, 'utf8').digest().readUInt32BE(0);
}

/** A ULID's 26 Crockford characters carry 130 bits whose top two are zero: 16 bytes hold it exactly. */
function ulidToBytes(id: string): Buffer {
  let n = 0n;
  for (const c of id) n = (n << 5n) | BigInt(CROCKFORD.indexOf(c));
  const bytes = Buffer.alloc(16);
  bytes.writeBigUInt64BE(n >> 64n, 0);
  bytes.writeBigUInt64BE(n & 0xffffffffffffffffn, 8);
  return bytes;
}

function bytesToUlid(bytes: Buffer): string {
  let n = (bytes.readBigUInt64BE(0) << 64n) | bytes.readBigUInt64BE(8);
  let id = '';
  for (let i = 0; i < 26; i++) {
    id = CROCKFORD[Number(n & 31n)] + id;
    n >>= 5n;
  }
  return id;
}

function toSeconds(ms: number, field: string): number {
  const seconds = Math.floor(ms / 1000);
  if (!Number.isFinite(ms) || seconds < 0 || seconds > MAX_SECONDS) throw new RangeError(`${field} is outside 1970–2106`);
  return seconds;
}

function packClaims(claims: TokenClaims): Buffer {
  if (!ULID.test(claims.codeId)) throw new RangeError('codeId is not a ULID');
  const issued = toSeconds(claims.issuedAt, 'issuedAt');
  const expires = claims.expiresAt === null ? 0 : toSeconds(claims.expiresAt, 'expiresAt');
  if (claims.expiresAt !== null && expires <= issued) throw new RangeError('expiresAt must fall in a later second than issuedAt');
  const packed = Buffer.alloc(CLAIMS_BYTES);
  ulidToBytes(claims.codeId).copy(packed, 0);
  packed.writeUInt32BE(issued, 16);
  packed.writeUInt32BE(expires, 20);
  return packed;
}

function unpackClaims(packed: Buffer): TokenClaims {
  const expires = packed.readUInt32BE(20);
  return {
    codeId: bytesToUlid(packed.subarray(0, 16)),
    issuedAt: packed.readUInt32BE(16) * 1000,
    expiresAt: expires === 0 ? null : expires * 1000,
  };
}

/** A token stops opening at its expires-at. */
export function isExpired(claims: TokenClaims, now: number): boolean {
  return claims.expiresAt !== null && now >= claims.expiresAt;
}

/** The token's bytes when it is well formed (right length, alphabet and version), else null. */
function parse(token: string): Buffer | null {
  if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return null;
  const bytes = Buffer.from(token, 'base64url');
  return bytes[0] === VERSION ? bytes : null;
}

export function createTokenCodec(keyRing: SecretKey[]): TokenCodec {
  const keys = new Map<number, { id: string; key: Buffer }>();
  for (const { id, key } of keyRing) {
    const tag = keyTag(id);
    if (keys.has(tag)) throw new Error(`key ids "${keys.get(tag)!.id}" and "${id}" share a token key tag; rename one`);
    keys.set(tag, { id, key: deriveKey(key, 'code-token') });
  }
  const [newest] = keyRing;
  if (!newest) throw new Error('the key ring is empty');
  const sealing = keys.get(keyTag(newest.id))!;
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(VERSION, 0);
  header.writeUInt32BE(keyTag(newest.id), 1);
  const aad = (head: Buffer, keyId: string) => Buffer.concat([head, Buffer.from(keyId, 'utf8')]);
  const keyOf = (bytes: Buffer) => keys.get(bytes.readUInt32BE(1));

  return {
    encode(claims) {
      const plaintext = packClaims(claims);
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', sealing.key, nonce);
      cipher.setAAD(aad(header, sealing.id));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([header, nonce, body, cipher.getAuthTag()]).toString('base64url');
    },

    decode(token, now) {
      const bytes = parse(token);
      if (!bytes) return { ok: false, reason: 'malformed' };
      const key = keyOf(bytes);
      if (!key) return { ok: false, reason: 'unknown_key' };
      let plaintext: Buffer;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.key, bytes.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES));
        decipher.setAAD(aad(bytes.subarray(0, HEADER_BYTES), key.id));
        decipher.setAuthTag(bytes.subarray(TOKEN_BYTES - TAG_BYTES));
        plaintext = Buffer.concat([decipher.update(bytes.subarray(HEADER_BYTES + NONCE_BYTES, TOKEN_BYTES - TAG_BYTES)), decipher.final()]);
      } catch {
        return { ok: false, reason: 'forged' };
      }
      const claims = unpackClaims(plaintext);
      return isExpired(claims, now) ? { ok: false, reason: 'expired' } : { ok: true, claims };
    },

    keyIdOf(token) {
      const bytes = parse(token);
      return bytes ? (keyOf(bytes)?.id ?? null) : null;
    },
  };
}
