import { randomFillSync } from 'node:crypto';
import { checkScheme, hasCheckScheme } from './check-character.ts';

/**
 * Invite code format: PREFIX + body + check character + SUFFIX, in upper case, without separators.
 * The body is random from the workspace's alphabet; the check character (check-character.ts)
 * catches every single mistyped character and every swap of two neighbours, so a typo is told
 * apart from a code that simply does not exist.
 */

/** Digits and capitals without 0/O and 1/I (codes are upper case, so lower-case l never shows): 32 symbols. */
export const DEFAULT_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
/** Characters people confuse when reading a code aloud or off a screen (o and i become O and I: input is case-insensitive). */
export const AMBIGUOUS_CHARACTERS = ['0', 'O', 'o', '1', 'I', 'i', 'l'] as const;
/** Fewer symbols make short codes easy to enumerate; 16 symbols × 6 characters is already 16.7 million codes. */
export const ALPHABET_MIN_SIZE = 16;
export const BODY_LENGTH_MIN = 6;
export const BODY_LENGTH_MAX = 18;
export const DEFAULT_BODY_LENGTH = 8;

export interface CodeFormat {
  alphabet: string;
  bodyLength: number;
  prefix: string;
  suffix: string;
}

/** Supported alphabet sizes in the range an alphabet can have, for error messages. */
function supportedSizes(max: number): string {
  const sizes: number[] = [];
  for (let n = ALPHABET_MIN_SIZE; n <= max; n++) if (hasCheckScheme(n)) sizes.push(n);
  return sizes.join(', ');
}

/**
 * Checks an alphabet a workspace wants and returns it in the stored form (upper case), or the
 * reason it is refused: characters outside A–Z and 2–9, ambiguous or duplicate characters (case
 * does not count: input is case-insensitive), too few symbols, or a size without a check construction.
 */
export function checkAlphabet(input: string): { ok: true; alphabet: string } | { ok: false; reason: string } {
  const characters = [...input];
  const ambiguous = characters.filter((c) => (AMBIGUOUS_CHARACTERS as readonly string[]).includes(c));
  if (ambiguous.length > 0) return { ok: false, reason: `The alphabet has ambiguous characters (${[...new Set(ambiguous)].join(' ')}); leave out 0, O, 1, I and l` };
  const foreign = characters.filter((c) => !/^[A-Za-z2-9]$/.test(c));
  if (foreign.length > 0) return { ok: false, reason: `The alphabet may only use letters A–Z and digits 2–9; it has ${JSON.stringify([...new Set(foreign)].join(''))}` };
  const alphabet = input.toUpperCase();
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const c of alphabet) (seen.has(c) ? duplicates : seen).add(c);
  if (duplicates.size > 0) return { ok: false, reason: `The alphabet repeats ${[...duplicates].join(' ')} (upper and lower case are the same character)` };
  const n = alphabet.length;
  const sizes = supportedSizes(DEFAULT_ALPHABET.length);
  if (n < ALPHABET_MIN_SIZE) return { ok: false, reason: `The alphabet has ${n} characters; it needs at least ${ALPHABET_MIN_SIZE} (supported sizes: ${sizes})` };
  if (!hasCheckScheme(n)) {
    return { ok: false, reason: `An alphabet of ${n} characters has no check-character construction; use an odd number of characters or a power of two (supported sizes: ${sizes})` };
  }
  return { ok: true, alphabet };
}

// Spaces of any width and dashes of any kind are separators people type or paste; NFKC first
// turns full-width letters and digits (ＡＢ１２, common from Chinese input methods) into ASCII.
const SEPARATORS = /[\s\-‐‑‒–—―−]/gu;

/** A code as typed or pasted → the stored form: NFKC, separators removed, upper case. */
export function normalizeCode(input: string): string {
  return input.normalize('NFKC').replace(SEPARATORS, '').toUpperCase();
}

/** Bytes at or above this are rejected, so that byte % n is uniform over 0…n-1. */
export function acceptLimit(n: number): number {
  return 256 - (256 % n);
}

const pool = Buffer.alloc(1024);
let poolOffset = pool.length;

function randomByte(): number {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++]!;
}

/** Uniform indexes 0…n-1 from the system CSPRNG, by rejection sampling (never a biased modulo). */
export function randomIndexes(n: number, count: number): number[] {
  const limit = acceptLimit(n);
  const out: number[] = [];
  while (out.length < count) {
    const byte = randomByte();
    if (byte < limit) out.push(byte % n);
  }
  return out;
}

/** The check character that completes a body of this alphabet. */
export function checkCharacter(alphabet: string, body: string): string {
  const indexes = [...body].map((c) => alphabet.indexOf(c));
  return alphabet[checkScheme(alphabet.length).checkIndex(indexes)]!;
}

/** A new random code of the format: prefix + body + check character + suffix. */
export function generateCode(format: CodeFormat): string {
  const body = randomIndexes(format.alphabet.length, format.bodyLength)
    .map((i) => format.alphabet[i])
    .join('');
  return `${format.prefix}${body}${checkCharacter(format.alphabet, body)}${format.suffix}`;
}

export type CodeReading = { wellFormed: true } | { wellFormed: false; hint: string };

/**
 * Whether a normalized code could have been issued in this format. When not, the hint tells the
 * person what to look at ("did you mistype?"): the shape, a character outside the alphabet, or a
 * check character that does not match (a typo or two swapped neighbours somewhere).
 */
export function readCode(format: CodeFormat, code: string): CodeReading {
  const length = format.prefix.length + format.bodyLength + 1 + format.suffix.length;
  if (!code.startsWith(format.prefix) || !code.endsWith(format.suffix)) {
    const parts = [format.prefix && `starts with ${format.prefix}`, format.suffix && `ends with ${format.suffix}`].filter(Boolean).join(' and ');
    return { wellFormed: false, hint: `Invite codes here ${parts}` };
  }
  if (code.length !== length) return { wellFormed: false, hint: `Invite codes here have ${length} characters; this one has ${code.length}` };
  const core = code.slice(format.prefix.length, code.length - format.suffix.length);
  const foreign = [...core].filter((c) => !format.alphabet.includes(c));
  if (foreign.length > 0) {
    return { wellFormed: false, hint: `Invite codes here never contain ${[...new Set(foreign)].join(' ')} (codes avoid 0/O and 1/I)` };
  }
  const indexes = [...core].map((c) => format.alphabet.indexOf(c));
  if (!checkScheme(format.alphabet.length).isValid(indexes)) {
    return { wellFormed: false, hint: 'The last character does not match the others: a character is mistyped or two neighbours are swapped' };
  }
  return { wellFormed: true };
}
