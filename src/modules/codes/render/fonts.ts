import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { AppError } from '../../../errors.ts';

/**
 * Fonts for rasterising captions and posters. The rasteriser (resvg) loads only the files we
 * hand it — scanning every system font on each render costs more than the render itself — and
 * falls back glyph by glyph across those files, so Latin text renders with the Latin font and Han
 * characters with the CJK one. Group names are often Chinese: a PNG with boxes instead of the
 * name is worse than an error, so text that needs a CJK font fails clearly when none is found.
 */
export interface FontSet {
  files: string[];
  /** Whether one of the files covers Chinese, Japanese and Korean text. */
  cjk: boolean;
}

const FONT_DIRS = ['/usr/share/fonts', '/usr/local/share/fonts', path.join(homedir(), '.local/share/fonts'), path.join(homedir(), '.fonts')];

/**
 * CJK families by preference, each with its regular and bold files. Noto Sans CJK (Debian's
 * fonts-noto-cjk) and Source Han Sans are the same design and the best looking; WenQuanYi and
 * Droid Sans Fallback are smaller fallbacks that older systems carry.
 */
const CJK_FAMILIES = [
  ['NotoSansCJK-Regular.ttc', 'NotoSansCJK-Bold.ttc'],
  ['NotoSansCJKsc-Regular.otf', 'NotoSansCJKsc-Bold.otf'],
  ['SourceHanSans-Regular.ttc', 'SourceHanSans-Bold.ttc'],
  ['SourceHanSansSC-Regular.otf', 'SourceHanSansSC-Bold.otf'],
  ['wqy-microhei.ttc'],
  ['wqy-zenhei.ttc'],
  ['DroidSansFallbackFull.ttf'],
];
/**
 * Latin sans, regular and bold: for Latin-only lines, which it also draws far faster than the
 * CJK fonts (resvg spends milliseconds per glyph on those), and on systems without CJK fonts.
 * Liberation Sans has Arial's metrics, so browsers that show the SVG with Arial match the PNG.
 */
const LATIN_FAMILIES = [
  ['LiberationSans-Regular.ttf', 'LiberationSans-Bold.ttf'],
  ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'],
  ['NotoSans-Regular.ttf', 'NotoSans-Bold.ttf'],
];

/**
 * What a line of SVG text asks for (the SVG carries no font files): viewers and the rasteriser
 * take the first family they have. A line with CJK characters is set wholly in the CJK family,
 * whose Latin letters match its Han characters; SC comes first, as the simplified forms are
 * what Chinese readers expect (the JP face draws some characters differently).
 */
const CJK_LINE = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei','Droid Sans Fallback',sans-serif";
const LATIN_LINE = "'Liberation Sans','DejaVu Sans','Noto Sans','Helvetica Neue',Arial,sans-serif";

/** The font-family value for one line of text; quotes are single, so it fits a double-quoted attribute. */
export function fontFamilyFor(text: string): string {
  return needsCjk(text) ? CJK_LINE : LATIN_LINE;
}

/** Every font file under the given directories, by file name (first found wins). */
function indexFontFiles(dirs: string[]): Map<string, string> {
  const byName = new Map<string, string>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && !byName.has(entry.name)) byName.set(entry.name, path.join(entry.parentPath, entry.name));
    }
  }
  return byName;
}

function firstFamily(families: string[][], index: Map<string, string>): string[] {
  for (const family of families) {
    const found = family.flatMap((name) => index.get(name) ?? []);
    if (found.length > 0) return found;
  }
  return [];
}

/**
 * Finds the fonts to rasterise with. `cjkFontFiles` (an operator's setting) are trusted to cover
 * CJK and replace the search for one; the system directories still supply the Latin fonts.
 */
export function findFonts(options: { cjkFontFiles?: string[]; dirs?: string[] } = {}): FontSet {
  const index = indexFontFiles(options.dirs ?? FONT_DIRS);
  const latin = firstFamily(LATIN_FAMILIES, index);
  if (options.cjkFontFiles && options.cjkFontFiles.length > 0) {
    const missing = options.cjkFontFiles.filter((file) => !existsSync(file));
    if (missing.length > 0) throw new Error(`Configured CJK font file not found: ${missing.join(', ')}`);
    return { files: [...options.cjkFontFiles, ...latin], cjk: true };
  }
  const cjk = firstFamily(CJK_FAMILIES, index);
  return { files: [...cjk, ...latin], cjk: cjk.length > 0 };
}

let systemFonts: FontSet | undefined;

/** The system's fonts, searched once per process: fonts are installed with the package manager. */
export function defaultFonts(): FontSet {
  systemFonts ??= findFonts();
  return systemFonts;
}

/** Han, kana, hangul, CJK punctuation and full-width forms: what Latin fonts do not carry. */
const CJK_TEXT = /[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]|[\u{20000}-\u{3ffff}]/u;

export function needsCjk(text: string): boolean {
  return CJK_TEXT.test(text);
}

/** Refuses to rasterise text the fonts cannot draw, naming the fix. */
export function assertFontsCover(fonts: FontSet, text: string): void {
  if (fonts.files.length === 0) {
    throw new AppError('internal_error', 'No font found to draw text; install fonts-noto-cjk (or fonts-dejavu-core for Latin text)');
  }
  if (!fonts.cjk && needsCjk(text)) {
    throw new AppError('internal_error', 'No CJK-capable font found to draw Chinese, Japanese or Korean text; install fonts-noto-cjk or configure a CJK font file');
  }
}
