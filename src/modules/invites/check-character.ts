/**
 * The check character of an invite code, Damm-style: a totally anti-symmetric quasigroup ∘ over
 * the alphabet's indexes. Reading a code left to right keeps a running value r (starting at 0,
 * r ← r ∘ symbol); the check character is the one symbol that brings r back to 0.
 *
 * Why this catches every single-character substitution and every swap of two neighbours:
 * - in a quasigroup y ↦ r ∘ y and r ↦ r ∘ y are both one-to-one, so a different symbol anywhere
 *   (the check character included) gives a different running value from there to the end;
 * - total anti-symmetry, (r ∘ a) ∘ b = (r ∘ b) ∘ a only when a = b, means swapping two different
 *   neighbours (also the last symbol with the check character) changes the running value too.
 * Luhn mod N, by contrast, misses some swaps (e.g. the two symbols whose doubled values coincide).
 *
 * Constructions, by alphabet size n:
 * - n odd: x ∘ y = (2x + y) mod n. 2 is invertible mod an odd n, hence a quasigroup; and
 *   (r∘a)∘b − (r∘b)∘a = (2a + b) − (2b + a) = a − b, which is 0 only when a = b.
 * - n = 2^k: x ∘ y = α·x ⊕ y in GF(2^k) with α = x (the polynomial, i.e. 2), α ∉ {0, 1}:
 *   (r∘a)∘b ⊕ (r∘b)∘a = (α ⊕ 1)·(a ⊕ b), and α ⊕ 1 ≠ 0.
 * Other even sizes have no construction here and are refused when an alphabet is configured.
 */

/** Irreducible polynomials (with the x^k term) for the binary fields we build, by k. */
const IRREDUCIBLE: Record<number, number> = {
  3: 0b1011, // x^3 + x + 1
  4: 0b10011, // x^4 + x + 1
  5: 0b100101, // x^5 + x^2 + 1
  6: 0b1000011, // x^6 + x + 1
};

export interface CheckScheme {
  size: number;
  /** The index of the check symbol that completes these symbol indexes. */
  checkIndex(indexes: readonly number[]): number;
  /** True when the indexes, check symbol last, bring the running value back to 0. */
  isValid(indexes: readonly number[]): boolean;
}

function binaryFieldDegree(n: number): number | null {
  const k = Math.log2(n);
  return Number.isInteger(k) && IRREDUCIBLE[k] !== undefined ? k : null;
}

/** Whether an alphabet of n symbols has a construction here. */
export function hasCheckScheme(n: number): boolean {
  return Number.isInteger(n) && n >= 3 && (n % 2 === 1 || binaryFieldDegree(n) !== null);
}

/** The quasigroup's table for n symbols: table[x * n + y] = x ∘ y. */
function quasigroupTable(n: number): Uint8Array {
  const table = new Uint8Array(n * n);
  const k = binaryFieldDegree(n);
  for (let x = 0; x < n; x++) {
    // α·x: the odd construction doubles mod n; the field multiplies by the polynomial x, reducing by its modulus.
    const ax = n % 2 === 1 ? (2 * x) % n : (x << 1) & n ? (x << 1) ^ IRREDUCIBLE[k!]! : x << 1;
    for (let y = 0; y < n; y++) table[x * n + y] = n % 2 === 1 ? (ax + y) % n : ax ^ y;
  }
  return table;
}

const schemes = new Map<number, CheckScheme>();

/** The check scheme for an alphabet of n symbols; throws RangeError when there is no construction for n. */
export function checkScheme(n: number): CheckScheme {
  const cached = schemes.get(n);
  if (cached) return cached;
  if (!hasCheckScheme(n)) throw new RangeError(`no check-character construction for an alphabet of ${n} symbols`);
  const table = quasigroupTable(n);
  // completing[r] is the y with r ∘ y = 0: unique, since y ↦ r ∘ y is one-to-one.
  const completing = new Uint8Array(n);
  for (let r = 0; r < n; r++) for (let y = 0; y < n; y++) if (table[r * n + y] === 0) completing[r] = y;
  const run = (indexes: readonly number[]): number => {
    let r = 0;
    for (const i of indexes) r = table[r * n + i]!;
    return r;
  };
  const scheme: CheckScheme = {
    size: n,
    checkIndex: (indexes) => completing[run(indexes)]!,
    isValid: (indexes) => run(indexes) === 0,
  };
  schemes.set(n, scheme);
  return scheme;
}
