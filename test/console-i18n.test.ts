import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messages, translator, type MessageKey } from '../console/src/i18n.ts';

const PLACEHOLDER = /\{(\w+)(?:\|[^|{}]*\|[^|{}]*)?\}/g;
const namesIn = (text: string) => [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))].sort();

test('given a number before an English noun, then the console words it for one or many', () => {
  const en = translator('en');
  assert.equal(en('invites.revokeMany', { count: 1 }), 'Revoke 1 code');
  assert.equal(en('invites.revokeMany', { count: 3 }), 'Revoke 3 codes');
  assert.equal(en('invites.revokeMany', { count: 0 }), 'Revoke 0 codes');
  assert.equal(en('liveCodes.entry.scansNoThreshold', { scans: 1 }), '1 scan');
  assert.equal(translator('zh-CN')('invites.revokeMany', { count: 1 }), '撤销 1 个邀请码');
});

test('given every console message, then both languages use the same placeholders and a filled message leaves no brace behind', () => {
  for (const [key, [en, zh]] of Object.entries(messages) as [MessageKey, readonly [string, string]][]) {
    assert.deepEqual(namesIn(zh), namesIn(en), `${key}: the translations fill different values`);
    const vars = Object.fromEntries(namesIn(en).map((name) => [name, 2]));
    for (const lang of ['en', 'zh-CN'] as const) {
      const filled = translator(lang)(key, vars);
      assert.doesNotMatch(filled, /\{\w+(\|[^}]*)?\}/, `${key} (${lang}): ${filled}`);
    }
  }
});
