import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { imagePdf } from './pdf.ts';

describe('one-image PDF', () => {
  // 2×1 pixels: opaque red, and fully transparent (which must come out as white paper).
  const rgba = Buffer.from([255, 0, 0, 255, 0, 0, 0, 0]);
  const pdf = imagePdf({ width: 2, height: 1, rgba }, { widthPt: 595.28, heightPt: 841.89, title: '春季训练营 (3) \\ 群' });
  const text = pdf.toString('latin1');

  test('given an image, then every xref offset points at its object and startxref at the table', () => {
    const xrefAt = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)![1]);
    assert.ok(text.startsWith('xref\n', xrefAt));
    const offsets = [...text.slice(xrefAt).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    assert.equal(offsets.length, 6);
    offsets.forEach((offset, i) => assert.ok(text.startsWith(`${i + 1} 0 obj\n`, offset), `object ${i + 1}`));
  });

  test('given an A4 page, then the page has the A4 box and the image fills it', () => {
    assert.match(text, /\/MediaBox \[0 0 595\.28 841\.89\]/);
    assert.match(text, /q 595\.28 0 0 841\.89 0 0 cm \/Im0 Do Q/);
  });

  test('given transparency, then the RGB stream has it blended onto white', () => {
    const start = text.indexOf('stream\n') + 'stream\n'.length;
    const length = Number(/\/Image \/Width 2 \/Height 1 .*\/Length (\d+)/.exec(text)![1]);
    assert.deepEqual([...inflateSync(pdf.subarray(start, start + length))], [255, 0, 0, 255, 255, 255]);
  });

  test('given a title with PDF syntax characters, then it is carried as UTF-16 hex', () => {
    const hex = Buffer.from('\ufeff春季训练营 (3) \\ 群', 'utf16le').swap16().toString('hex');
    assert.ok(text.includes(`/Title <${hex}>`));
  });
});
