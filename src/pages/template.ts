import { randomBytes } from 'node:crypto';
import { escapeHtml } from './html.ts';

// Marks a slot in the rendered page. The random part keeps text from group owners from ever
// looking like a slot; the NULs survive escaping, which leaves them alone.
const MARK = `\u0000${randomBytes(8).toString('hex')}:`;
const SLOT = new RegExp(`${MARK}(\\w+)\u0000`);

/** A rendered page with slots, filled per request into the bytes that go out. */
export type Template<K extends string> = (values: Record<K, string>) => Buffer;

/**
 * Renders a page once with a slot for each value that changes per request and returns a function
 * that fills them in: the same bytes render() gives for those values (escaped as html`` escapes
 * them), without building the markup or encoding it as UTF-8 again.
 */
export function compileTemplate<K extends string>(keys: readonly K[], render: (slots: Record<K, string>) => string): Template<K> {
  const slots = Object.fromEntries(keys.map((key) => [key, `${MARK}${key}\u0000`])) as Record<K, string>;
  // split() with a capture group alternates: text, slot name, text, … , text.
  const pieces = render(slots).split(SLOT);
  const texts = pieces.filter((_, i) => i % 2 === 0).map((text) => Buffer.from(text, 'utf8'));
  const names = pieces.filter((_, i) => i % 2 === 1) as K[];
  return (values) => {
    const chunks: Buffer[] = [texts[0]!];
    let length = texts[0]!.length;
    names.forEach((name, i) => {
      const value = Buffer.from(escapeHtml(values[name]), 'utf8');
      const text = texts[i + 1]!;
      chunks.push(value, text);
      length += value.length + text.length;
    });
    return Buffer.concat(chunks, length);
  };
}
