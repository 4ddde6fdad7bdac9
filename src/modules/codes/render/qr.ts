import QRCode from 'qrcode';
import { AppError } from '../../../errors.ts';
import { contrastRatio, MIN_CONTRAST, parseColour, seenLuminances } from './colours.ts';
import { fontFamilyFor } from './fonts.ts';
import type { Logo } from './logo.ts';
import { rasterise } from './raster.ts';
import { cleanText, escapeXml, fitText } from './text.ts';

export const ERROR_CORRECTION_LEVELS = ['L', 'M', 'Q', 'H'] as const;

export interface QrOptions {
  format: 'png' | 'svg';
  /** Width of the image in pixels (PNG), or of the SVG's default size. */
  size: number;
  /** Quiet zone around the code, in modules; scanners want 4. */
  margin: number;
  errorCorrection: (typeof ERROR_CORRECTION_LEVELS)[number];
  dark: string;
  light: string;
  /** A centre logo; error correction is then raised to H so the covered modules can be rebuilt. */
  logo?: Logo;
}

/** Printed under the code: the group's name and the check code its landing page shows too. */
export interface Caption {
  title: string;
  checkCode: string;
}

/**
 * Fewer than 2 pixels per module and the grid aliases: scanners, zbar included, start to miss.
 * How many modules a code has depends on the URL's length, so the schema cannot check this.
 */
const MIN_PIXELS_PER_MODULE = 2;

/** Refuses colours a phone camera could not read: too little contrast, or light modules on dark. */
function checkColours(options: QrOptions) {
  let dark;
  let light;
  try {
    dark = parseColour(options.dark);
    light = parseColour(options.light);
  } catch (error) {
    throw new AppError('validation_failed', (error as Error).message);
  }
  const seen = seenLuminances(dark, light);
  if (seen.dark >= seen.light) throw new AppError('validation_failed', 'dark must be darker than light: many scanners cannot read inverted codes');
  const ratio = contrastRatio(dark, light);
  if (ratio < MIN_CONTRAST) {
    throw new AppError('validation_failed', `dark and light have a contrast of ${ratio.toFixed(2)}:1; scanners need at least ${MIN_CONTRAST}:1`);
  }
  return { dark, light };
}

/** The code as a self-contained SVG: one path of dark modules, and the caption as text. */
export function qrSvg(url: string, options: QrOptions, caption?: Caption): string {
  const { dark, light } = checkColours(options);
  const level = options.logo ? 'H' : options.errorCorrection;
  let qr;
  try {
    qr = QRCode.create(url, { errorCorrectionLevel: level });
  } catch (error) {
    throw new AppError('validation_failed', `The URL does not fit in a QR code at error correction ${level}: ${(error as Error).message}`);
  }
  const count = qr.modules.size;
  const width = count + options.margin * 2;
  if (options.size < width * MIN_PIXELS_PER_MODULE) {
    throw new AppError('validation_failed', `size ${options.size} is too small: this code is ${width} modules wide with its margin, so size must be at least ${width * MIN_PIXELS_PER_MODULE}`);
  }
  const captionHeight = caption ? Math.max(6, width * 0.2) : 0;
  const height = width + captionHeight;
  let path = '';
  for (let y = 0; y < count; y += 1) {
    for (let x = 0; x < count; ) {
      if (!qr.modules.get(x, y)) {
        x += 1;
        continue;
      }
      const start = x;
      while (x < count && qr.modules.get(x, y)) x += 1;
      path += `M${start + options.margin} ${y + options.margin}h${x - start}v1h${start - x}z`;
    }
  }
  const fill = (colour: { hex: string; alpha: number }) => `fill="${colour.hex}"${colour.alpha < 1 ? ` fill-opacity="${colour.alpha.toFixed(3)}"` : ''}`;
  // The name on one line, shrunk a little and then cut with an ellipsis when it is long.
  const title = fitText(cleanText(caption?.title ?? ''), { fontSize: captionHeight * 0.3, minFontSize: captionHeight * 0.24, maxWidth: width * 0.92, maxLines: 1 });
  const titleLine = title.lines[0] ?? '';
  const checkCode = cleanText(caption?.checkCode ?? '');
  const text = caption
    ? `<text x="${width / 2}" y="${width + captionHeight * 0.38}" text-anchor="middle" font-family="${fontFamilyFor(titleLine)}" font-size="${title.fontSize.toFixed(2)}" ${fill(dark)}>${escapeXml(titleLine)}</text>` +
      `<text x="${width / 2}" y="${width + captionHeight * 0.78}" text-anchor="middle" font-family="${fontFamilyFor(checkCode)}" font-size="${(captionHeight * 0.22).toFixed(2)}" letter-spacing="${(captionHeight * 0.03).toFixed(2)}" ${fill(dark)}>${escapeXml(checkCode)}</text>`
    : '';
  const pixelHeight = Math.round((options.size * height) / width);
  // Level H recovers 30 % of the code; the logo (with its light backing) covers under 5 % of it.
  const logoSide = count * 0.2;
  const logoAt = options.margin + (count - logoSide) / 2;
  const logo = options.logo
    ? `<rect x="${logoAt - 0.5}" y="${logoAt - 0.5}" width="${logoSide + 1}" height="${logoSide + 1}" rx="1" ${fill(light)}/>` +
      `<image x="${logoAt}" y="${logoAt}" width="${logoSide}" height="${logoSide}" preserveAspectRatio="xMidYMid meet" href="${options.logo.dataUri}"/>`
    : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${options.size}" height="${pixelHeight}" viewBox="0 0 ${width} ${height}" shape-rendering="crispEdges">` +
    `<rect width="${width}" height="${height}" ${fill(light)}/><path d="${path}" ${fill(dark)}/>${logo}${text}</svg>`
  );
}

/** The code as PNG or SVG, ready to send. */
export async function renderQr(url: string, options: QrOptions, caption?: Caption): Promise<{ contentType: string; body: Buffer }> {
  const svg = qrSvg(url, options, caption);
  if (options.format === 'svg') return { contentType: 'image/svg+xml; charset=utf-8', body: Buffer.from(svg) };
  return { contentType: 'image/png', body: await rasterise(svg, options.size) };
}
