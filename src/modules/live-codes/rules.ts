import { AppError } from '../../errors.ts';
import type { RoutingRule } from './routing.ts';

/** A 422 contradictory_pool_rules naming the field at fault. */
export function contradiction(pointer: string, message: string): AppError {
  return new AppError('contradictory_pool_rules', message, { errors: [{ in: 'body', pointer, message }] });
}

/**
 * Rules that must hold for the pool as a whole after any change:
 * - nearest routing needs every entry's location (an entry without one could never be "nearest",
 *   and would only ever be reached by the fallback);
 * - nearest routing and a template exclude each other: a group made from the template has no
 *   location, so the pool would grow with entries nearest routing cannot place.
 */
export function checkPoolRules(rule: RoutingRule, hasTemplate: boolean, entries: { id: string; latitude: number | null; longitude: number | null }[]): void {
  if (rule !== 'nearest') return;
  if (hasTemplate) throw contradiction('/template', 'Nearest routing cannot auto-create groups: a group made from the template has no location. Remove the template or pick another rule');
  const unplaced = entries.filter((e) => e.latitude === null || e.longitude === null);
  if (unplaced.length > 0) {
    throw contradiction('/rule', `Nearest routing needs the latitude and longitude of every entry; ${unplaced.length} have none (${unplaced.map((e) => e.id).join(', ')})`);
  }
}

/** Latitude and longitude come together or not at all. */
export function checkPlace(latitude: number | null | undefined, longitude: number | null | undefined, pointer = ''): void {
  const hasLatitude = latitude !== undefined && latitude !== null;
  const hasLongitude = longitude !== undefined && longitude !== null;
  if (hasLatitude !== hasLongitude) throw contradiction(`${pointer}/${hasLatitude ? 'longitude' : 'latitude'}`, 'Give latitude and longitude together');
}

export function checkThreshold(threshold: number | undefined, pointer = '/scanThreshold'): void {
  if (threshold !== undefined && threshold < 1) throw contradiction(pointer, 'A scan threshold below 1 would retire the entry before anyone could scan it');
}

export function checkValidityHours(hours: number | null | undefined): void {
  if (hours !== undefined && hours !== null && hours < 1) throw contradiction('/entryValidityHours', 'Entries must stay valid for at least 1 hour (null: no expiry)');
}

/** An expiry must lie ahead; returns it as epoch ms (null: none, undefined: not given). */
export function checkExpiry(expiresAt: string | null | undefined, now: number): number | null | undefined {
  if (expiresAt === undefined || expiresAt === null) return expiresAt;
  const at = Date.parse(expiresAt);
  if (at <= now) throw contradiction('/expiresAt', 'The expiry is in the past: the entry would never be usable');
  return at;
}
