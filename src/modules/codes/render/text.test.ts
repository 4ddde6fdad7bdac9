import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cleanText, ellipsize, escapeXml, fitText, textWidth } from './text.ts';

describe('text for SVG', () => {
  test('given control characters, broken UTF-16 and runs of whitespace, then cleanText leaves XML-safe single-spaced text', () => {
    assert.equal(cleanText(' 春季\u0000训练营\u0007\n\t 3群 \ud800x '), '春季训练营 3群 \ufffdx');
    assert.equal(cleanText('emoji 🎉 stays'), 'emoji 🎉 stays');
  });

  test('given markup in a group name, then escapeXml makes it inert text', () => {
    assert.equal(escapeXml(`<script>"a" & 'b'</script>`), '&#60;script&#62;&#34;a&#34; &#38; &#39;b&#39;&#60;/script&#62;');
  });

  test('given Han and Latin text, then Han characters count a full em and Latin less', () => {
    assert.equal(textWidth('春季', 10), 20);
    assert.ok(textWidth('ab', 10) < 15);
  });

  test('given a long Latin line, then it wraps between words, never inside one', () => {
    const fitted = fitText('Spring Camp — Group 3 for advanced operators in Shanghai', { fontSize: 72, minFontSize: 52, maxWidth: 1000, maxLines: 2 });
    assert.equal(fitted.lines.length, 2);
    assert.equal(fitted.lines.join(' '), 'Spring Camp — Group 3 for advanced operators in Shanghai');
  });

  test('given Chinese text, then it breaks between characters and closing punctuation never starts a line', () => {
    const text = '扫码入群领资料：100 页私域运营手册、30 套海报模板、每周直播回放，全部免费领取，名额有限先到先得';
    for (let width = 300; width <= 1000; width += 7) {
      const fitted = fitText(text, { fontSize: 60, minFontSize: 60, maxWidth: width, maxLines: 50 });
      assert.equal(fitted.lines.join('').replaceAll(' ', ''), text.replaceAll(' ', ''), `width ${width}`);
      for (const line of fitted.lines) assert.doesNotMatch(line, /^[，、：]/, `width ${width}: ${fitted.lines.join(' | ')}`);
    }
  });

  test('given text too long for the box even at the smallest size, then it is cut with an ellipsis', () => {
    const fitted = fitText('很长的群名'.repeat(20), { fontSize: 40, minFontSize: 30, maxWidth: 300, maxLines: 2 });
    assert.equal(fitted.fontSize, 30);
    assert.equal(fitted.lines.length, 2);
    assert.ok(fitted.lines[1]!.endsWith('…'));
    for (const line of fitted.lines) assert.ok(textWidth(line, 30) <= 300);
  });

  test('given text that fits, then ellipsize leaves it alone', () => {
    assert.equal(ellipsize('short', 10, 100), 'short');
    const cut = ellipsize('a much longer title than fits', 10, 60);
    assert.match(cut, /^a much.*…$/);
    assert.ok(textWidth(cut, 10) <= 60);
  });
});
