import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
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
export type RasterReply = { ok: true; bytes: Uint8Array } | { ok: false; message: string };

/** One core stays with the event loop; beyond four, renders at once only compete for memory. */
const POOL_SIZE = Math.max(1, Math.min(4, availableParallelism() - 1));

interface Task {
  job: RasterJob;
  resolve(bytes: Buffer): void;
  reject(error: Error): void;
}

const queue: Task[] = [];
const idle: Worker[] = [];
const busy = new Map<Worker, Task>();

/**
 * The built package runs raster-worker.js. Under tsx (tests, development) the worker is
 * TypeScript, and Node 20 does not hand tsx's loader to workers, so the worker registers it first.
 */
function spawn(): Worker {
  const extension = path.extname(new URL(import.meta.url).pathname);
  const entry = new URL(`./raster-worker${extension}`, import.meta.url);
  if (extension !== '.ts') return new Worker(entry);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`, { eval: true });
}

function startWorker(): Worker {
  const worker = spawn();
  let failure: Error | undefined;
  worker.on('message', (reply: RasterReply) => {
    const task = busy.get(worker)!;
    busy.delete(worker);
    // An idle worker must not keep the process alive; a busy one must, or a render could be lost.
    worker.unref();
    idle.push(worker);
    if (reply.ok) task.resolve(Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength));
    else task.reject(new Error(`Rasterising failed: ${reply.message}`));
    dispatch();
  });
  worker.on('error', (error) => {
    failure = error;
  });
  worker.on('exit', (code) => {
    // Out of memory or a crash in native code: its task fails, the next task gets a new worker.
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
    const task = busy.get(worker);
    busy.delete(worker);
    task?.reject(new Error(`The rasteriser stopped (exit code ${code})${failure ? `: ${failure.message}` : ''}`));
    dispatch();
  });
  return worker;
}

function dispatch(): void {
  while (queue.length > 0) {
    const worker = idle.pop() ?? (busy.size < POOL_SIZE ? startWorker() : undefined);
    if (!worker) return;
    const task = queue.shift()!;
    busy.set(worker, task);
    worker.ref();
    worker.postMessage(task.job);
  }
}

function run(job: RasterJob): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    queue.push({ job, resolve, reject });
    dispatch();
  });
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

/** Renders in progress and waiting, for the metrics. */
export function rasterLoad(): { running: number; queued: number } {
  return { running: busy.size, queued: queue.length };
}
