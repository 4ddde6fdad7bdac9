import assert from 'node:assert/strict';
import { crc32, deflateSync } from 'node:zlib';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import jpeg from 'jpeg-js';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { decodeQrImage, MAX_QR_IMAGE_BYTES } from './qr-image.ts';

const GROUP_URL = 'https://weixin.qq.com/g/AwYAAJ1n8Ld3kTqzN2Q9cE7vXb0xR4sU';
const CHINESE = '春季训练营 3群：扫码入群领资料';
const PNG_SIGNATURE = Buffer.from('89504e470d0a1a0a', 'hex');

function qrPng(payload: string, options: QRCode.QRCodeToBufferOptions = {}): Promise<Buffer> {
  return QRCode.toBuffer(payload, { type: 'png', scale: 6, margin: 4, ...options });
}

/** A PNG as raw RGBA, as pngjs reads it. */
function pixels(png: Buffer): PNG {
  return PNG.sync.read(png);
}

/** A PNG of only the IHDR chunk: enough for the header check, never decodable. */
function headerOnlyPng(width: number, height: number, interlace = 0): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.set([8, 0, 0, 0, interlace], 16); // 8-bit greyscale, no filter or compression choices
  return Buffer.concat([PNG_SIGNATURE, ihdr]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** An Adam7-interlaced RGB PNG of the image (pngjs only writes plain ones). */
function interlacedPng(image: PNG): Buffer {
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;
  const rows: Buffer[] = [];
  for (const [x0, y0, dx, dy] of passes) {
    for (let y = y0; y < image.height; y += dy) {
      const row = [0]; // filter: none
      for (let x = x0; x < image.width; x += dx) row.push(...image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 3));
      if (row.length > 1) rows.push(Buffer.from(row));
    }
  }
  const ihdr = headerOnlyPng(image.width, image.height, 1).subarray(16, 29);
  ihdr[9] = 2; // RGB
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

describe('decoding uploaded group QR images', () => {
  test('given PNG codes rendered by the qrcode package, then their payloads come back, Chinese text included', async () => {
    for (const payload of [GROUP_URL, CHINESE]) {
      assert.deepEqual(decodeQrImage(await qrPng(payload)), { ok: true, payload });
    }
  });

  test('given a JPEG photo of a code, then its payload comes back', async () => {
    const png = pixels(await qrPng(GROUP_URL));
    const photo = jpeg.encode({ width: png.width, height: png.height, data: png.data }, 85).data;
    assert.equal(photo[0], 0xff);
    assert.deepEqual(decodeQrImage(photo), { ok: true, payload: GROUP_URL });
  });

  test('given a 2000×3000 screenshot with the code in it, then its payload comes back', async () => {
    const code = pixels(await qrPng(GROUP_URL, { scale: 10 }));
    const screen = new PNG({ width: 2000, height: 3000 });
    screen.data.fill(255);
    PNG.bitblt(code, screen, 0, 0, code.width, code.height, 700, 1200);
    const bytes = PNG.sync.write(screen);
    assert.ok(bytes.length <= MAX_QR_IMAGE_BYTES);
    assert.deepEqual(decodeQrImage(bytes), { ok: true, payload: GROUP_URL });
  });

  test('given a noisy phone photo where a full-size scan misses the code, then the downscaled pass finds it', async () => {
    const code = pixels(await qrPng(GROUP_URL, { scale: 20 }));
    const photo = new PNG({ width: 1200, height: 1600 });
    photo.data.fill(255);
    PNG.bitblt(code, photo, 0, 0, code.width, code.height, 100, 300);
    let seed = 1; // sensor noise of ±40 levels, the same on every run
    for (let i = 0; i < photo.data.length; i++) {
      if (i % 4 === 3) continue;
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      photo.data[i] = Math.max(0, Math.min(255, photo.data[i]! + (seed / 0x7fffffff - 0.5) * 80));
    }
    const bytes = jpeg.encode(photo, 85).data;
    const seen = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    assert.equal(jsqr.default(new Uint8ClampedArray(seen.data), seen.width, seen.height, { inversionAttempts: 'dontInvert' }), null, 'the full-size pass alone must miss');
    assert.deepEqual(decodeQrImage(bytes), { ok: true, payload: GROUP_URL });
  });

  test('given a code on a transparent ground, or light on dark, then its payload still comes back', async () => {
    assert.deepEqual(decodeQrImage(await qrPng(GROUP_URL, { color: { dark: '#000000ff', light: '#00000000' } })), { ok: true, payload: GROUP_URL });
    assert.deepEqual(decodeQrImage(await qrPng(GROUP_URL, { color: { dark: '#ffffffff', light: '#000000ff' } })), { ok: true, payload: GROUP_URL });
  });

  test('given a GIF, text or random bytes, then it is not an image', () => {
    const refused = { ok: false, reason: 'not_an_image' };
    assert.deepEqual(decodeQrImage(Buffer.from('GIF89a\x01\x00\x01\x00\x80\x00\x00', 'latin1')), refused);
    assert.deepEqual(decodeQrImage(Buffer.from('https://weixin.qq.com/g/not-an-image')), refused);
    assert.deepEqual(decodeQrImage(Buffer.from([0x12, 0x89, 0x50, 0x4e, 0x47, 0xff, 0xd8, 0xff, 0x00])), refused);
    assert.deepEqual(decodeQrImage(Buffer.alloc(0)), refused);
  });

  test('given a PNG or JPEG cut off halfway, then it is unreadable', async () => {
    const png = await qrPng(GROUP_URL);
    assert.deepEqual(decodeQrImage(png.subarray(0, Math.floor(png.length / 2))), { ok: false, reason: 'unreadable' });
    const code = pixels(png);
    const photo = jpeg.encode({ width: code.width, height: code.height, data: code.data }, 85).data;
    assert.deepEqual(decodeQrImage(photo.subarray(0, Math.floor(photo.length / 2))), { ok: false, reason: 'unreadable' });
  });

  test('given a header that claims 50000×50000 pixels, then it is too large and no pixel is decoded', () => {
    // Only the header exists: decoding would have been refused as unreadable, not too large.
    assert.deepEqual(decodeQrImage(headerOnlyPng(50000, 50000)), { ok: false, reason: 'too_large' });
  });

  test('given an interlaced PNG, then its payload comes back', async () => {
    assert.deepEqual(decodeQrImage(interlacedPng(pixels(await qrPng(GROUP_URL)))), { ok: true, payload: GROUP_URL });
  });

  test('given an interlaced PNG whose data inflates far past what its header allows, then it is too large', () => {
    // 4000×4000 greyscale is 16 MB of image data; these 64 MB of zeros compress to about 64 KB.
    const bomb = Buffer.concat([headerOnlyPng(4000, 4000, 1), chunk('IDAT', deflateSync(Buffer.alloc(64 * 1024 * 1024))), chunk('IEND', Buffer.alloc(0))]);
    assert.ok(bomb.length < 200 * 1024);
    assert.deepEqual(decodeQrImage(bomb), { ok: false, reason: 'too_large' });
  });

  test('given more bytes than the limit, then it is too large', () => {
    const big = Buffer.concat([headerOnlyPng(100, 100), Buffer.alloc(MAX_QR_IMAGE_BYTES)]);
    assert.deepEqual(decodeQrImage(big), { ok: false, reason: 'too_large' });
  });

  test('given a blank white image, then there is no QR code in it', () => {
    const blank = new PNG({ width: 400, height: 400 });
    blank.data.fill(255);
    assert.deepEqual(decodeQrImage(PNG.sync.write(blank)), { ok: false, reason: 'no_qr' });
  });

  test('given any bytes at all, then decoding never throws and refuses what is not a code', () => {
    const garbage = fc.uint8Array({ maxLength: 4096 });
    const prefixed = (prefix: number[]) => garbage.map((rest) => Buffer.from([...prefix, ...rest]));
    fc.assert(
      fc.property(fc.oneof(garbage.map((b) => Buffer.from(b)), prefixed([...PNG_SIGNATURE]), prefixed([0xff, 0xd8, 0xff])), (bytes) => {
        const result = decodeQrImage(bytes);
        assert.equal(result.ok, false);
      }),
    );
  });
});
