/**
 * User text (group names, value statements) placed into SVG. The SVG is built as a string, so
 * text is cleaned of what XML cannot carry, escaped, and fitted to the space by an estimate of
 * its width: we lay out before any font is loaded, and the SVG output has no font at all.
 */

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Drops characters XML 1.0 forbids, repairs broken UTF-16 and folds whitespace to single spaces. */
export function cleanText(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd').replace(NOT_XML, '').replace(/\s+/g, ' ').trim();
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{1f300}-\u{1faff}\u{20000}-\u{3fffd}]/u;

/**
 * Width in em. Han and full-width characters are 1 em in every CJK font; Latin letters average
 * about 0.55 em in sans fonts, capitals and digits up to 0.7. Erring wide keeps text inside.
 */
function charWidth(ch: string): number {
  if (WIDE.test(ch)) return 1;
  if (ch === ' ') return 0.3;
  if (/[A-Z0-9mwMW@%&]/.test(ch)) return 0.72;
  return 0.58;
}

export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += charWidth(ch);
  return em * fontSize;
}

/** Words break at spaces; wide characters may break anywhere, as Chinese text does. */
function tokens(text: string): string[] {
  return text.match(/ |[^ ]/gu)?.reduce<string[]>((out, ch) => {
    const last = out.at(-1);
    const joins = last !== undefined && ch !== ' ' && last !== ' ' && !WIDE.test(ch) && !WIDE.test(last.at(-1) ?? '');
    if (joins) out[out.length - 1] = last + ch;
    else out.push(ch);
    return out;
  }, []) ?? [];
}

/** Punctuation that must not start a line (Chinese line-breaking rules, 避头点). */
const NO_LINE_START = /^[，。、；：！？）」』》〉】〕”’,.;:!?)\]}…]/u;

/**
 * Greedy line filling; a word longer than a line is cut between characters. Closing
 * punctuation that would start a line stays at the end of the previous one, a little over.
 */
function wrap(text: string, fontSize: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  const push = () => {
    if (line.trim()) lines.push(line.trim());
    line = '';
  };
  for (const token of tokens(text)) {
    if (textWidth(line + token, fontSize) <= maxWidth || (NO_LINE_START.test(token) && line)) {
      line += token;
      continue;
    }
    push();
    for (const ch of token === ' ' ? '' : token) {
      if (textWidth(line + ch, fontSize) > maxWidth) push();
      line += ch;
    }
  }
  push();
  return lines;
}

/** Cuts text to fit maxWidth, ending it with an ellipsis; `truncated` says text already went missing. */
export function ellipsize(text: string, fontSize: number, maxWidth: number, truncated = false): string {
  if (!truncated && textWidth(text, fontSize) <= maxWidth) return text;
  const chars = Array.from(text);
  while (chars.length > 0 && textWidth(`${chars.join('').trimEnd()}…`, fontSize) > maxWidth) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}

export interface FittedText {
  fontSize: number;
  lines: string[];
}

/**
 * The largest font size from `fontSize` down to `minFontSize` at which the text fits in
 * `maxLines` lines; at the smallest size, what does not fit is cut with an ellipsis.
 */
export function fitText(text: string, box: { fontSize: number; minFontSize: number; maxWidth: number; maxLines: number }): FittedText {
  for (let size = box.fontSize; size > box.minFontSize; size *= 0.92) {
    const lines = wrap(text, size, box.maxWidth);
    if (lines.length <= box.maxLines) return { fontSize: size, lines };
  }
  const size = box.minFontSize;
  const lines = wrap(text, size, box.maxWidth);
  if (lines.length <= box.maxLines) return { fontSize: size, lines };
  const kept = lines.slice(0, box.maxLines);
  kept[kept.length - 1] = ellipsize(kept.at(-1)!, size, box.maxWidth, true);
  return { fontSize: size, lines: kept };
}
