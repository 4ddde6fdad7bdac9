import type { Translate } from '../../i18n.ts';

/**
 * The server's wildcard subscription: every event type, including ones added in later versions.
 * The server accepts it next to other types but then keeps only ['*'], so the form keeps it alone.
 */
export const ALL_EVENT_TYPES = '*';

export function eventTypeLabel(type: string, t: Translate): string {
  return type === ALL_EVENT_TYPES ? t('webhooks.allEventTypes') : type;
}

/** A multiple-select's next value with "*" alone: picking it clears the others, picking another drops it. */
export function keepWildcardAlone(next: string[] = [], previous: string[] = []): string[] {
  if (!next.includes(ALL_EVENT_TYPES) || next.length === 1) return next;
  return previous.includes(ALL_EVENT_TYPES) ? next.filter((type) => type !== ALL_EVENT_TYPES) : [ALL_EVENT_TYPES];
}
