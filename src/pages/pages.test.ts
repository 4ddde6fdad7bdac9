import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { escapeHtml, html, raw } from './html.ts';
import { fill, pickLocale } from './locale.ts';

test('given any text, when interpolated into html, then it cannot open a tag or attribute', () => {
  fc.assert(
    fc.property(fc.string(), (text) => {
      const escaped = escapeHtml(text);
      return !/[<>"']/.test(escaped) && html`<p title="${text}">${text}</p>`.value === `<p title="${escaped}">${escaped}</p>`;
    }),
  );
  assert.equal(escapeHtml(`<script>"x"&'y'</script>`), '&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/script&gt;');
  assert.equal(html`${raw('<b>')}${['a', '<']}`.value, '<b>a&lt;');
});

test('given Accept-Language headers, then zh preferences pick zh-CN, others en, and none picks zh-CN', () => {
  assert.equal(pickLocale('zh-CN,zh;q=0.9,en;q=0.8'), 'zh-CN');
  assert.equal(pickLocale('zh-TW'), 'zh-CN');
  assert.equal(pickLocale('en-US,en;q=0.9,zh;q=0.5'), 'en');
  assert.equal(pickLocale('fr-FR,en;q=0.5,zh;q=0.8'), 'zh-CN');
  assert.equal(pickLocale('fr-FR'), 'en');
  assert.equal(pickLocale(undefined), 'zh-CN');
  assert.equal(pickLocale('zh;q=0,en'), 'en');
});

test('given the same Accept-Language again, or a very long one, then the locale is judged the same way as the first time', () => {
  for (let i = 0; i < 3; i += 1) assert.equal(pickLocale('en-GB,en;q=0.9'), 'en');
  const long = `${'x-private;q=0.1,'.repeat(20)}zh-HK;q=0.9,en;q=0.8`;
  assert.ok(long.length > 200);
  assert.equal(pickLocale(long), 'zh-CN');
  assert.equal(pickLocale(long), 'zh-CN');
  assert.equal(pickLocale(''), 'zh-CN');
});

test('given a template with placeholders, then known ones are filled and unknown ones kept', () => {
  assert.equal(fill('欢迎 {name} 加入 {group}{x}', { name: 'Ann', group: '1群' }), '欢迎 Ann 加入 1群{x}');
});

test('given a count placeholder {n|one|other}, then the word for one is chosen for exactly 1 and the other for any other number', () => {
  fc.assert(
    fc.property(fc.oneof(fc.integer(), fc.double(), fc.constant('1'), fc.string()), (n) => {
      const wanted = Number(n) === 1 ? 'try' : 'tries';
      return fill('{n} {n|try|tries} left', { n }) === `${n} ${wanted} left`;
    }),
  );
  assert.equal(fill('{n|try|tries}', {}), '{n|try|tries}', 'without a value it stays as written');
});
