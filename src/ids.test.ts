import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeTime } from 'ulid';
import { newId } from './ids.ts';

test('given increasing times, when ids are made, then each is a ULID whose time part decodes back', () => {
  let floor = Date.now();
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 40 }), (step) => {
      floor += step;
      const id = newId(floor);
      return /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(id) && decodeTime(id) === floor;
    }),
  );
});

test('given a clock that goes back, then ids keep sorting after the newest one (as ULID monotonic ids do)', () => {
  const later = newId(Date.now() + 2 ** 41);
  const earlier = newId(Date.now());
  assert.ok(earlier > later);
});

test('given many ids in the same millisecond, then each is unique and sorts after the one before', () => {
  const now = Date.now() + 10_000_000;
  const ids = Array.from({ length: 5000 }, () => newId(now));
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual([...ids].sort(), ids);
});
