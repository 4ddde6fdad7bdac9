import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import QRCode from 'qrcode';
import { AppError } from '../../../errors.ts';
import { contrastRatio, MIN_CONTRAST, parseColour, seenLuminances } from './colours.ts';
import type { Logo } from './logo.ts';

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

// Group names are often Chinese: the rasteriser gets a CJK-capable font file, found once.
const CJK_FONTS = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
];
const FONT_FAMILY = "'Noto Sans CJK SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif";
let fontFiles: string[] | undefined;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

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
  const qr = QRCode.create(url, { errorCorrectionLevel: options.logo ? 'H' : options.errorCorrection });
  const count = qr.modules.size;
  const width = count + options.margin * 2;
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
  const text = caption
    ? `<text x="${width / 2}" y="${width + captionHeight * 0.38}" text-anchor="middle" font-family="${escapeXml(FONT_FAMILY)}" font-size="${(captionHeight * 0.3).toFixed(2)}" ${fill(dark)}>${escapeXml(truncate(caption.title, 20))}</text>` +
      `<text x="${width / 2}" y="${width + captionHeight * 0.78}" text-anchor="middle" font-family="${escapeXml(FONT_FAMILY)}" font-size="${(captionHeight * 0.22).toFixed(2)}" letter-spacing="${(captionHeight * 0.03).toFixed(2)}" ${fill(dark)}>${escapeXml(caption.checkCode)}</text>`
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

/** An SVG as a PNG `width` pixels wide, with a CJK-capable font for the text. */
export function rasterise(svg: string, width: number): Buffer {
  fontFiles ??= CJK_FONTS.filter((file) => existsSync(file));
  return new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    font: { fontFiles, loadSystemFonts: fontFiles.length === 0, defaultFontFamily: 'Noto Sans CJK SC' },
  })
    .render()
    .asPng();
}

/** The code as PNG or SVG, ready to send. */
export function renderQr(url: string, options: QrOptions, caption?: Caption): { contentType: string; body: Buffer } {
  const svg = qrSvg(url, options, caption);
  if (options.format === 'svg') return { contentType: 'image/svg+xml; charset=utf-8', body: Buffer.from(svg) };
  return { contentType: 'image/png', body: rasterise(svg, options.size) };
}
