import { randomFillSync } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
// Random bytes are drawn in bulk: one system call per 4 KiB instead of one per id.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;
let lastTime = -1;
const lastRandom = Buffer.alloc(10);

function randomBytes10(): Buffer {
  if (poolOffset + 10 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 10);
  poolOffset += 10;
  return bytes;
}

/** Adds one to the 80-bit random part, so ids made in the same millisecond still sort in order. */
function increment(bytes: Buffer): void {
  for (let i = bytes.length - 1; i >= 0; i -= 1) {
    bytes[i] = (bytes[i]! + 1) & 0xff;
    if (bytes[i] !== 0) return;
  }
}

// The time part changes once a millisecond at most; ids are made several per scan.
let lastTimeText = '';

function encodeTime(time: number): string {
  let out = '';
  let t = time;
  for (let i = 0; i < 10; i += 1) {
    out = CROCKFORD[t % 32]! + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function encode(timeText: string, random: Buffer): string {
  let out = timeText;
  // 80 random bits as 16 base-32 characters, five bits at a time.
  let bits = 0;
  let value = 0;
  for (const byte of random) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += CROCKFORD[(value >> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/**
 * A new time-ordered id (ULID): ids sort by creation — within one process even inside the same
 * millisecond — so they serve as pagination cursors. Hand-written because ids are made on the
 * hot scan path, where the ulid package's per-character randomness showed in profiles.
 */
export function newId(now: number = Date.now()): string {
  if (now <= lastTime) {
    increment(lastRandom);
  } else {
    lastTime = now;
    lastTimeText = encodeTime(now);
    randomBytes10().copy(lastRandom);
  }
  return encode(lastTimeText, lastRandom);
}
