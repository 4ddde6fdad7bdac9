export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Accept-Language values whose locale is kept: phones send a few distinct ones, and every scan asks. */
const ACCEPT_LANGUAGES_KEPT = 1000;
/** Longer values are judged each time rather than kept, so odd headers cannot fill the memory. */
const KEPT_MAX_LENGTH = 200;
const picked = new Map<string, Locale>();

/** zh-CN for any Chinese preference that comes first (or no preference at all), else English. */
export function pickLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'zh-CN';
  if (acceptLanguage.length > KEPT_MAX_LENGTH) return judge(acceptLanguage);
  let locale = picked.get(acceptLanguage);
  if (!locale) {
    if (picked.size >= ACCEPT_LANGUAGES_KEPT) picked.delete(picked.keys().next().value!);
    picked.set(acceptLanguage, (locale = judge(acceptLanguage)));
  }
  return locale;
}

function judge(acceptLanguage: string): Locale {
  const preferences = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())?.[1]).find(Boolean);
      return { tag, q: q === undefined ? 1 : Number(q) };
    })
    .filter((p) => p.tag && p.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of preferences) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return preferences.length === 0 ? 'zh-CN' : 'en';
}

/** Each page keeps its own strings for both locales, so a missing translation fails type-checking. */
export type Messages<K extends string> = Record<Locale, Record<K, string>>;

/** "1 member", "3 members", "3 位成员": the one place a member count is worded. */
export function memberCountText(locale: Locale, count: number): string {
  return fill(locale === 'zh-CN' ? '{count} 位成员' : '{count} {count|member|members}', { count });
}

const PLACEHOLDER = /\{(\w+)(?:\|([^|{}]*)\|([^|{}]*))?\}/g;

/**
 * Fills `{name}` placeholders, and `{name|one|other}` with the word for one of `name` or for any
 * other number ("{left} {left|try|tries} left"), so English counts agree with their nouns. A name
 * without a value stays as written. The console's translator fills its messages with this too.
 */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(PLACEHOLDER, (match, key: string, one: string | undefined, other: string | undefined) => {
    if (!(key in values)) return match;
    if (one === undefined || other === undefined) return String(values[key]);
    return Number(values[key]) === 1 ? one : other;
  });
}
