import type { Locale } from '../../../pages/locale.ts';
import { fontFamilyFor } from './fonts.ts';
import { qrSvg } from './qr.ts';
import { rasterise, rasterisePdf } from './raster.ts';
import { cleanText, escapeXml, fitText, textWidth } from './text.ts';

export interface PosterContent {
  groupName: string;
  valueStatement: string;
  checkCode: string;
  locale: Locale;
}

/** The check label matches the landing page's word, so members compare like with like. */
const LABELS: Record<Locale, { scan: string; check: string; checkHint: string }> = {
  'zh-CN': { scan: '微信扫一扫，加入群聊', check: '校验码', checkHint: '扫码后页面显示的校验码应与此一致，不一致请勿加入' },
  en: { scan: 'Scan with WeChat or your phone camera to join', check: 'Check code', checkHint: 'The page you open must show this same code. If it differs, do not join.' },
};

// An A-series page (1:√2) in units of 1240 × 1754: 150 dpi on A4 for the PNG (big enough to
// print, small enough to send in a chat); the PDF is rasterised at twice that, 300 dpi.
const WIDTH = 1240;
const HEIGHT = 1754;
const A4_POINTS = { widthPt: 595.28, heightPt: 841.89 };
const CARD = { x: 60, y: 60, bottom: HEIGHT - 60 };
const TEXT_WIDTH = WIDTH - 2 * CARD.x - 120;

function text(x: number, y: number, size: number, value: string, attributes = ''): string {
  return `<text x="${x}" y="${y.toFixed(1)}" text-anchor="middle" font-size="${size.toFixed(1)}" font-family="${fontFamilyFor(value)}" ${attributes}>${escapeXml(value)}</text>`;
}

/** Lines of fitted text from `top`; returns the SVG and the y below the last line. */
function block(value: string, top: number, box: { fontSize: number; minFontSize: number; maxLines: number }, attributes: string) {
  const fitted = fitText(value, { ...box, maxWidth: TEXT_WIDTH });
  const lineHeight = fitted.fontSize * 1.25;
  const svg = fitted.lines.map((line, i) => text(WIDTH / 2, top + fitted.fontSize + i * lineHeight, fitted.fontSize, line, attributes)).join('');
  return { svg, bottom: top + fitted.lines.length * lineHeight };
}

/**
 * A printable poster: the group's name, the value statement (the seed's "扫码入群领资料" converts
 * 62 % against 18 % for a plain description, so it is the biggest line), the code, how to scan,
 * and the check code the landing page repeats, with the instruction to compare them — a code
 * pasted over the poster ("二维码劫持") leads to a page without this code.
 */
export function posterSvg(url: string, content: PosterContent): string {
  const labels = LABELS[content.locale];
  const title = block(cleanText(content.groupName), 130, { fontSize: 72, minFontSize: 52, maxLines: 2 }, 'font-weight="700" fill="#1f2328"');
  const value = block(cleanText(content.valueStatement), title.bottom + 30, { fontSize: 96, minFontSize: 60, maxLines: 3 }, 'font-weight="700" fill="#0958d9"');
  // The code takes what the text leaves, up to 760 units (about 12.5 cm on A4); the code and
  // the lines under it sit in the middle of the space left.
  const footer = 300;
  const space = CARD.bottom - 20 - (value.bottom + 40);
  const qrSize = Math.min(760, space - footer);
  const qrTop = value.bottom + 40 + (space - qrSize - footer) / 2;
  const qr = qrSvg(url, { format: 'svg', size: qrSize, margin: 2, errorCorrection: 'Q', dark: '#000000', light: '#ffffff' });
  const qrBody = qr.replace(/^<svg[^>]*>/, `<svg x="${(WIDTH - qrSize) / 2}" y="${qrTop}" width="${qrSize}" height="${qrSize}" viewBox="${/viewBox="([^"]+)"/.exec(qr)![1]}">`);
  const below = qrTop + qrSize;
  const checkText = `${labels.check}  ${cleanText(content.checkCode)}`;
  const checkWidth = Math.min(TEXT_WIDTH, textWidth(checkText, 44) + 120);
  const parts = [
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#f5f6f8"/>`,
    `<rect x="${CARD.x}" y="${CARD.y}" width="${WIDTH - 2 * CARD.x}" height="${CARD.bottom - CARD.y}" rx="48" fill="#ffffff"/>`,
    title.svg,
    value.svg,
    qrBody,
    text(WIDTH / 2, below + 80, 48, labels.scan, 'fill="#1f2328"'),
    `<rect x="${(WIDTH - checkWidth) / 2}" y="${below + 125}" width="${checkWidth}" height="84" rx="42" fill="#fff7e6" stroke="#fa8c16" stroke-width="3"/>`,
    text(WIDTH / 2, below + 182, 44, checkText, 'font-weight="700" fill="#ad4e00" letter-spacing="2"'),
    text(WIDTH / 2, below + 262, 30, labels.checkHint, 'fill="#656d76"'),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">${parts.join('')}</svg>`;
}

/** The poster as PNG (150 dpi on A4), PDF (A4, 300 dpi) or SVG. */
export async function renderPoster(url: string, content: PosterContent, format: 'png' | 'pdf' | 'svg'): Promise<{ contentType: string; body: Buffer }> {
  const svg = posterSvg(url, content);
  if (format === 'svg') return { contentType: 'image/svg+xml; charset=utf-8', body: Buffer.from(svg) };
  if (format === 'png') return { contentType: 'image/png', body: await rasterise(svg, WIDTH) };
  const title = `${cleanText(content.groupName)} — ${LABELS[content.locale].check} ${content.checkCode}`;
  return { contentType: 'application/pdf', body: await rasterisePdf(svg, WIDTH * 2, { ...A4_POINTS, title }) };
}
