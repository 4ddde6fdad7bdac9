import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { AppError } from '../../../errors.ts';
import { assertFontsCover, findFonts, fontFamilyFor, needsCjk } from './fonts.ts';

describe('font lookup', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'joincode-fonts-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  function fontDir(name: string, files: string[]): string {
    const dir = path.join(root, name, 'truetype', 'nested');
    mkdirSync(dir, { recursive: true });
    for (const file of files) writeFileSync(path.join(dir, file), '');
    return path.join(root, name);
  }

  test('given Noto CJK and DejaVu in nested font folders, then both are found, CJK first', () => {
    const fonts = findFonts({ dirs: [fontDir('full', ['DejaVuSans.ttf', 'NotoSansCJK-Regular.ttc', 'NotoSansCJK-Bold.ttc', 'wqy-microhei.ttc'])] });
    assert.equal(fonts.cjk, true);
    assert.deepEqual(fonts.files.map((f) => path.basename(f)), ['NotoSansCJK-Regular.ttc', 'NotoSansCJK-Bold.ttc', 'DejaVuSans.ttf']);
  });

  test('given only Latin fonts, then Latin text renders and CJK text fails with the fix named', () => {
    const fonts = findFonts({ dirs: [fontDir('latin', ['LiberationSans-Regular.ttf', 'LiberationSans-Bold.ttf'])] });
    assert.equal(fonts.cjk, false);
    assert.doesNotThrow(() => assertFontsCover(fonts, 'Spring Camp 3'));
    assert.throws(
      () => assertFontsCover(fonts, '春季训练营'),
      (error) => error instanceof AppError && error.code === 'internal_error' && /fonts-noto-cjk/.test(error.detail ?? ''),
    );
  });

  test('given no fonts at all, then any text fails clearly', () => {
    assert.throws(() => assertFontsCover(findFonts({ dirs: [path.join(root, 'missing')] }), 'abc'), /No font found/);
  });

  test('given a configured CJK font file, then it is used, and a missing one is reported by path', () => {
    const file = path.join(fontDir('custom', ['MyHei.ttf']), 'truetype', 'nested', 'MyHei.ttf');
    assert.deepEqual(findFonts({ cjkFontFiles: [file], dirs: [] }), { files: [file], cjk: true });
    assert.throws(() => findFonts({ cjkFontFiles: ['/nope/Hei.ttf'], dirs: [] }), /\/nope\/Hei\.ttf/);
  });

  test('given a line of text, then CJK lines ask for the SC face first and Latin lines for a Latin face', () => {
    assert.equal(needsCjk('Group 3'), false);
    assert.equal(needsCjk('3群'), true);
    assert.equal(needsCjk('한국어'), true);
    assert.match(fontFamilyFor('春季 3群'), /^'Noto Sans CJK SC'/);
    assert.match(fontFamilyFor('Spring Camp'), /^'Liberation Sans'/);
    assert.doesNotMatch(fontFamilyFor('x') + fontFamilyFor('群'), /"/);
  });
});
