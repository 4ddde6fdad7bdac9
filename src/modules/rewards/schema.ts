import { Type, type Static } from 'typebox';
import { PagedQuery } from '../../http/pagination.ts';
import { Id, NullableTimestamp, Timestamp } from '../../http/schemas.ts';

export const ENTRY_KINDS = ['redemption', 'milestone', 'commission'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];
export const ENTRY_STATES = ['pending', 'approved', 'paid', 'reversed'] as const;
export type EntryState = (typeof ENTRY_STATES)[number];

/** Money in minor units (fen, cents): up to 10^11, so amount × basis points stays an exact integer in JavaScript. */
export const MAX_AMOUNT = 100_000_000_000;
export const MAX_DEPTH = 10;
const Amount = Type.Integer({ minimum: 1, maximum: MAX_AMOUNT, description: 'Integer minor units of the currency (fen, cents); more than zero' });
const RewardAmount = Type.Integer({ minimum: 0, maximum: MAX_AMOUNT, description: 'Integer minor units; 0 = none' });
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. CNY' });
/** The integrator's own ids of orders and refunds: what a URL path segment carries without escaping. */
const ExternalId = (what: string) => Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$', description: `Your own ${what} id: letters, digits, . _ : - (up to 64)` });
export const OrderId = ExternalId('order');
export const RefundId = ExternalId('refund');
const UserId = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: "The integrator's own user id" });
const Reason = Type.String({ maxLength: 500, description: 'Kept with the entry, in the audit log and the event' });

export const PartyKey = Type.String({
  maxLength: 202,
  pattern: '^(u:.*\\S.*|m:[0-9A-HJKMNP-TV-Z]{26})$',
  description: "A person in the referral graph: u:<your user id> or m:<member id> (at most 100 characters in a URL path)",
});
/** A person by key, as events and the redeem answer name them. */
export const PartyRef = Type.Object({
  key: Type.String({ description: 'u:<your user id> or m:<member id>' }),
  type: Type.Enum(['user', 'member'] as const),
  id: Type.String({ description: 'Your user id, or the member id' }),
});
export type PartyRef = Static<typeof PartyRef>;
/** A person as the read API shows them: the key, and the name they were last given. */
export const PartyView = Type.Object({
  ...PartyRef.properties,
  displayName: Type.Union([Type.String(), Type.Null()], {
    description: 'The latest name known for them: the owner name given with a code they own, or the redeemer name given with a redemption they made, whichever came last; null when none was given',
  }),
});
export type PartyView = Static<typeof PartyView>;

export const Milestones = Type.Array(
  Type.Object(
    {
      invitees: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'The owner reaching this many live invitees earns the tier' }),
      amount: Type.Integer({ minimum: 1, maximum: MAX_AMOUNT }),
    },
    { additionalProperties: false },
  ),
  { maxItems: 20, description: 'Tiers by rising invitees (seed: 1 / 3 / 5), each earned once' },
);
export type Milestones = Static<typeof Milestones>;

export const CampaignRewardRules = Type.Object(
  {
    perRedemption: RewardAmount,
    milestones: Milestones,
  },
  { additionalProperties: false },
);
export type CampaignRewardRules = Static<typeof CampaignRewardRules>;

export const RewardSettings = Type.Object(
  {
    currency: Currency,
    referralDepth: Type.Integer({ minimum: 1, maximum: MAX_DEPTH, description: 'Levels of the referral graph that downlines show and purchases are attributed to; default 3' }),
    holdingDays: Type.Integer({ minimum: 0, maximum: 365, description: 'Days a new entry stays pending before it can be approved; default 7' }),
    autoApprove: Type.Boolean({ description: 'Approve pending entries automatically once their holding period is over; default false' }),
    referral: Type.Object(
      {
        perRedemption: RewardAmount,
        milestones: Milestones,
        commissionBps: Type.Array(Type.Integer({ minimum: 0, maximum: 10_000 }), {
          maxItems: MAX_DEPTH,
          description: 'Commission per level on downline purchases in basis points (100 = 1%), level 1 (the direct inviter) first; at most referralDepth levels, together at most 10000',
        }),
      },
      { additionalProperties: false, description: 'Rules of the referral program: redemptions of referral codes and purchases down the graph' },
    ),
  },
  { additionalProperties: false },
);
export type RewardSettings = Static<typeof RewardSettings>;

export const EntryView = Type.Object({
  id: Type.String(),
  beneficiary: PartyView,
  kind: Type.Enum(ENTRY_KINDS),
  state: Type.Enum(ENTRY_STATES),
  amount: Type.Integer(),
  currency: Type.String(),
  campaignId: Type.Union([Type.String(), Type.Null()], { description: 'The campaign whose rules made it; null = the referral program' }),
  source: PartyView,
  redemptionId: Type.Union([Type.String(), Type.Null()]),
  tier: Type.Union([Type.Integer(), Type.Null()], { description: 'Milestones: the invitees the tier needs' }),
  purchaseId: Type.Union([Type.String(), Type.Null()]),
  orderId: Type.Union([Type.String(), Type.Null()]),
  level: Type.Union([Type.Integer(), Type.Null()], { description: 'Commissions: 1 = the buyer’s direct inviter' }),
  rateBps: Type.Union([Type.Integer(), Type.Null()]),
  refundId: Type.Union([Type.String(), Type.Null()], { description: 'The refund that reversed this part of a commission' }),
  splitFrom: Type.Union([Type.String(), Type.Null()], { description: 'The commission entry a refund split this reversed part from' }),
  holdUntil: Timestamp,
  reference: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  approvedAt: NullableTimestamp,
  paidAt: NullableTimestamp,
  reversedAt: NullableTimestamp,
});
export type EntryView = Static<typeof EntryView>;
/** An entry as events carry it: parties by key only (names are looked up when the API shows an entry). */
export const EntryRecord = Type.Object({ ...EntryView.properties, beneficiary: PartyRef, source: PartyRef });
export type EntryRecord = Static<typeof EntryRecord>;

const StateTotal = Type.Object({ count: Type.Integer(), amount: Type.Integer() });
export const LedgerPage = Type.Object({
  items: Type.Array(EntryView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  currency: Type.String(),
  totals: Type.Object(
    { pending: StateTotal, approved: StateTotal, paid: StateTotal, reversed: StateTotal },
    { description: 'Per state, over every entry matching the filters other than state' },
  ),
});

export const LedgerQuery = PagedQuery({
  state: Type.Optional(Type.Enum(ENTRY_STATES)),
  kind: Type.Optional(Type.Enum(ENTRY_KINDS)),
  beneficiary: Type.Optional(PartyKey),
  program: Type.Optional(Type.String({ pattern: '^(referral|[0-9A-HJKMNP-TV-Z]{26})$', description: 'referral (the referral program) or a campaign id' })),
  orderId: Type.Optional(OrderId),
  redemptionId: Type.Optional(Id),
});
export type LedgerQuery = Static<typeof LedgerQuery>;

export const ApproveEntry = Type.Object({}, { additionalProperties: false });
export const PayEntry = Type.Object({ reference: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Your payment reference, kept with the entry' })) }, { additionalProperties: false });
export type PayEntry = Static<typeof PayEntry>;
export const ReverseEntry = Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false });
export type ReverseEntry = Static<typeof ReverseEntry>;

export const RedemptionReversalView = Type.Object({
  redemptionId: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  reversedAt: Timestamp,
  invitees: Type.Union([Type.Integer(), Type.Null()], { description: "The code owner's live invitees in the program afterwards; null for codes outside reward programs" }),
  reversed: Type.Array(EntryView, { description: 'Entries reversed: the ones this redemption created, and milestone tiers the owner no longer reaches' }),
  kept: Type.Array(EntryView, { description: 'Entries that would have been reversed but are paid already (paid is final)' }),
});
export type RedemptionReversalView = Static<typeof RedemptionReversalView>;
/** The reversal as its event carries it (entries with parties by key). */
export const RedemptionReversal = Type.Object({ ...RedemptionReversalView.properties, reversed: Type.Array(EntryRecord), kept: Type.Array(EntryRecord) });
export type RedemptionReversal = Static<typeof RedemptionReversal>;

export const RewardOutcome = Type.Union(
  [
    Type.Object({
      program: Type.Enum(['referral', 'campaign'] as const),
      beneficiary: Type.Object(PartyRef.properties, { description: "The code's owner (the redemption's owner has their display name)" }),
      invitees: Type.Integer({ description: "The code owner's live invitees in the program, this redemption included" }),
      entries: Type.Array(
        Type.Object({ id: Type.String(), kind: Type.Enum(['redemption', 'milestone'] as const), amount: Type.Integer(), currency: Type.String(), tier: Type.Union([Type.Integer(), Type.Null()]) }),
      ),
    }),
    Type.Null(),
  ],
  { description: "The ledger entries this redemption created for the code's owner (pending); null when it earned nothing" },
);
export type RewardOutcome = Static<typeof RewardOutcome>;

export const NewPurchase = Type.Object(
  {
    orderId: OrderId,
    buyer: Type.Object({ userId: UserId }, { additionalProperties: false, description: 'The buyer, by your own user id: someone this workspace knows (a redeemer, a code owner, a member or an earlier buyer)' }),
    amount: Amount,
    currency: Currency,
    occurredAt: Timestamp,
  },
  { additionalProperties: false },
);
export type NewPurchase = Static<typeof NewPurchase>;

export const NewRefund = Type.Object({ refundId: RefundId, amount: Amount }, { additionalProperties: false });
export type NewRefund = Static<typeof NewRefund>;

const RefundView = Type.Object({
  refundId: Type.String(),
  amount: Type.Integer(),
  unrecovered: Type.Integer({ description: 'Commission this refund would have reversed but that was paid already' }),
  refundedAt: Timestamp,
});

export const PurchaseView = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  buyer: PartyView,
  amount: Type.Integer(),
  currency: Type.String(),
  refundedAmount: Type.Integer(),
  occurredAt: Timestamp,
  recordedAt: Timestamp,
  attributedTo: Type.Array(Type.Object({ level: Type.Integer(), party: PartyView }), { description: 'The referral chain above the buyer when the purchase was recorded, level 1 first' }),
  refunds: Type.Array(RefundView),
});
export type PurchaseView = Static<typeof PurchaseView>;
/** A purchase as events carry it: parties by key only. */
export const PurchaseRecord = Type.Object({ ...PurchaseView.properties, buyer: PartyRef, attributedTo: Type.Array(Type.Object({ level: Type.Integer(), party: PartyRef })) });
export type PurchaseRecord = Static<typeof PurchaseRecord>;

export const PurchaseResult = Type.Object({
  purchase: PurchaseView,
  commissions: Type.Array(EntryView, { description: "The purchase's commission entries as they stand" }),
  replayed: Type.Boolean({ description: 'True when this order id had been reported already with the same details' }),
});
export type PurchaseResult = Static<typeof PurchaseResult>;

export const RefundResult = Type.Object({
  refund: RefundView,
  purchase: PurchaseView,
  reversals: Type.Array(EntryView, { description: 'Commission reversed by this refund (a reversed part split from each entry, or the whole entry)' }),
  replayed: Type.Boolean(),
});
export type RefundResult = Static<typeof RefundResult>;

export const PurchaseQuery = PagedQuery({
  buyerUserId: Type.Optional(UserId),
  attributedTo: Type.Optional(PartyKey),
});
export type PurchaseQuery = Static<typeof PurchaseQuery>;

export const DownlineQuery = PagedQuery({
  level: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_DEPTH, default: 1, description: 'Which level to list (up to referralDepth); 1 = direct invitees' })),
});
export type DownlineQuery = Static<typeof DownlineQuery>;

export const Downline = Type.Object({
  party: PartyView,
  depth: Type.Integer({ description: "The workspace's referralDepth" }),
  currency: Type.String(),
  levels: Type.Array(Type.Object({ level: Type.Integer(), count: Type.Integer() }), { description: 'People per level, 1 to depth' }),
  total: Type.Integer(),
  level: Type.Integer({ description: 'The level items lists' }),
  items: Type.Array(
    Type.Object({
      party: PartyView,
      inviter: PartyView,
      referredAt: Timestamp,
      invitees: Type.Integer({ description: 'Their own direct invitees' }),
      purchases: Type.Object({ count: Type.Integer(), netAmount: Type.Integer({ description: 'Amount less refunds, minor units' }) }),
    }),
  ),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type Downline = Static<typeof Downline>;

export const Upline = Type.Object({
  party: PartyView,
  depth: Type.Integer(),
  items: Type.Array(Type.Object({ level: Type.Integer(), party: PartyView, referredAt: Timestamp })),
});
export type Upline = Static<typeof Upline>;

export const LeaderboardQuery = Type.Object(
  {
    campaignId: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })),
  },
  { additionalProperties: false },
);
export type LeaderboardQuery = Static<typeof LeaderboardQuery>;

export const Leaderboard = Type.Object({
  campaign: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()], { description: 'null = the referral program' }),
  currency: Type.String(),
  items: Type.Array(
    Type.Object({
      rank: Type.Integer(),
      party: PartyView,
      invitees: Type.Integer(),
      rewardAmount: Type.Integer({ description: 'Entries of the program not reversed' }),
      paidAmount: Type.Integer(),
    }),
  ),
});
export type Leaderboard = Static<typeof Leaderboard>;
