import { parentPort } from 'node:worker_threads';
import { Resvg } from '@resvg/resvg-js';
import { imagePdf } from './pdf.ts';
import type { RasterJob, RasterReply } from './raster.ts';

/** A rasterising worker (see raster.ts): one job at a time, bytes back. */

function render(job: RasterJob): Uint8Array {
  const image = new Resvg(job.svg, {
    fitTo: { mode: 'width', value: job.width },
    font: { fontFiles: job.fontFiles, loadSystemFonts: false },
    logLevel: 'off',
  }).render();
  if (job.output === 'png') return image.asPng();
  return imagePdf({ width: image.width, height: image.height, rgba: image.pixels }, job.page);
}

const port = parentPort!;
port.on('message', (job: RasterJob) => {
  try {
    // A copy of our own, so it can be moved rather than copied to the main thread: the renderer's
    // buffers live in native memory, and small Node buffers share a pool that must not move.
    const bytes = new Uint8Array(render(job));
    port.postMessage({ ok: true, bytes } satisfies RasterReply, [bytes.buffer]);
  } catch (error) {
    port.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) } satisfies RasterReply);
  }
});
