import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Resvg } from '@resvg/resvg-js';
import { defaultFonts } from './fonts.ts';
import { imagePdf } from './pdf.ts';
import { posterSvg } from './poster.ts';
import { workerPoolLoads } from '../../../infra/workers/pool.ts';
import { rasterise, rasterisePdf } from './raster.ts';

const URL_80 = `http://127.0.0.1:3000/j/${'Ab3_-x9Z'.repeat(10)}`;
const POSTER = posterSvg(URL_80, { groupName: '春季训练营 3群', valueStatement: '扫码入群领资料', checkCode: 'K7Q2-9PXM', locale: 'zh-CN' });
const PAGE = { widthPt: 595.28, heightPt: 841.89, title: '春季训练营 3群' };
const renderLoad = () => workerPoolLoads().find((load) => load.kind === 'render')!;

/** What rendering on the event loop gave before the worker: the same resvg call, synchronously. */
function onTheLoop(svg: string, width: number) {
  return new Resvg(svg, { fitTo: { mode: 'width', value: width }, font: { fontFiles: defaultFonts().files, loadSystemFonts: false }, logLevel: 'off' }).render();
}

describe('rasterising in worker threads', () => {
  test('given a Chinese poster, then the worker PNG and PDF are byte for byte what the event loop drew', async () => {
    assert.ok((await rasterise(POSTER, 620)).equals(onTheLoop(POSTER, 620).asPng()));
    const image = onTheLoop(POSTER, 300);
    assert.ok((await rasterisePdf(POSTER, 300, PAGE)).equals(imagePdf({ width: image.width, height: image.height, rgba: image.pixels }, PAGE)));
  });

  test('given more renders at once than workers, then each waits its turn and gets its own image', async () => {
    const widths = [128, 256, 384, 512, 640, 768];
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>';
    const pending = widths.map((width) => rasterise(svg, width));
    assert.equal(renderLoad().queued + renderLoad().running, widths.length);
    const pngs = await Promise.all(pending);
    assert.deepEqual(pngs.map((png) => png.readUInt32BE(16)), widths);
    assert.deepEqual(renderLoad(), { kind: 'render', running: 0, queued: 0 });
  });

  test('given an SVG the renderer refuses, then that render fails and the next one works', async () => {
    await assert.rejects(rasterise('<svg', 100), /Rasterising failed/);
    const png = await rasterise('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', 100);
    assert.equal(png.readUInt32BE(16), 100);
  });
});
