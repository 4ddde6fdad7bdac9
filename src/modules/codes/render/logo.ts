/**
 * The optional centre logo. We only sniff the header: that is enough to refuse what is not a
 * PNG or JPEG, and to refuse images whose pixel count would make the rasteriser allocate
 * hundreds of megabytes (a small file can declare a huge canvas).
 */

import { imageMime, imageSize, type ImageMime } from './image-header.ts';

export const MAX_LOGO_BYTES = 512 * 1024;
/** Far more than a centre logo ever needs, far less than a decompression bomb. */
const MAX_LOGO_PIXELS = 4096 * 4096;

export interface Logo {
  mime: ImageMime;
  width: number;
  height: number;
  dataUri: string;
}

/** Returns the logo ready to embed, or an error message naming what is wrong with it. */
export function readLogo(bytes: Uint8Array): Logo | string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length === 0) return 'logo is empty';
  if (buffer.length > MAX_LOGO_BYTES) return `logo is ${buffer.length} bytes; the limit is ${MAX_LOGO_BYTES} (512 KiB)`;
  const mime = imageMime(buffer);
  const size = mime && imageSize(buffer, mime);
  if (!mime || !size) return 'logo must be a PNG or JPEG image';
  if (size.width === 0 || size.height === 0 || size.width * size.height > MAX_LOGO_PIXELS) {
    return `logo is ${size.width}×${size.height} pixels; it must be non-empty and at most 4096×4096`;
  }
  return { mime, ...size, dataUri: `data:${mime};base64,${buffer.toString('base64')}` };
}
