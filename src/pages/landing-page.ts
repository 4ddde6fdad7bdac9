import type { GroupView } from '../modules/groups/schema.ts';
import { landingBody } from './landing.ts';
import { page } from './layout.ts';
import type { Locale } from './locale.ts';
import { compileTemplate, type Template } from './template.ts';

type LandingTemplate = Template<'token' | 'checkCode'>;

// Per group state (the scan cache hands out one GroupView object per state) and locale.
const templates = new WeakMap<GroupView, Partial<Record<Locale, LandingTemplate>>>();

/**
 * The whole landing page for a scan: rendered once per group state and locale, then only the
 * token (in the join link) and its check code are filled in per scan.
 */
export function landingPage(locale: Locale, group: GroupView, token: string, checkCode: string): Buffer {
  let byLocale = templates.get(group);
  if (!byLocale) templates.set(group, (byLocale = {}));
  const template = (byLocale[locale] ??= compileTemplate(['token', 'checkCode'], (slots) =>
    page({ locale, title: group.name, body: landingBody({ locale, group, ...slots }) }),
  ));
  return template({ token, checkCode });
}
