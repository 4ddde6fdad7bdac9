import { createWorkerPool, poolSize, siblingModule } from '../../../infra/workers/pool.ts';
import { assertFontsCover, defaultFonts, type FontSet } from './fonts.ts';

/**
 * Rasterising runs in worker threads, never on the event loop: a Chinese poster costs about 0.2 s
 * of CPU (most of it outlining CJK glyphs) and its 300 dpi PDF about 0.5 s, during which no other
 * request — scans included — would be answered. resvg-js's renderAsync would move only the
 * rasterising to libuv's pool; PNG encoding (30 ms of a poster) and the PDF's pixel work (140 ms)
 * would stay on the loop, and that pool also serves file reads and scrypt. A worker does the whole
 * job and hands back the bytes. resvg-js builds its font database per render from the files we
 * name (about 5 ms: they are memory-mapped), so what is kept is the font search, done once.
 */

export interface PdfPage {
  widthPt: number;
  heightPt: number;
  title: string;
}

export type RasterJob = { svg: string; width: number; fontFiles: string[] } & ({ output: 'png' } | { output: 'pdf'; page: PdfPage });

/** Beyond four renders at once, they only compete for memory. */
const pool = createWorkerPool<RasterJob, Uint8Array>({ kind: 'render', entry: siblingModule(import.meta.url, 'raster-worker'), size: poolSize(4), task: 'Rasterising' });

async function run(job: RasterJob): Promise<Buffer> {
  const bytes = await pool.run(job);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The fonts a render needs. A plain code never touches the font files; text they cannot draw is
 * refused here, as an AppError naming the fix, rather than drawn as boxes (the check is on the
 * whole source, where only text content can hold CJK characters).
 */
function fontFilesFor(svg: string, fonts: FontSet): string[] {
  if (!svg.includes('<text')) return [];
  assertFontsCover(fonts, svg);
  return fonts.files;
}

/** An SVG as a PNG `width` pixels wide. */
export async function rasterise(svg: string, width: number, fonts: FontSet = defaultFonts()): Promise<Buffer> {
  return run({ svg, width, fontFiles: fontFilesFor(svg, fonts), output: 'png' });
}

/** An SVG rasterised `width` pixels wide, as the one image filling a PDF page. */
export async function rasterisePdf(svg: string, width: number, page: PdfPage, fonts: FontSet = defaultFonts()): Promise<Buffer> {
  return run({ svg, width, fontFiles: fontFilesFor(svg, fonts), output: 'pdf', page });
}
