/**
 * The optional centre logo. We only sniff the header: that is enough to refuse what is not a
 * PNG or JPEG, and to refuse images whose pixel count would make the rasteriser allocate
 * hundreds of megabytes (a small file can declare a huge canvas).
 */

export const MAX_LOGO_BYTES = 512 * 1024;
/** Far more than a centre logo ever needs, far less than a decompression bomb. */
const MAX_LOGO_PIXELS = 4096 * 4096;

export interface Logo {
  mime: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
  dataUri: string;
}

function pngSize(bytes: Buffer): { width: number; height: number } | null {
  const signature = '89504e470d0a1a0a';
  if (bytes.length < 24 || bytes.subarray(0, 8).toString('hex') !== signature) return null;
  if (bytes.subarray(12, 16).toString('latin1') !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Walks the JPEG marker segments to the first start-of-frame, which carries the size. */
function jpegSize(bytes: Buffer): { width: number; height: number } | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
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

/** Returns the logo ready to embed, or an error message naming what is wrong with it. */
export function readLogo(bytes: Uint8Array): Logo | string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length === 0) return 'logo is empty';
  if (buffer.length > MAX_LOGO_BYTES) return `logo is ${buffer.length} bytes; the limit is ${MAX_LOGO_BYTES} (512 KiB)`;
  const png = pngSize(buffer);
  const size = png ?? jpegSize(buffer);
  if (!size) return 'logo must be a PNG or JPEG image';
  if (size.width === 0 || size.height === 0 || size.width * size.height > MAX_LOGO_PIXELS) {
    return `logo is ${size.width}×${size.height} pixels; it must be non-empty and at most 4096×4096`;
  }
  const mime = png ? 'image/png' : 'image/jpeg';
  return { mime, ...size, dataUri: `data:${mime};base64,${buffer.toString('base64')}` };
}
