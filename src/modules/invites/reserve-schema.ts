import { Type, type Static } from 'typebox';

/** Enough for a campaign's worst hour; the top-up refills at most this many codes per run. */
export const RESERVE_TARGET_MAX = 100_000;

export const ReserveSettings = Type.Object(
  {
    targetSize: Type.Integer({ minimum: 0, maximum: RESERVE_TARGET_MAX, description: 'Unassigned codes the top-up job keeps ready (every 5 minutes, and right after a change); 0 = no reserve' }),
    onThrottle: Type.Boolean({ description: "Reserve on throttle: an owner over the daily quota gets a code from the reserve instead of 429 invite_quota_exceeded, while the reserve has one" }),
    perOwnerPerDay: Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()], {
      description: 'Reserve codes one owner may get per UTC day on top of the quota, so one runaway owner cannot drain the reserve; null = only the reserve size limits it',
    }),
  },
  { additionalProperties: false },
);
export type ReserveSettings = Static<typeof ReserveSettings>;

export const ReserveView = Type.Object({
  ...ReserveSettings.properties,
  available: Type.Integer({ description: 'Codes in the reserve now' }),
});
export type ReserveView = Static<typeof ReserveView>;
