import { PNG } from 'pngjs';
import QRCode from 'qrcode';

/** About the width a phone shows comfortably for a long-press, in pixels. */
const TARGET_WIDTH = 264;
const MARGIN_MODULES = 4;
/** Scans of one entry repeat the same image; a few hundred payloads cover every active pool. */
const CACHE_SIZE = 256;
const cache = new Map<string, string>();

/**
 * An uploaded group QR's payload drawn again as a small black-and-white PNG data: URL, for the
 * landing page to show inline (WeChat recognises a long-pressed <img>). Re-drawing rather than
 * serving the upload keeps the page small (a few KB, grayscale, no photo noise) and shows only
 * what was decoded. Null when the payload does not fit a QR code.
 */
export function payloadQrDataUrl(payload: string): string | null {
  const cached = cache.get(payload);
  if (cached) return cached;
  let qr;
  try {
    qr = QRCode.create(payload, { errorCorrectionLevel: 'M' });
  } catch {
    return null;
  }
  const count = qr.modules.size;
  const scale = Math.max(2, Math.floor(TARGET_WIDTH / (count + 2 * MARGIN_MODULES)));
  const side = (count + 2 * MARGIN_MODULES) * scale;
  const png = new PNG({ width: side, height: side, colorType: 0, inputColorType: 0, bitDepth: 8 } as ConstructorParameters<typeof PNG>[0]);
  const pixels = Buffer.alloc(side * side, 255);
  for (let y = 0; y < count; y += 1) {
    for (let x = 0; x < count; x += 1) {
      if (!qr.modules.get(x, y)) continue;
      for (let dy = 0; dy < scale; dy += 1) {
        const row = ((y + MARGIN_MODULES) * scale + dy) * side + (x + MARGIN_MODULES) * scale;
        pixels.fill(0, row, row + scale);
      }
    }
  }
  png.data = pixels;
  const url = `data:image/png;base64,${PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8 }).toString('base64')}`;
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(payload, url);
  return url;
}
