import { Type, type Static } from 'typebox';

export const ShortLinkView = Type.Object({
  code: Type.String(),
  url: Type.String({ description: 'PUBLIC_URL/i/CODE' }),
  suffix: Type.Union([Type.String(), Type.Null()], { description: 'The custom suffix, normalized (NFKC, lower case)' }),
  suffixUrl: Type.Union([Type.String(), Type.Null()], { description: 'PUBLIC_URL/i/SUFFIX (percent-encoded)' }),
  clicks: Type.Integer({ description: 'Opens of either link by people, all days' }),
  botClicks: Type.Integer({ description: 'Opens by crawlers and link previews, all days' }),
});
export type ShortLinkView = Static<typeof ShortLinkView>;

export const SetShortLink = Type.Object(
  {
    suffix: Type.Union([Type.String({ minLength: 1, maxLength: 120 }), Type.Null()], {
      description: 'Letters of any script, digits, - and _, up to 40 characters, e.g. 立即领券-K7M3 or spring-sale; unique across this joincode (the link has no workspace in it); null removes it',
    }),
  },
  { additionalProperties: false },
);
export type SetShortLink = Static<typeof SetShortLink>;

export const LinkSettings = Type.Object(
  {
    appUrl: Type.Union([Type.String({ maxLength: 2000, pattern: '^https?://\\S+$' }), Type.Null()], {
      description: 'Where the short-link page sends people, with the code: in place of {code} (https://app.example.com/signup?invite={code}), or else added as a code query parameter; null = no button',
    }),
  },
  { additionalProperties: false },
);
export type LinkSettings = Static<typeof LinkSettings>;
