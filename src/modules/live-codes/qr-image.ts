import { inflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
// jsqr is CommonJS with an ES-style typing: under NodeNext its function is the `default` member.
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { imageMime, imageSize, type ImageMime } from '../codes/render/image-header.ts';

/**
 * Reads the payload of an uploaded group QR image (a WeChat group's own code, photographed or
 * screenshotted). Uploads are untrusted: the header is checked before any pixel is decoded, every
 * decoder runs under a memory cap, and nothing here throws — each failure has its own reason.
 */

export const MAX_QR_IMAGE_BYTES = 2 * 1024 * 1024;

export type QrImageRefusal = 'not_an_image' | 'unreadable' | 'too_large' | 'no_qr';

/** Screenshots are 3–4 Mpx and phone photos 12 Mpx; 16 Mpx of RGBA is 64 MB. */
const MAX_PIXELS = 4096 * 4096;
/** By jpeg-js's own count a 4096 × 4096 JPEG needs about 305 MB (coefficients, planes, RGBA). */
const MAX_JPEG_MEMORY_MB = 384;
/** Big images are read downscaled to about this size first (see decodeQrImage). */
const DOWNSCALED_SIDE = 1000;

interface Rgba {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

type Refusal = { ok: false; reason: QrImageRefusal };
export type QrImageResult = { ok: true; payload: string } | Refusal;
const refuse = (reason: QrImageRefusal): Refusal => ({ ok: false, reason });

/**
 * Whether an interlaced PNG's image data inflates within what its header allows. pngjs caps the
 * inflate of plain PNGs at the size the header implies, but inflates interlaced ones without a
 * cap, where 2 MB of zeros could become 2 GB: for those we inflate once with a cap first. Adam7's
 * seven passes add at most a filter and a padding byte per pass row, which three times the plain
 * size more than covers.
 */
function interlacedPngFits(bytes: Buffer, size: { width: number; height: number }): boolean {
  const bitDepth = bytes[24]!;
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[bytes[25]!];
  // pngjs refuses a header like this before it inflates anything.
  if (!channels || ![1, 2, 4, 8, 16].includes(bitDepth)) return true;
  const plain = (Math.ceil((size.width * channels * bitDepth) / 8) + 1) * size.height;
  const parts: Buffer[] = [];
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    if (bytes.subarray(at + 4, at + 8).toString('latin1') === 'IDAT') parts.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  try {
    inflateSync(Buffer.concat(parts), { maxOutputLength: 3 * plain + 64 });
    return true;
  } catch (error) {
    // Corrupt data is for pngjs to refuse as unreadable; only the cap itself means a bomb.
    return (error as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE';
  }
}

function decodePixels(bytes: Buffer, mime: ImageMime): Rgba {
  if (mime === 'image/png') {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
  }
  const image = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    // A cut-off JPEG must not come out as a half-grey picture that merely fails to scan.
    tolerantDecoding: false,
    maxResolutionInMP: MAX_PIXELS / 1e6,
    maxMemoryUsageInMB: MAX_JPEG_MEMORY_MB,
  });
  return { width: image.width, height: image.height, data: new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength) };
}

/** Transparent pixels over white paper: jsQR reads only the colour, so a clear ground would read as black. */
function flattenOnWhite(image: Rgba): void {
  const data = image.data;
  for (let i = 3; i < data.length; i += 4) {
    const alpha = data[i]!;
    if (alpha === 255) continue;
    for (let c = i - 3; c < i; c++) data[c] = (data[c]! * alpha + 255 * (255 - alpha)) / 255;
    data[i] = 255;
  }
}

/** Averages each k × k block, so the longest side comes to about DOWNSCALED_SIDE. */
function downscale(image: Rgba): Rgba {
  const k = Math.ceil(Math.max(image.width, image.height) / DOWNSCALED_SIDE);
  const width = Math.floor(image.width / k);
  const height = Math.floor(image.height / k);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const out = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = 0; dy < k; dy++) {
          const row = ((y * k + dy) * image.width + x * k) * 4 + c;
          for (let dx = 0; dx < k; dx++) sum += image.data[row + dx * 4]!;
        }
        data[out + c] = sum / (k * k);
      }
      data[out + 3] = 255;
    }
  }
  return { width, height, data };
}

/** jsQR's 'onlyInvert' throws (1.4.0 reads a binarisation it never made), so there is no such pass. */
function scan(image: Rgba, inversionAttempts: 'dontInvert' | 'attemptBoth'): string | null {
  try {
    return jsqr.default(image.data, image.width, image.height, { inversionAttempts })?.data || null;
  } catch {
    return null;
  }
}

/**
 * The text a QR code in the image carries. A big photo or screenshot is read first from a copy
 * downscaled to about DOWNSCALED_SIDE: about a tenth of the pixels for jsQR to binarise and search
 * (a noisy 3 Mpx photo took 1.5 s at full size), and its finder copes better there with large
 * modules and photo noise. Only when that finds nothing is the full size read, for codes whose
 * modules are too small to survive the averaging. Small images and the downscaled copy are also
 * searched for light-on-dark codes; the full-size fallback is not (that would double its cost).
 */
export function decodeQrImage(bytes: Buffer): QrImageResult {
  const mime = imageMime(bytes);
  if (!mime) return refuse('not_an_image');
  if (bytes.length > MAX_QR_IMAGE_BYTES) return refuse('too_large');
  const size = imageSize(bytes, mime);
  if (!size || size.width === 0 || size.height === 0) return refuse('unreadable');
  if (size.width * size.height > MAX_PIXELS) return refuse('too_large');
  const interlaced = mime === 'image/png' && bytes[28] === 1;
  if (interlaced && !interlacedPngFits(bytes, size)) return refuse('too_large');
  let image: Rgba;
  try {
    image = decodePixels(bytes, mime);
  } catch (error) {
    // jpeg-js's own caps, met by a frame header deeper in the file than the one we read.
    return refuse(/maxMemoryUsageInMB|maxResolutionInMP/.test(String(error)) ? 'too_large' : 'unreadable');
  }
  if (image.width * image.height * 4 !== image.data.length || image.width * image.height > MAX_PIXELS) return refuse('unreadable');
  flattenOnWhite(image);
  const large = Math.max(image.width, image.height) > DOWNSCALED_SIDE;
  const payload = large ? (scan(downscale(image), 'attemptBoth') ?? scan(image, 'dontInvert')) : scan(image, 'attemptBoth');
  return payload ? { ok: true, payload } : refuse('no_qr');
}
