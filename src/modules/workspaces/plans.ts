import { Type, type Static } from 'typebox';

/**
 * What a plan allows. Defaults come from the seed documents (shared/seeds): personal WeChat
 * groups (free), paid communities (pro) and WeCom interop (enterprise). null means unlimited
 * (or permanent, for validity). A workspace stores its own copy, which the operator may edit.
 * The seed gives no batch size per plan; inviteCodesPerBatch scales by a hundred per plan up to
 * the one-million batch the product allows.
 */
export const PlanLimits = Type.Object(
  {
    maxCodeValidityHours: Type.Union([Type.Integer({ minimum: 1, maximum: 87600 }), Type.Null()], {
      description: 'Longest validity a group code may have; null = permanent codes allowed',
    }),
    scansPerCodePerDay: Type.Union([Type.Integer({ minimum: 1, maximum: 10_000_000 }), Type.Null()], {
      description: 'Scans one code accepts per day; null = unlimited',
    }),
    memberCapPerGroup: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Most members a group may have' }),
    inviteCodesPerOwnerPerDay: Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()], {
      description: 'Invite codes one owner may create per day; null = unlimited',
    }),
    inviteCodesPerBatch: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Most invite codes one batch may generate' }),
    apiAccess: Type.Boolean({ description: 'Whether API keys may be used' }),
  },
  { additionalProperties: false },
);
export type PlanLimits = Static<typeof PlanLimits>;

export const PLAN_NAMES = ['free', 'pro', 'enterprise'] as const;
export type PlanName = (typeof PLAN_NAMES)[number];

export const PLAN_DEFAULTS: Record<PlanName, PlanLimits> = {
  // Seed: personal WeChat — 7-day QR, 100 scans/day, 500 members, 5 invite codes/day, no API.
  free: {
    maxCodeValidityHours: 7 * 24,
    scansPerCodePerDay: 100,
    memberCapPerGroup: 500,
    inviteCodesPerOwnerPerDay: 5,
    inviteCodesPerBatch: 1000,
    apiAccess: false,
  },
  // Seed: paid community — custom refresh (30 days, as DingTalk's), 500 scans/day, 2,000 members.
  pro: {
    maxCodeValidityHours: 30 * 24,
    scansPerCodePerDay: 500,
    memberCapPerGroup: 2000,
    inviteCodesPerOwnerPerDay: 20,
    inviteCodesPerBatch: 100_000,
    apiAccess: true,
  },
  // Seed: WeCom interop — permanent codes, unlimited scans, 10,000 members; custom invite quota.
  enterprise: {
    maxCodeValidityHours: null,
    scansPerCodePerDay: null,
    memberCapPerGroup: 10_000,
    inviteCodesPerOwnerPerDay: null,
    inviteCodesPerBatch: 1_000_000,
    apiAccess: true,
  },
};
