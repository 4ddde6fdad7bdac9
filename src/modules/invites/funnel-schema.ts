import { Type, type Static } from 'typebox';
import { Id } from '../../http/schemas.ts';

export const MAX_REPORT_ITEMS = 1000;
export const FUNNEL_DAYS_DEFAULT = 30;
export const FUNNEL_DAYS_MAX = 366;

const DayOf = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });
const Day = DayOf('A UTC calendar day, YYYY-MM-DD');
const UserId = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: "The integrator's own user id" });
const ReportId = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9._:-]+$',
  description: 'Your own id of this report (letters, digits, . _ : -, up to 64): a resend with the same id and items is answered once more without counting again',
});
const Count = Type.Integer({ minimum: 0 });
const Items = <T extends ReturnType<typeof Type.Object>>(item: T, what: string) =>
  Type.Array(item, { minItems: 1, maxItems: MAX_REPORT_ITEMS, description: `1 to ${MAX_REPORT_ITEMS} ${what}; send more in further reports` });

export const ImpressionReport = Type.Object(
  {
    reportId: ReportId,
    items: Items(
      Type.Object(
        {
          code: Type.String({ minLength: 1, maxLength: 100, description: 'The invite code as shown (any case, spaces and dashes ignored)' }),
          day: Day,
          count: Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'Times the code was shown that day (added to what earlier reports said)' }),
        },
        { additionalProperties: false },
      ),
      'codes with a day and a count; the same code and day twice add up',
    ),
  },
  { additionalProperties: false },
);
export type ImpressionReport = Static<typeof ImpressionReport>;

export const ImpressionResult = Type.Object({
  reportId: Type.String(),
  items: Count,
  impressions: Type.Integer({ minimum: 0, description: 'The counts added up' }),
  replayed: Type.Boolean({ description: 'True when this report id was received before: nothing was counted again' }),
});
export type ImpressionResult = Static<typeof ImpressionResult>;

export const ActivityReport = Type.Object(
  {
    reportId: ReportId,
    items: Items(Type.Object({ userId: UserId, day: Day }, { additionalProperties: false }), 'users with a day they were active'),
  },
  { additionalProperties: false },
);
export type ActivityReport = Static<typeof ActivityReport>;

export const ActivityResult = Type.Object({
  reportId: Type.String(),
  items: Count,
  activeNextDay: Type.Integer({ minimum: 0, description: 'Redemptions newly counted as active the next day (the day after the redemption day)' }),
  activeDay7: Type.Integer({ minimum: 0, description: 'Redemptions newly counted as active on day 7 (the 7th day after the redemption day)' }),
  replayed: Type.Boolean({ description: 'True when this report id was received before: nothing was counted again' }),
});
export type ActivityResult = Static<typeof ActivityResult>;

export const FunnelQuery = Type.Object(
  {
    inviteId: Type.Optional(Id),
    ownerUserId: Type.Optional(UserId),
    ownerMemberId: Type.Optional(Id),
    campaignId: Type.Optional(Id),
    from: Type.Optional(DayOf(`First UTC day, YYYY-MM-DD (default: ${FUNNEL_DAYS_DEFAULT - 1} days before to)`)),
    to: Type.Optional(DayOf('Last UTC day, YYYY-MM-DD, included (default: today)')),
  },
  { additionalProperties: false },
);
export type FunnelQuery = Static<typeof FunnelQuery>;

export const FUNNEL_STAGES = ['shown', 'clicked', 'redeemed', 'activeNextDay', 'activeDay7'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

const DayCounts = {
  shown: Count,
  clicked: Count,
  redeemed: Count,
  activeNextDay: Type.Integer({ minimum: 0, description: "Of the day's redemptions, those whose redeemer was active the next day" }),
  activeDay7: Type.Integer({ minimum: 0, description: "Of the day's redemptions, those whose redeemer was active on day 7" }),
};

export const FunnelView = Type.Object({
  from: Type.String(),
  to: Type.String(),
  timeZone: Type.Literal('UTC', { description: 'Days are UTC calendar days' }),
  stages: Type.Array(
    Type.Object({
      stage: Type.Enum(FUNNEL_STAGES),
      count: Count,
      of: Type.Union([Type.Enum(FUNNEL_STAGES), Type.Null()], { description: 'The stage the rate is taken over: the previous one, and redeemed for both retention stages' }),
      rate: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { description: 'count ÷ the count of `of`, rounded to 4 places; null when that is 0 or for the first stage' }),
    }),
  ),
  botClicks: Type.Integer({ minimum: 0, description: 'Short-link opens by crawlers and link previews, left out of clicked' }),
  days: Type.Array(Type.Object({ day: Type.String(), ...DayCounts }), { description: 'Every day of the range, oldest first, zeros included' }),
});
export type FunnelView = Static<typeof FunnelView>;
