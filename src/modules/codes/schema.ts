import { Type, type Static } from 'typebox';
import { BLAST_RADIUS_ACTIONS } from '../members/blast-radius.ts';
import { Id, NullableTimestamp, Timestamp } from '../../http/schemas.ts';

export const CODE_STATUSES = ['active', 'paused', 'revoked'] as const;
export type CodeStatus = (typeof CODE_STATUSES)[number];
export const ROTATIONS = ['none', 'weekly', 'monthly', 'quarterly'] as const;
export type Rotation = (typeof ROTATIONS)[number];
/** What a scanner would meet right now, derived from status, validity, window and counters. */
export const CODE_STATES = ['active', 'paused', 'revoked', 'expired', 'not_yet_active', 'ended', 'daily_cap_reached', 'total_cap_reached'] as const;

/** Seed default: a group QR lives 7 days. */
export const DEFAULT_VALIDITY_HOURS = 168;
export const CODE_PASSWORD_MIN = 4;

const TagText = Type.String({ maxLength: 100 });
export const CodeTags = Type.Object(
  {
    utm_source: Type.Optional(TagText),
    utm_medium: Type.Optional(TagText),
    utm_campaign: Type.Optional(TagText),
    utm_content: Type.Optional(TagText),
    utm_term: Type.Optional(TagText),
    channel: Type.Optional(Type.String({ maxLength: 100, description: 'A free channel name (a poster, a shop, a partner)' })),
  },
  { additionalProperties: false, description: 'Channel tags, copied onto every scan and member this code brings' },
);
export type CodeTags = Static<typeof CodeTags>;

export const CodeName = Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' });
const Cap = (description: string) => Type.Union([Type.Integer({ minimum: 1, maximum: 100_000_000 }), Type.Null()], { description });
const CodePassword = Type.String({ minLength: CODE_PASSWORD_MIN, maxLength: 200, description: 'Access password (访问密码) asked on the landing page' });

export const CODE_KINDS = ['group', 'live'] as const;
export type CodeKind = (typeof CODE_KINDS)[number];

export const CodeView = Type.Object({
  id: Type.String(),
  kind: Type.Enum(CODE_KINDS, { description: 'group: a join code for one group; live: a live code (活码) routing to a pool, see /live-codes/{id}' }),
  groupId: Type.Union([Type.String(), Type.Null()], { description: 'The group a join code leads to; null for a live code' }),
  name: Type.String(),
  status: Type.Enum(CODE_STATUSES),
  state: Type.Enum(CODE_STATES),
  url: Type.String({ description: 'PUBLIC_URL/j/<token>: what the QR encodes; changes on reset and rotation' }),
  checkCode: Type.String({ description: 'Printed under the QR and shown on the landing page, so members can spot a pasted-over QR' }),
  tokenIssuedAt: Timestamp,
  expiresAt: NullableTimestamp,
  validityHours: Type.Union([Type.Integer(), Type.Null()]),
  rotation: Type.Enum(ROTATIONS),
  nextRotationAt: NullableTimestamp,
  scansPerDayCap: Type.Union([Type.Integer(), Type.Null()]),
  scansTotalCap: Type.Union([Type.Integer(), Type.Null()]),
  scansToday: Type.Integer(),
  scansTotal: Type.Integer(),
  joinsPerHourCap: Type.Union([Type.Integer(), Type.Null()]),
  activeFrom: NullableTimestamp,
  activeUntil: NullableTimestamp,
  passwordRequired: Type.Boolean(),
  tags: CodeTags,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  revokedAt: NullableTimestamp,
});
export type CodeView = Static<typeof CodeView>;

/** What every code has, join code or live code: rotation, caps, window, password, tags. */
export const CodeSettings = {
  rotation: Type.Optional(Type.Enum(ROTATIONS, { description: 'Scheduled rotation: a new token (and a code.rotated event) every week, month or quarter' })),
  scansPerDayCap: Type.Optional(Cap("Admitted scans per UTC day; defaults to, and may not exceed, the plan's scansPerCodePerDay; null = unlimited")),
  scansTotalCap: Type.Optional(Cap('Admitted scans in all; null = unlimited')),
  joinsPerHourCap: Type.Optional(Cap('Joins through this code per hour; null = unlimited')),
  activeFrom: Type.Optional(Type.Union([Timestamp, Type.Null()], { description: 'Scans before this are refused' })),
  activeUntil: Type.Optional(Type.Union([Timestamp, Type.Null()], { description: 'Scans from this moment are refused; after activeFrom' })),
  password: Type.Optional(CodePassword),
  tags: Type.Optional(CodeTags),
};

export const NewCode = Type.Object(
  {
    groupId: Id,
    name: Type.Optional(CodeName),
    validityHours: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 87600 }), Type.Null()], {
        description: "Hours a token stays valid; default 168 (7 days), at most the plan's maxCodeValidityHours; null = permanent (plans without a maximum only)",
      }),
    ),
    ...CodeSettings,
  },
  { additionalProperties: false },
);
export type NewCode = Static<typeof NewCode>;
export type CodeSettingsInput = Omit<NewCode, 'groupId' | 'name' | 'validityHours'>;

export const CodeChanges = Type.Object(
  {
    name: Type.Optional(CodeName),
    status: Type.Optional(Type.Enum(['active', 'paused'] as const, { description: 'Pause or resume; revoking has its own endpoint' })),
    rotation: Type.Optional(Type.Enum(ROTATIONS)),
    scansPerDayCap: Type.Optional(Cap('null = unlimited (plans without a daily cap only)')),
    scansTotalCap: Type.Optional(Cap('null = unlimited')),
    joinsPerHourCap: Type.Optional(Cap('null = unlimited')),
    activeFrom: Type.Optional(Type.Union([Timestamp, Type.Null()])),
    activeUntil: Type.Optional(Type.Union([Timestamp, Type.Null()])),
    password: Type.Optional(Type.Union([CodePassword, Type.Null()], { description: 'A new password, or null to remove it' })),
    tags: Type.Optional(CodeTags),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type CodeChanges = Static<typeof CodeChanges>;

/**
 * Revoking a code. The body is an object so that options can be added without breaking callers
 * (planned: `blastRadius: { hours, action: 'review' | 'remove' }` for members who joined through it).
 */
export const RevokeCode = Type.Object(
  {
    reason: Type.Optional(Type.String({ maxLength: 500, description: 'Kept in the audit log and the code.revoked event' })),
    blastRadius: Type.Optional(
      Type.Object(
        {
          hours: Type.Integer({ minimum: 1, maximum: 720, description: 'Members who joined through the code in the last N hours…' }),
          action: Type.Enum(BLAST_RADIUS_ACTIONS, { description: '…are removed, or held for review' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type RevokeCode = Static<typeof RevokeCode>;
