import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../../../errors.ts';
import { qrSvg, renderQr, type QrOptions } from './qr.ts';
import { rasterise } from './raster.ts';

const URL_80 = `http://127.0.0.1:3000/j/${'Ab3_-x9Z'.repeat(10)}`;
const OPTIONS: QrOptions = { format: 'png', size: 512, margin: 4, errorCorrection: 'M', dark: '#000000', light: '#ffffff' };
const NO_FONTS = { files: [], cjk: false };

function refused(pattern: RegExp) {
  return (error: unknown) => error instanceof AppError && error.code === 'validation_failed' && pattern.test(error.detail ?? '');
}

function pngSize(png: Buffer): [number, number] {
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('QR rendering', () => {
  test('given a size too small for the URL, then it is refused with the smallest size that works', () => {
    // An 80-character token at H is version 10: 57 modules + 8 of margin, so 130 px.
    assert.throws(() => qrSvg(URL_80, { ...OPTIONS, size: 128, errorCorrection: 'H' }), refused(/size 128 is too small: .* at least 130/));
    assert.doesNotThrow(() => qrSvg(URL_80, { ...OPTIONS, size: 130, errorCorrection: 'H' }));
  });

  test('given a URL longer than a QR code holds, then it is refused as invalid input', () => {
    assert.throws(() => qrSvg(`https://x.test/${'a'.repeat(3000)}`, { ...OPTIONS, errorCorrection: 'H' }), refused(/does not fit/));
  });

  test('given markup and control characters in the group name, then the SVG carries them as inert text', () => {
    const svg = qrSvg(URL_80, { ...OPTIONS, format: 'svg' }, { title: '<script>alert("x")</script>\u0000 & 群', checkCode: 'K7Q2-9PXM' });
    assert.doesNotMatch(svg, /<script/);
    assert.ok(!svg.includes('\u0000'));
    assert.match(svg, /&#60;script&#62;alert\(&#34;x&#34;\)&#60;\/script&#62; &#38; 群/);
    assert.match(svg, /K7Q2-9PXM/);
    assert.doesNotMatch(svg, /href="http|@import|url\(/);
  });

  test('given a plain PNG, then it is rendered without any font and is size × size', async () => {
    const svg = qrSvg(URL_80, OPTIONS);
    assert.deepEqual(pngSize(await rasterise(svg, 512, NO_FONTS)), [512, 512]);
  });

  test('given a Chinese caption but no CJK font, then rasterising fails clearly instead of drawing boxes', async () => {
    const svg = qrSvg(URL_80, OPTIONS, { title: '春季训练营 3群', checkCode: 'K7Q2-9PXM' });
    await assert.rejects(rasterise(svg, 512, NO_FONTS), (error) => error instanceof AppError && /No font found|CJK/.test(error.detail ?? ''));
  });

  test('given a caption, then the PNG grows a band under the code', async () => {
    const image = await renderQr(URL_80, OPTIONS, { title: 'Spring Camp 3', checkCode: 'K7Q2-9PXM' });
    assert.equal(image.contentType, 'image/png');
    const [width, height] = pngSize(image.body);
    assert.equal(width, 512);
    assert.ok(height > 512 * 1.15, String(height));
  });
});
