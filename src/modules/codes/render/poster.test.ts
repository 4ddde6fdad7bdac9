import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { posterSvg, renderPoster, type PosterContent } from './poster.ts';

const URL_80 = `http://127.0.0.1:3000/j/${'Ab3_-x9Z'.repeat(10)}`;
const ZH: PosterContent = { groupName: '春季训练营 3群', valueStatement: '扫码入群领资料', checkCode: 'K7Q2-9PXM', locale: 'zh-CN' };
const EN: PosterContent = {
  groupName: 'Spring Camp — Group 3 for advanced operators in Shanghai',
  valueStatement: 'Scan to join and get the 100-page playbook free',
  checkCode: 'K7Q2-9PXM',
  locale: 'en',
};

function lines(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

describe('poster', () => {
  test('given zh-CN, then it shows the name, the value statement, how to scan and the check code under the landing page\'s word for it', () => {
    const text = lines(posterSvg(URL_80, ZH));
    assert.ok(text.includes('春季训练营 3群'));
    assert.ok(text.includes('扫码入群领资料'));
    assert.ok(text.some((line) => line.includes('微信扫一扫')));
    assert.ok(text.some((line) => line.includes('校验码') && line.includes('K7Q2-9PXM')));
  });

  test('given a long English name and statement, then they wrap between words and nothing is lost', () => {
    const text = lines(posterSvg(URL_80, EN));
    const words = text.join(' ').split(' ');
    for (const word of `${EN.groupName} ${EN.valueStatement}`.split(' ')) assert.ok(words.includes(word), word);
    assert.ok(text.some((line) => line.includes('Check code')));
  });

  test('given a name with markup, then the poster SVG escapes it', () => {
    const svg = posterSvg(URL_80, { ...ZH, groupName: '<b onload="x">群</b>' });
    assert.doesNotMatch(svg, /<b /);
  });

  test('given png, then it is an A-series page; given pdf, then it is one A4 page at 300 dpi', async () => {
    const png = await renderPoster(URL_80, EN, 'png');
    assert.equal(png.contentType, 'image/png');
    assert.deepEqual([png.body.readUInt32BE(16), png.body.readUInt32BE(20)], [1240, 1754]);
    const pdf = await renderPoster(URL_80, ZH, 'pdf');
    assert.equal(pdf.contentType, 'application/pdf');
    const text = pdf.body.toString('latin1');
    assert.ok(text.startsWith('%PDF-1.4'));
    assert.match(text, /\/MediaBox \[0 0 595\.28 841\.89\]/);
    assert.match(text, /\/Width 2480 \/Height 3508 /);
  });
});
