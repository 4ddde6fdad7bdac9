import { Resvg } from '@resvg/resvg-js';
import { serveJobs } from '../../../infra/workers/serve.ts';
import { imagePdf } from './pdf.ts';
import type { RasterJob } from './raster.ts';

/** A rasterising worker (see raster.ts): one job at a time, bytes back. */

function render(job: RasterJob): Uint8Array {
  const image = new Resvg(job.svg, {
    fitTo: { mode: 'width', value: job.width },
    font: { fontFiles: job.fontFiles, loadSystemFonts: false },
    logLevel: 'off',
  }).render();
  // A copy of our own, so it can be moved rather than copied to the main thread: the renderer's
  // buffers live in native memory, and small Node buffers share a pool that must not move.
  if (job.output === 'png') return new Uint8Array(image.asPng());
  return new Uint8Array(imagePdf({ width: image.width, height: image.height, rgba: image.pixels }, job.page));
}

serveJobs(render, (bytes) => [bytes.buffer as ArrayBuffer]);
