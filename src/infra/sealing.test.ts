import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { createSealer } from './sealing.ts';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };

test('given any text, when sealed and opened, then it comes back unchanged', () => {
  const sealer = createSealer([k1], 'test');
  fc.assert(fc.property(fc.string(), (text) => sealer.open(sealer.seal(text)) === text));
});

test('given a sealed value, when any character is changed, then it does not open', () => {
  const sealer = createSealer([k1], 'test');
  const sealed = sealer.seal('{"secret":"jc_…"}');
  fc.assert(
    fc.property(fc.nat({ max: sealed.length - 1 }), fc.constantFrom('A', 'b', '0', '-', '.'), (at, replacement) => {
      fc.pre(sealed[at] !== replacement);
      return sealer.open(sealed.slice(0, at) + replacement + sealed.slice(at + 1)) === null;
    }),
  );
});

test('given a rotated key ring, when a value sealed with the old key is opened, then it opens; another purpose cannot open it', () => {
  const old = createSealer([k1], 'idempotency');
  const sealed = old.seal('hello');
  assert.equal(createSealer([k2, k1], 'idempotency').open(sealed), 'hello');
  assert.equal(createSealer([k2], 'idempotency').open(sealed), null);
  assert.equal(createSealer([k1], 'other').open(sealed), null);
  assert.match(createSealer([k2, k1], 'idempotency').seal('x'), /^k2\./);
});
