/**
 * Which entry of a live code's pool a scanner goes to: a pure function of the rule, the entries
 * with their state, and who is scanning. No I/O, so the rules can be tested as properties.
 */
export const ROUTING_RULES = ['fill_in_order', 'least_full', 'round_robin', 'nearest'] as const;
export type RoutingRule = (typeof ROUTING_RULES)[number];

export const ENTRY_STATUSES = ['active', 'paused', 'retired'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

/** Why an entry takes nobody right now (null: it is usable). */
export const UNUSABLE_REASONS = ['paused', 'retired', 'group_archived', 'group_full', 'threshold_reached', 'expired'] as const;
export type UnusableReason = (typeof UNUSABLE_REASONS)[number];

export interface PoolEntry {
  id: string;
  position: number;
  kind: 'group' | 'link';
  status: EntryStatus;
  /** User-agent app classes this entry serves; null = everyone. */
  audience: readonly string[] | null;
  latitude: number | null;
  longitude: number | null;
  /** Admitted scans routed here, and (link entries) the count that retires it. */
  scans: number;
  scanThreshold: number | null;
  expiresAt: number | null;
  /** Group entries: the hosted group's state. */
  group: { status: string; memberCount: number; capacity: number } | null;
}

export interface Position {
  latitude: number;
  longitude: number;
}

export interface Scanner {
  /** The user agent's app class (scans/user-agent.ts). */
  app: string;
  position: Position | null;
}

export type Route = { ok: true; entry: PoolEntry; fellBack: boolean } | { ok: false };

/**
 * Usable: a group entry whose group is active with a free seat (decided by membership, never by
 * page views); a link entry below its scan threshold and not expired. Either must be active.
 */
export function unusableReason(entry: PoolEntry, now: number): UnusableReason | null {
  if (entry.status === 'paused') return 'paused';
  if (entry.status === 'retired') return 'retired';
  if (entry.kind === 'group') {
    if (!entry.group || entry.group.status !== 'active') return 'group_archived';
    if (entry.group.memberCount >= entry.group.capacity) return 'group_full';
    return null;
  }
  if (entry.scanThreshold !== null && entry.scans >= entry.scanThreshold) return 'threshold_reached';
  if (entry.expiresAt !== null && now >= entry.expiresAt) return 'expired';
  return null;
}

function byPosition(a: PoolEntry, b: PoolEntry): number {
  return a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The entries a scanner may be sent to: usable ones whose audience names the scanner's app, or,
 * when there are none, usable ones serving everyone. Sorted by position.
 */
export function candidatesFor(entries: readonly PoolEntry[], scanner: Scanner, now: number): PoolEntry[] {
  const usable = entries.filter((e) => unusableReason(e, now) === null);
  const targeted = usable.filter((e) => e.audience?.includes(scanner.app));
  return (targeted.length > 0 ? targeted : usable.filter((e) => e.audience === null)).sort(byPosition);
}

/** How full an entry is, as a fraction: members of capacity, or scans of the threshold. */
function load(entry: PoolEntry): [number, number] {
  if (entry.kind === 'group') return [entry.group?.memberCount ?? 0, Math.max(1, entry.group?.capacity ?? 1)];
  return [entry.scans, entry.scanThreshold ?? Number.MAX_SAFE_INTEGER];
}

/** Compares two fractions exactly (cross-multiplied), so equal loads tie rather than wobble. */
export function compareLoad(a: PoolEntry, b: PoolEntry): number {
  const [an, ad] = load(a);
  const [bn, bd] = load(b);
  return an * bd - bn * ad;
}

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance in km (haversine). */
export function distanceKm(a: Position, b: Position): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

function located(entry: PoolEntry): Position | null {
  return entry.latitude === null || entry.longitude === null ? null : { latitude: entry.latitude, longitude: entry.longitude };
}

/**
 * Routes one admission. `cursor` is the number of round-robin admissions so far (the caller
 * claims it atomically). Nearest without the scanner's position, or without any located
 * candidate, falls back to fill_in_order and says so.
 */
export function route(rule: RoutingRule, entries: readonly PoolEntry[], scanner: Scanner, options: { cursor: number; now: number }): Route {
  const candidates = candidatesFor(entries, scanner, options.now);
  const first = candidates[0];
  if (!first) return { ok: false };
  switch (rule) {
    case 'fill_in_order':
      return { ok: true, entry: first, fellBack: false };
    case 'least_full':
      return { ok: true, entry: candidates.reduce((best, e) => (compareLoad(e, best) < 0 ? e : best)), fellBack: false };
    case 'round_robin': {
      const index = ((Math.trunc(options.cursor) % candidates.length) + candidates.length) % candidates.length;
      return { ok: true, entry: candidates[index]!, fellBack: false };
    }
    case 'nearest': {
      const here = scanner.position;
      const withPlace = candidates.filter((e) => located(e) !== null);
      if (!here || withPlace.length === 0) return { ok: true, entry: first, fellBack: true };
      const nearest = withPlace.reduce((best, e) => (distanceKm(here, located(e)!) < distanceKm(here, located(best)!) ? e : best));
      return { ok: true, entry: nearest, fellBack: false };
    }
  }
}
