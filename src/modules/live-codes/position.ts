import type { Position } from './routing.ts';

/**
 * The scanner's position from `lat` and `lon` (query string or form fields), as the landing page's
 * geolocation step sends them. Anything missing, unparsable or out of range is no position: the
 * pool then routes as fill_in_order, it never refuses the scanner for it.
 */
export function readPosition(source: unknown): Position | null {
  if (typeof source !== 'object' || source === null) return null;
  const { lat, lon } = source as Record<string, unknown>;
  if (typeof lat !== 'string' || typeof lon !== 'string' || lat.length > 32 || lon.length > 32) return null;
  const latitude = Number(lat);
  const longitude = Number(lon);
  if (lat.trim() === '' || lon.trim() === '' || !Number.isFinite(latitude) || !Number.isFinite(longitude)) return null;
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
  return { latitude, longitude };
}

/** The query string that carries a position on to the join step. */
export function positionQuery(position: Position | null): string {
  return position ? `?${new URLSearchParams({ lat: String(position.latitude), lon: String(position.longitude) }).toString()}` : '';
}
