import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_ALPHABET, acceptLimit, checkAlphabet, generateCode, normalizeCode, randomIndexes, readCode, type CodeFormat } from './alphabet.ts';

const DEFAULT_FORMAT: CodeFormat = { alphabet: DEFAULT_ALPHABET, bodyLength: 8, prefix: '', suffix: '' };

test('given alphabets a workspace might ask for, then unsupported ones are refused with the reason and good ones come back in upper case', () => {
  const refused: [string, RegExp][] = [
    ['0123456789ABCDEF', /ambiguous characters \(0 1\)/],
    ['23456789ABCDEFGHo', /ambiguous characters \(o\)/],
    ['23456789abcdefgl', /ambiguous characters \(l\)/],
    ['23456789ABCDEFGH!', /only use letters A–Z and digits 2–9/],
    ['23456789ABCDEFGa', /repeats A/],
    ['23456789ABCDEF', /has 14 characters; it needs at least 16/],
    ['23456789ABCDEFGHJK', /18 characters has no check-character construction.*16, 17, 19, 21, 23, 25, 27, 29, 31, 32/],
    ['', /has 0 characters/],
  ];
  for (const [alphabet, reason] of refused) {
    const result = checkAlphabet(alphabet);
    assert.equal(result.ok, false, alphabet);
    assert.match((result as { reason: string }).reason, reason, alphabet);
  }
  assert.deepEqual(checkAlphabet('23456789abcdefgh'), { ok: true, alphabet: '23456789ABCDEFGH' });
  assert.deepEqual(checkAlphabet('ACDEFGHJKLMNPQRSTUVWXYZ'), { ok: true, alphabet: 'ACDEFGHJKLMNPQRSTUVWXYZ' });
});

test('given every alphabet size, then the bytes kept by rejection sampling map onto each index equally often (no modulo bias)', () => {
  for (let n = 2; n <= 64; n++) {
    const counts = new Array<number>(n).fill(0);
    for (let byte = 0; byte < acceptLimit(n); byte++) counts[byte % n]! += 1;
    assert.equal(new Set(counts).size, 1, `n=${n}: ${counts}`);
  }
  const drawn = randomIndexes(17, 5000);
  assert.ok(drawn.every((i) => Number.isInteger(i) && i >= 0 && i < 17));
  assert.equal(new Set(drawn).size, 17);
});

test('given a format with prefix and suffix, then generated codes have its shape, read back as well formed and rarely repeat', () => {
  const format: CodeFormat = { alphabet: DEFAULT_ALPHABET, bodyLength: 10, prefix: 'VIP', suffix: 'X9' };
  const codes = Array.from({ length: 2000 }, () => generateCode(format));
  for (const code of codes) {
    assert.match(code, /^VIP[2-9A-HJ-NP-Z]{11}X9$/);
    assert.deepEqual(readCode(format, code), { wellFormed: true });
  }
  assert.equal(new Set(codes).size, codes.length);
});

test('given codes that do not fit the format, then the hint says what is wrong', () => {
  const code = generateCode(DEFAULT_FORMAT);
  assert.match((readCode(DEFAULT_FORMAT, code.slice(1)) as { hint: string }).hint, /have 9 characters; this one has 8/);
  assert.match((readCode(DEFAULT_FORMAT, `O${code.slice(1)}`) as { hint: string }).hint, /never contain O/);
  const prefixed: CodeFormat = { ...DEFAULT_FORMAT, prefix: 'GO' };
  assert.match((readCode(prefixed, code) as { hint: string }).hint, /start.* with GO/);
  const last = code.at(-1)!;
  const wrongCheck = code.slice(0, -1) + DEFAULT_ALPHABET[(DEFAULT_ALPHABET.indexOf(last) + 1) % 32];
  assert.match((readCode(DEFAULT_FORMAT, wrongCheck) as { hint: string }).hint, /mistyped or two neighbours are swapped/);
});

test('property: a code typed in lower case, with spaces, dashes or full-width characters normalizes back to itself', () => {
  const separators = [' ', '-', '  ', ' - ', '\u3000', '－', '–', '\t'];
  fc.assert(
    fc.property(
      fc.constantFrom(...Array.from({ length: 20 }, () => generateCode({ ...DEFAULT_FORMAT, prefix: 'VIP' }))),
      fc.array(fc.tuple(fc.boolean(), fc.constantFrom('', '', ...separators), fc.boolean())),
      (code, decorations) => {
        const typed = [...code]
          .map((c, i) => {
            const [lower, separator, fullWidth] = decorations[i] ?? [false, '', false];
            let shown = lower ? c.toLowerCase() : c;
            if (fullWidth) shown = String.fromCharCode(shown.charCodeAt(0) + 0xfee0);
            return shown + separator;
          })
          .join('');
        assert.equal(normalizeCode(` ${typed} `), code, typed);
        assert.equal(normalizeCode(normalizeCode(typed)), code);
      },
    ),
    { numRuns: 500 },
  );
});
