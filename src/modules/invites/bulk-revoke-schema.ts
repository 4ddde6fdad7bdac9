import { Type, type Static } from 'typebox';
import { PagedQuery } from '../../http/pagination.ts';
import { Id, NullableTimestamp, Timestamp } from '../../http/schemas.ts';
import { InviteFilterFields } from './schema.ts';

export const BULK_REVOKE_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type BulkRevokeStatus = (typeof BULK_REVOKE_STATUSES)[number];

export const BulkRevokeQuery = PagedQuery({
  status: Type.Optional(Type.Enum([...BULK_REVOKE_STATUSES, 'active'], { description: 'active: queued or running' })),
});
export type BulkRevokeQuery = Static<typeof BulkRevokeQuery>;

/** A bulk revoke too large for one request, as the background job runs it (GET …/invite-bulk-revokes/{bulkRevokeId}). */
export const BulkRevokeView = Type.Object({
  id: Type.String(),
  status: Type.Enum(BULK_REVOKE_STATUSES, { description: 'queued → running → succeeded, or failed (the codes revoked until then stay revoked)' }),
  selection: Type.Object(
    { filter: Type.Optional(Type.Object(InviteFilterFields)), batchId: Type.Optional(Id) },
    { description: 'The codes named, as requested: a filter or a batchId. Codes created after the request are left alone; a state filter judges expiry as of the request, and a code whose status changed since (used up, extended, revoked) as it is when the job reaches it' },
  ),
  reason: Type.Union([Type.String(), Type.Null()]),
  matched: Type.Integer({ description: 'Codes the selection matched when the request was accepted; once finished, the codes the job went through' }),
  revoked: Type.Integer({ description: 'Codes revoked so far' }),
  alreadyEnded: Type.Integer({ description: 'Codes of the selection found revoked already, or archived history, so far: left as they were' }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why a failed bulk revoke stopped' }),
  createdAt: Timestamp,
  startedAt: NullableTimestamp,
  finishedAt: NullableTimestamp,
  updatedAt: Timestamp,
});
export type BulkRevokeView = Static<typeof BulkRevokeView>;
