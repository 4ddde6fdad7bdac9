import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { createTokenCodec, TOKEN_PATTERN, type TokenClaims } from './token.ts';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const codec = createTokenCodec([k1]);
const NOW = Date.UTC(2025, 0, 1);
const HOUR = 3600_000;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ulid = fc
  .tuple(fc.constantFrom(...'01234567'), fc.array(fc.constantFrom(...CROCKFORD), { minLength: 25, maxLength: 25 }))
  .map(([head, tail]) => head + tail.join(''));
const seconds = fc.integer({ min: 0, max: 0xfffffffe });
/** Claims a token carries exactly: whole seconds, expiry after issue. */
const claims: fc.Arbitrary<TokenClaims> = fc
  .tuple(ulid, seconds, fc.option(fc.integer({ min: 1, max: 0xffffffff }), { nil: null }))
  .map(([codeId, issued, expires]) => ({
    codeId,
    issuedAt: issued * 1000,
    expiresAt: expires === null ? null : Math.max(expires, issued + 1) * 1000,
  }));
const sample: TokenClaims = { codeId: '01JGQ7Z3X4M5N6P7Q8R9S0T1VW', issuedAt: NOW, expiresAt: NOW + 7 * 24 * HOUR };

test('given any claims, when encoded and decoded before expiry, then the same claims come back', () => {
  fc.assert(
    fc.property(claims, (c) => {
      const token = codec.encode(c);
      assert.match(token, TOKEN_PATTERN);
      assert.deepEqual(codec.decode(token, c.issuedAt), { ok: true, claims: c });
    }),
  );
});

test('given a token, then it is 76 characters and never shows the code id', () => {
  const token = codec.encode(sample);
  assert.equal(token.length, 76);
  assert.ok(!token.includes(sample.codeId));
  assert.ok(!Buffer.from(token, 'base64url').toString('latin1').includes(sample.codeId));
  assert.notEqual(codec.encode(sample), token, 'a fresh nonce per token');
});

test('given a token, when any single bit of its bytes is flipped, then it is refused', () => {
  fc.assert(
    fc.property(claims, fc.nat({ max: 57 * 8 - 1 }), (c, bit) => {
      const bytes = Buffer.from(codec.encode(c), 'base64url');
      bytes[bit >> 3]! ^= 1 << (bit & 7);
      const result = codec.decode(bytes.toString('base64url'), c.issuedAt);
      assert.equal(result.ok, false);
      const expected = bit < 8 ? 'malformed' : bit < 40 ? 'unknown_key' : 'forged';
      assert.equal(!result.ok && result.reason, expected);
    }),
    { numRuns: 2000 },
  );
});

test('given a token, when any single character is changed, then it is refused', () => {
  const token = codec.encode(sample);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/. %é';
  for (let at = 0; at < token.length; at++) {
    for (const replacement of alphabet) {
      if (replacement === token[at]) continue;
      const changed = token.slice(0, at) + replacement + token.slice(at + 1);
      assert.equal(codec.decode(changed, NOW).ok, false, `position ${at} → ${replacement}`);
    }
  }
});

test('given a token, when it is cut, extended or padded, then it is malformed', () => {
  const token = codec.encode(sample);
  for (const variant of [token.slice(1), token.slice(0, -1), `${token}A`, `${token}=`, ` ${token}`, `${token}\n`, '']) {
    assert.deepEqual(codec.decode(variant, NOW), { ok: false, reason: 'malformed' });
  }
});

test('given any string, when decoded, then it never throws and never opens', () => {
  const base64url = fc.array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), { minLength: 76, maxLength: 76 });
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 120 }), base64url.map((a) => a.join(''))), (text) => {
      assert.equal(codec.decode(text, NOW).ok, false);
      codec.keyIdOf(text);
    }),
    { numRuns: 3000 },
  );
  for (const odd of [null, undefined, 42, {}, ['x']] as unknown as string[]) assert.deepEqual(codec.decode(odd, NOW), { ok: false, reason: 'malformed' });
});

test('given version-1 bytes the ring did not seal, then they are refused as unknown_key or forged', () => {
  const header = Buffer.from(codec.encode(sample), 'base64url').subarray(0, 5);
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 52, maxLength: 52 }), (rest) => {
      const result = codec.decode(Buffer.concat([header, rest]).toString('base64url'), NOW);
      assert.deepEqual(result, { ok: false, reason: 'forged' });
    }),
  );
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 56, maxLength: 56 }), (rest) => {
      const result = codec.decode(Buffer.concat([Buffer.from([1]), rest]).toString('base64url'), NOW);
      assert.equal(!result.ok && ['unknown_key', 'forged'].includes(result.reason), true);
    }),
  );
});

test('given a rotated ring, then old tokens open until their key is removed, and new ones use the new key', () => {
  const old = codec.encode(sample);
  const rotated = createTokenCodec([k2, k1]);
  assert.deepEqual(rotated.decode(old, NOW), { ok: true, claims: sample });
  assert.equal(rotated.keyIdOf(old), 'k1');
  const fresh = rotated.encode(sample);
  assert.equal(rotated.keyIdOf(fresh), 'k2');
  assert.deepEqual(codec.decode(fresh, NOW), { ok: false, reason: 'unknown_key' });
  assert.deepEqual(createTokenCodec([k2]).decode(old, NOW), { ok: false, reason: 'unknown_key' });
  assert.equal(createTokenCodec([k2]).keyIdOf(old), null);
});

test('given a key id reused with other key material, then its tokens are forged, not accepted', () => {
  const token = codec.encode(sample);
  assert.deepEqual(createTokenCodec([{ id: 'k1', key: randomBytes(32) }]).decode(token, NOW), { ok: false, reason: 'forged' });
});

test('given an expiry, then the token opens until the millisecond before it and is expired from it on', () => {
  const token = codec.encode(sample);
  assert.equal(codec.decode(token, sample.expiresAt! - 1).ok, true);
  assert.deepEqual(codec.decode(token, sample.expiresAt!), { ok: false, reason: 'expired' });
  assert.deepEqual(codec.decode(token, sample.expiresAt! + 365 * 24 * HOUR), { ok: false, reason: 'expired' });
  const permanent = codec.encode({ ...sample, expiresAt: null });
  assert.equal(codec.decode(permanent, Date.UTC(2106, 0, 1)).ok, true);
});

test('given times with milliseconds, then they round down to the second, so a token never outlives its expiry', () => {
  const token = codec.encode({ ...sample, issuedAt: NOW + 999, expiresAt: NOW + HOUR + 999 });
  assert.deepEqual(codec.decode(token, NOW), { ok: true, claims: { ...sample, expiresAt: NOW + HOUR } });
});

test('given claims no token can carry, then encode throws a RangeError', () => {
  for (const bad of [
    { ...sample, codeId: 'not-a-ulid' },
    { ...sample, codeId: sample.codeId.toLowerCase() },
    { ...sample, codeId: `8${sample.codeId.slice(1)}` },
    { ...sample, issuedAt: -1000 },
    { ...sample, issuedAt: Number.NaN },
    { ...sample, expiresAt: Date.UTC(2107, 0, 1) },
    { ...sample, expiresAt: sample.issuedAt },
    { ...sample, expiresAt: sample.issuedAt + 999 },
  ]) {
    assert.throws(() => codec.encode(bad), RangeError, JSON.stringify(bad));
  }
});

test('given a key ring, then an empty ring and colliding key tags are refused at start-up', () => {
  assert.throws(() => createTokenCodec([]), /empty/);
  // Found by search: SHA-256("kom1") and SHA-256("k15rz") share their first 4 bytes.
  assert.throws(() => createTokenCodec([{ id: 'kom1', key: k1.key }, { id: 'k15rz', key: k2.key }]), /share a token key tag/);
});
