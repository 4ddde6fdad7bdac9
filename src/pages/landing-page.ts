import { landingBody, type LandingGroup } from './landing.ts';
import { page } from './layout.ts';
import type { Locale } from './locale.ts';

/** Pages kept per group state: one per poster (token) and language. */
export const LANDING_PAGES_PER_GROUP = 64;

// Per group state: the scan cache hands out one object per state, so an edit starts afresh.
const pages = new WeakMap<LandingGroup, Map<string, Buffer>>();

/**
 * The landing page of a scan of `token`, as the bytes that go out. Every scan of one poster gets
 * the same page until its group changes, so it is rendered (and encoded) once per group state,
 * poster and language rather than once per scan.
 */
export function landingPage(locale: Locale, group: LandingGroup, token: string, checkCode: string): Buffer {
  let byPoster = pages.get(group);
  if (!byPoster) pages.set(group, (byPoster = new Map()));
  const key = `${locale} ${checkCode} ${token}`;
  let bytes = byPoster.get(key);
  if (!bytes) {
    bytes = Buffer.from(page({ locale, title: group.name, body: landingBody({ locale, group, checkCode, token }) }), 'utf8');
    if (byPoster.size >= LANDING_PAGES_PER_GROUP) byPoster.delete(byPoster.keys().next().value!);
    byPoster.set(key, bytes);
  }
  return bytes;
}
