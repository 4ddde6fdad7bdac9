import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ALPHABET_MIN_SIZE, DEFAULT_ALPHABET, checkAlphabet, checkCharacter, readCode, type CodeFormat } from './alphabet.ts';
import { checkScheme, hasCheckScheme } from './check-character.ts';

/** Every alphabet size a workspace can configure (A–Z and 2–9 without O and I: at most 32 symbols). */
const CONFIGURABLE_SIZES = Array.from({ length: DEFAULT_ALPHABET.length - ALPHABET_MIN_SIZE + 1 }, (_, i) => ALPHABET_MIN_SIZE + i).filter(hasCheckScheme);

/** An alphabet of a supported size: a shuffled pick of the characters an alphabet may use. */
const alphabetArb = fc
  .constantFrom(...CONFIGURABLE_SIZES)
  .chain((size) => fc.shuffledSubarray([...DEFAULT_ALPHABET], { minLength: size, maxLength: size }))
  .chain((chars) => fc.shuffledSubarray(chars, { minLength: chars.length, maxLength: chars.length }))
  .map((chars) => chars.join(''));

/** An alphabet and a complete code body + check character over it. */
const codeArb = alphabetArb.chain((alphabet) =>
  fc.array(fc.constantFrom(...alphabet), { minLength: 6, maxLength: 18 }).map((chars) => {
    const body = chars.join('');
    return { alphabet, code: body + checkCharacter(alphabet, body) };
  }),
);

const format = (alphabet: string, bodyLength: number, prefix = '', suffix = ''): CodeFormat => ({ alphabet, bodyLength, prefix, suffix });

test('given the configurable sizes, then they are 16, 32 and the odd sizes between, and the default alphabet is accepted', () => {
  assert.deepEqual(CONFIGURABLE_SIZES, [16, 17, 19, 21, 23, 25, 27, 29, 31, 32]);
  assert.deepEqual(checkAlphabet(DEFAULT_ALPHABET), { ok: true, alphabet: DEFAULT_ALPHABET });
});

test('property: over random alphabets and codes, every single-character substitution is caught, the check character included', () => {
  fc.assert(
    fc.property(codeArb, ({ alphabet, code }) => {
      const body = code.length - 1;
      assert.equal(readCode(format(alphabet, body), code).wellFormed, true);
      for (let at = 0; at < code.length; at++) {
        for (const other of alphabet) {
          if (other === code[at]) continue;
          const typo = code.slice(0, at) + other + code.slice(at + 1);
          assert.equal(readCode(format(alphabet, body), typo).wellFormed, false, `${code} → ${typo} (${alphabet})`);
        }
      }
    }),
    { numRuns: 300 },
  );
});

test('property: over random alphabets and codes, every swap of two different neighbours is caught, the check character with its neighbour included', () => {
  fc.assert(
    fc.property(codeArb, ({ alphabet, code }) => {
      for (let at = 0; at + 1 < code.length; at++) {
        if (code[at] === code[at + 1]) continue;
        const swapped = code.slice(0, at) + code[at + 1] + code[at] + code.slice(at + 2);
        assert.equal(readCode(format(alphabet, code.length - 1), swapped).wellFormed, false, `${code} → ${swapped} (${alphabet})`);
      }
    }),
    { numRuns: 300 },
  );
});

test('property: the quasigroup constructions themselves catch every substitution and neighbour swap for every size they support up to 64', () => {
  const sizes = Array.from({ length: 62 }, (_, i) => i + 3).filter(hasCheckScheme);
  assert.ok(sizes.includes(8) && sizes.includes(64) && !sizes.includes(18));
  fc.assert(
    fc.property(
      fc.constantFrom(...sizes).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.nat(n - 1), { minLength: 1, maxLength: 20 }))),
      ([n, body]) => {
        const scheme = checkScheme(n);
        const digits = [...body, scheme.checkIndex(body)];
        assert.ok(scheme.isValid(digits));
        for (let at = 0; at < digits.length; at++) {
          for (let v = 0; v < n; v++) if (v !== digits[at]) assert.ok(!scheme.isValid(digits.with(at, v)), `n=${n} ${digits} at ${at} → ${v}`);
          const next = digits[at + 1];
          if (next !== undefined && next !== digits[at]) assert.ok(!scheme.isValid(digits.with(at, next).with(at + 1, digits[at]!)), `n=${n} ${digits} swap ${at}`);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('given sizes without a construction, then checkScheme refuses them', () => {
  for (const n of [0, 1, 2, 4, 6, 10, 18, 30, 128]) assert.throws(() => checkScheme(n), RangeError, `size ${n}`);
});
