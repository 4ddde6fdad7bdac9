/**
 * What an uploaded image is and how big it claims to be, read from its first bytes only. Both
 * centre logos and uploaded group QR images are checked this way before any pixel is decoded:
 * a small compressed file can declare a canvas that takes gigabytes to hold.
 */

export type ImageMime = 'image/png' | 'image/jpeg';

const PNG_SIGNATURE = Buffer.from('89504e470d0a1a0a', 'hex');

/** PNG or JPEG by magic bytes; null for anything else. */
export function imageMime(bytes: Buffer): ImageMime | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return null;
}

export interface ImageSize {
  width: number;
  height: number;
}

/** A PNG's size from its IHDR, which the format requires to be the first chunk. */
function pngSize(bytes: Buffer): ImageSize | null {
  if (bytes.length < 24 || bytes.subarray(12, 16).toString('latin1') !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Walks the JPEG marker segments to the first start-of-frame, which carries the size. */
function jpegSize(bytes: Buffer): ImageSize | null {
  let at = 2;
  while (at + 9 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isStartOfFrame) return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    at += 2 + length;
  }
  return null;
}

/** The size the header declares; null when the header is cut short or malformed. */
export function imageSize(bytes: Buffer, mime: ImageMime): ImageSize | null {
  return mime === 'image/png' ? pngSize(bytes) : jpegSize(bytes);
}
