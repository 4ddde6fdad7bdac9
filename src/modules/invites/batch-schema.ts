import { Type, type Static } from 'typebox';
import { PagedQuery } from '../../http/pagination.ts';
import { NullableTimestamp, Timestamp } from '../../http/schemas.ts';
import { CodeTags } from '../codes/schema.ts';
import { NewInvite, OwnerView, PURPOSES, Routing } from './schema.ts';

/** The ceiling for one batch. */
export const BATCH_MAX_CODES = 1_000_000;
export const BATCH_KINDS = ['generate', 'import'] as const;
export type BatchKind = (typeof BATCH_KINDS)[number];
export const BATCH_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type BatchState = (typeof BATCH_STATES)[number];

export const NewInviteBatch = Type.Object(
  {
    count: Type.Integer({ minimum: 1, maximum: BATCH_MAX_CODES, description: `Codes to generate, up to the plan's inviteCodesPerBatch (at most ${BATCH_MAX_CODES.toLocaleString('en')})` }),
    ...NewInvite.properties,
  },
  { additionalProperties: false },
);
export type NewInviteBatch = Static<typeof NewInviteBatch>;

/** What every code of a generated batch gets, as stored with the batch. */
export const BatchSettings = Type.Object({
  owner: OwnerView,
  purpose: Type.Enum(PURPOSES),
  campaignId: Type.Union([Type.String(), Type.Null()]),
  routing: Type.Union([Routing, Type.Null()]),
  tags: CodeTags,
  maxUses: Type.Union([Type.Integer(), Type.Null()]),
  expiresAt: NullableTimestamp,
});
export type BatchSettings = Static<typeof BatchSettings>;

export const BatchView = Type.Object({
  id: Type.String(),
  kind: Type.Enum(BATCH_KINDS, { description: 'generate (the batch job) or import (a CSV upload, committed at once)' }),
  state: Type.Enum(BATCH_STATES, { description: 'queued → running → done, or failed, or cancelled' }),
  total: Type.Integer(),
  generated: Type.Integer({ description: 'Codes committed so far' }),
  settings: Type.Union([BatchSettings, Type.Null()], { description: 'What every code of a generated batch gets; null for an import (each row has its own)' }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why a failed batch stopped' }),
  createdAt: Timestamp,
  startedAt: NullableTimestamp,
  finishedAt: NullableTimestamp,
  updatedAt: Timestamp,
});
export type BatchView = Static<typeof BatchView>;

export const BatchQuery = PagedQuery({
  state: Type.Optional(Type.Enum(BATCH_STATES)),
  kind: Type.Optional(Type.Enum(BATCH_KINDS)),
});
export type BatchQuery = Static<typeof BatchQuery>;
