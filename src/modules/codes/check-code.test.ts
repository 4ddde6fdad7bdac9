import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { CHECK_CODE_ALPHABET, CHECK_CODE_LENGTH, createCheckCoder } from './check-code.ts';
import { createTokenCodec } from './token.ts';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const codec = createTokenCodec([k1]);
const checkCode = createCheckCoder([k1]);
const claims = { codeId: '01JGQ7Z3X4M5N6P7Q8R9S0T1VW', issuedAt: Date.UTC(2025, 0, 1), expiresAt: null };

test('given the alphabet, then it has 32 symbols and none of 0, O, 1, I, l', () => {
  assert.equal(new Set(CHECK_CODE_ALPHABET).size, 32);
  assert.doesNotMatch(CHECK_CODE_ALPHABET, /[0O1Il]/);
});

test('given a token, then its check code is the same every time and uses only the alphabet', () => {
  const token = codec.encode(claims);
  const code = checkCode(token)!;
  assert.match(code, new RegExp(`^[${CHECK_CODE_ALPHABET}]{${CHECK_CODE_LENGTH}}$`));
  assert.equal(checkCode(token), code);
  assert.equal(createCheckCoder([k1])(token), code, 'another process with the same keys agrees');
});

test('given 10,000 tokens, then their check codes barely collide and every symbol appears at every position', () => {
  const codes = Array.from({ length: 10_000 }, () => checkCode(codec.encode(claims))!);
  // 10,000 codes over 32^5 values: about 1.5 colliding pairs are expected.
  assert.ok(new Set(codes).size >= 9_990, `${10_000 - new Set(codes).size} collisions`);
  for (let at = 0; at < CHECK_CODE_LENGTH; at++) {
    assert.equal(new Set(codes.map((c) => c[at])).size, 32, `position ${at}`);
  }
});

test('given a rotated ring, then a token keeps its check code while its key is listed', () => {
  const token = codec.encode(claims);
  const rotated = createCheckCoder([k2, k1]);
  assert.equal(rotated(token), checkCode(token));
  assert.equal(createCheckCoder([k2])(token), null);
});

test('given other key material under the same key id, then the check code differs', () => {
  const tokens = Array.from({ length: 20 }, () => codec.encode(claims));
  const other = createCheckCoder([{ id: 'k1', key: randomBytes(32) }]);
  assert.ok(tokens.some((t) => other(t) !== checkCode(t)));
});

test('given text that is not a token, then there is no check code', () => {
  for (const text of ['', 'K7QXA', 'x'.repeat(76)]) assert.equal(checkCode(text), null);
});
