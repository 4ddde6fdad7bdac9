import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { candidatesFor, compareLoad, distanceKm, route, ROUTING_RULES, unusableReason, type PoolEntry, type Scanner } from './routing.ts';

const NOW = Date.UTC(2030, 0, 1);
const APPS = ['wechat', 'qq', 'alipay', 'telegram', 'browser'] as const;

const groupState = fc.record({
  status: fc.constantFrom('active', 'active', 'active', 'archived'),
  capacity: fc.integer({ min: 1, max: 5 }),
  memberCount: fc.integer({ min: 0, max: 6 }),
});

/** Entries of both kinds in every state, with audiences and some with coordinates. */
const entry = (id: number): fc.Arbitrary<PoolEntry> =>
  fc
    .record({
      kind: fc.constantFrom('group', 'link') as fc.Arbitrary<'group' | 'link'>,
      position: fc.integer({ min: 0, max: 20 }),
      status: fc.constantFrom('active', 'active', 'active', 'paused', 'retired') as fc.Arbitrary<PoolEntry['status']>,
      audience: fc.option(fc.uniqueArray(fc.constantFrom(...APPS), { minLength: 1, maxLength: 3 }), { nil: null }),
      place: fc.option(fc.record({ latitude: fc.double({ min: -80, max: 80, noNaN: true }), longitude: fc.double({ min: -179, max: 179, noNaN: true }) }), { nil: null }),
      scans: fc.integer({ min: 0, max: 300 }),
      scanThreshold: fc.integer({ min: 1, max: 300 }),
      expiresIn: fc.option(fc.integer({ min: -3_600_000, max: 3_600_000 }), { nil: null }),
      group: groupState,
    })
    .map((r) => ({
      id: `E${String(id).padStart(3, '0')}`,
      position: r.position,
      kind: r.kind,
      status: r.status,
      audience: r.audience,
      latitude: r.place?.latitude ?? null,
      longitude: r.place?.longitude ?? null,
      scans: r.kind === 'link' ? r.scans : 0,
      scanThreshold: r.kind === 'link' ? r.scanThreshold : null,
      expiresAt: r.kind === 'link' && r.expiresIn !== null ? NOW + r.expiresIn : null,
      group: r.kind === 'group' ? r.group : null,
    }));

const pool = fc.integer({ min: 0, max: 8 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => entry(i))));
const scanner: fc.Arbitrary<Scanner> = fc.record({
  app: fc.constantFrom(...APPS),
  position: fc.option(fc.record({ latitude: fc.double({ min: -80, max: 80, noNaN: true }), longitude: fc.double({ min: -179, max: 179, noNaN: true }) }), { nil: null }),
});
const rule = fc.constantFrom(...ROUTING_RULES);
const cursor = fc.nat({ max: 1000 });

const serves = (e: PoolEntry, s: Scanner) => e.audience === null || e.audience.includes(s.app);

test('given any pool, rule and scanner, then the chosen entry is usable and serves the scanner', () => {
  fc.assert(
    fc.property(rule, pool, scanner, cursor, (r, entries, s, c) => {
      const chosen = route(r, entries, s, { cursor: c, now: NOW });
      if (chosen.ok) {
        assert.equal(unusableReason(chosen.entry, NOW), null);
        assert.ok(serves(chosen.entry, s));
      }
    }),
  );
});

test('given any pool, then a scanner is refused exactly when no usable entry serves them', () => {
  fc.assert(
    fc.property(rule, pool, scanner, cursor, (r, entries, s, c) => {
      const anyServes = entries.some((e) => unusableReason(e, NOW) === null && serves(e, s));
      assert.equal(route(r, entries, s, { cursor: c, now: NOW }).ok, anyServes);
    }),
  );
});

test('given usable entries aimed at the scanner\'s app, then they win over entries for everyone', () => {
  fc.assert(
    fc.property(rule, pool, scanner, cursor, (r, entries, s, c) => {
      const aimed = entries.some((e) => unusableReason(e, NOW) === null && e.audience?.includes(s.app));
      const chosen = route(r, entries, s, { cursor: c, now: NOW });
      if (aimed) assert.ok(chosen.ok && chosen.entry.audience?.includes(s.app));
    }),
  );
});

test('given fill_in_order, then the chosen entry has the lowest position among the candidates', () => {
  fc.assert(
    fc.property(pool, scanner, (entries, s) => {
      const chosen = route('fill_in_order', entries, s, { cursor: 0, now: NOW });
      if (!chosen.ok) return;
      for (const other of candidatesFor(entries, s, NOW)) assert.ok(chosen.entry.position <= other.position);
    }),
  );
});

test('given least_full, then no candidate is less full than the chosen one', () => {
  fc.assert(
    fc.property(pool, scanner, (entries, s) => {
      const chosen = route('least_full', entries, s, { cursor: 0, now: NOW });
      if (!chosen.ok) return;
      for (const other of candidatesFor(entries, s, NOW)) assert.ok(compareLoad(chosen.entry, other) <= 0);
    }),
  );
});

test('given round_robin and k candidates, then k consecutive cursors visit each candidate once', () => {
  fc.assert(
    fc.property(pool, scanner, cursor, (entries, s, start) => {
      const k = candidatesFor(entries, s, NOW).length;
      if (k === 0) return;
      const seen = new Set<string>();
      for (let i = 0; i < k; i += 1) {
        const chosen = route('round_robin', entries, s, { cursor: start + i, now: NOW });
        assert.ok(chosen.ok);
        seen.add(chosen.entry.id);
      }
      assert.equal(seen.size, k);
    }),
  );
});

test('given nearest with a position, then no located candidate is closer; without one it falls back to fill_in_order', () => {
  fc.assert(
    fc.property(pool, scanner, (entries, s) => {
      const chosen = route('nearest', entries, s, { cursor: 0, now: NOW });
      if (!chosen.ok) return;
      const located = candidatesFor(entries, s, NOW).filter((e) => e.latitude !== null && e.longitude !== null);
      if (s.position && located.length > 0) {
        assert.equal(chosen.fellBack, false);
        const distance = (e: PoolEntry) => distanceKm(s.position!, { latitude: e.latitude!, longitude: e.longitude! });
        for (const other of located) assert.ok(distance(chosen.entry) <= distance(other));
      } else {
        assert.equal(chosen.fellBack, true);
        const inOrder = route('fill_in_order', entries, s, { cursor: 0, now: NOW });
        assert.ok(inOrder.ok);
        assert.equal(chosen.entry.id, inOrder.entry.id);
      }
    }),
  );
});

test('given the usability rule, then seats, thresholds and expiry decide it, never page views of a group', () => {
  const base: PoolEntry = { id: 'E1', position: 0, kind: 'group', status: 'active', audience: null, latitude: null, longitude: null, scans: 10_000, scanThreshold: null, expiresAt: null, group: { status: 'active', memberCount: 1, capacity: 2 } };
  assert.equal(unusableReason(base, NOW), null, 'scans do not fill a group');
  assert.equal(unusableReason({ ...base, group: { status: 'active', memberCount: 2, capacity: 2 } }, NOW), 'group_full');
  assert.equal(unusableReason({ ...base, group: { status: 'archived', memberCount: 0, capacity: 2 } }, NOW), 'group_archived');
  const link: PoolEntry = { ...base, kind: 'link', group: null, scans: 199, scanThreshold: 200, expiresAt: NOW + 1 };
  assert.equal(unusableReason(link, NOW), null);
  assert.equal(unusableReason({ ...link, scans: 200 }, NOW), 'threshold_reached');
  assert.equal(unusableReason({ ...link, expiresAt: NOW }, NOW), 'expired');
  assert.equal(unusableReason({ ...link, status: 'paused' }, NOW), 'paused');
  assert.equal(unusableReason({ ...link, status: 'retired' }, NOW), 'retired');
});

test('given two places, then the haversine distance is symmetric and Beijing–Shanghai is about 1,070 km', () => {
  const beijing = { latitude: 39.9042, longitude: 116.4074 };
  const shanghai = { latitude: 31.2304, longitude: 121.4737 };
  assert.ok(Math.abs(distanceKm(beijing, shanghai) - 1067) < 10);
  assert.equal(distanceKm(beijing, shanghai), distanceKm(shanghai, beijing));
  assert.equal(distanceKm(beijing, beijing), 0);
});
