import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { GroupView } from '../modules/groups/schema.ts';
import { landingBody } from './landing.ts';
import { landingPage } from './landing-page.ts';
import { page } from './layout.ts';
import { LOCALES } from './locale.ts';

const base: GroupView = {
  id: '01J0000000000000000000000G',
  kind: 'hosted',
  name: 'Camp',
  description: '',
  valueStatement: '扫码入群领资料',
  welcomeText: '',
  avatar: null,
  capacity: 500,
  memberCount: 12,
  platform: null,
  joinUrl: null,
  qrPayload: null,
  qrUploadedAt: null,
  status: 'active',
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
};

/** What the kept page must be byte for byte: the page rendered afresh. */
const rendered = (locale: (typeof LOCALES)[number], group: GroupView, token: string, checkCode: string) =>
  Buffer.from(page({ locale, title: group.name, body: landingBody({ locale, group, token, checkCode }) }), 'utf8');

test('given any group text, token and check code, then the kept landing page has the bytes a fresh render gives', () => {
  const text = fc.oneof(fc.string(), fc.constantFrom('<script>"&\'', '\u0000', '校验码 {count}'));
  fc.assert(
    fc.property(
      fc.record({ name: text, description: text, valueStatement: text, kind: fc.constantFrom('hosted' as const, 'external' as const), joinUrl: fc.option(fc.webUrl()) }),
      fc.constantFrom(...LOCALES),
      text,
      text,
      (changes, locale, token, checkCode) => {
        const group = { ...base, ...changes, platform: changes.kind === 'external' ? ('telegram' as const) : null };
        assert.deepEqual(landingPage(locale, group, token, checkCode), rendered(locale, group, token, checkCode));
      },
    ),
  );
});

test('given one group served for many scans, then each page carries its own token and check code', () => {
  const first = landingPage('en', base, 'token-one', 'AAAAA').toString('utf8');
  const second = landingPage('en', base, 'token-two', 'BBBBB').toString('utf8');
  assert.ok(first.includes('href="/j/token-one/join"') && first.includes('>AAAAA<'));
  assert.ok(second.includes('href="/j/token-two/join"') && second.includes('>BBBBB<') && !second.includes('token-one'));
});

test('given a group of one, many or none, then the landing page counts its members in each language; an external group with no reported count shows none', () => {
  const shown = (group: GroupView, locale: (typeof LOCALES)[number]) => /<h1>[^<]*<\/h1>(<p class="muted">([^<]*)<\/p>)?/.exec(landingPage(locale, group, 't', 'AAAAA').toString('utf8'))?.[2] ?? null;
  assert.equal(shown({ ...base, memberCount: 1 }, 'en'), '1 member');
  assert.equal(shown({ ...base, memberCount: 0 }, 'en'), '0 members');
  assert.equal(shown({ ...base, memberCount: 12 }, 'en'), '12 members');
  assert.equal(shown({ ...base, memberCount: 1 }, 'zh-CN'), '1 位成员');
  const external = { ...base, kind: 'external' as const, platform: 'telegram' as const, joinUrl: 'https://t.me/+abc' };
  for (const locale of LOCALES) assert.equal(shown({ ...external, memberCount: 0 }, locale), null, `${locale}: members join on Telegram, joincode does not know how many`);
  assert.equal(shown({ ...external, memberCount: 40 }, 'en'), '40 members');
});
