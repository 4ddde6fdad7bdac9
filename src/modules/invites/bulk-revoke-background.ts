import { sql, type Selectable } from 'kysely';
import { toIso } from '../../clock.ts';
import { isUniqueViolation, type Executor } from '../../db/index.ts';
import type { InviteBulkRevokeTable } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../audit/actor.ts';
import { insertAudit } from '../audit/repository.ts';
import { recordEvent } from '../events/outbox.ts';
import { insertJob } from '../jobs/repository.ts';
import type { RunOutcome } from './batch.ts';
import type { BulkRevokeQuery, BulkRevokeStatus, BulkRevokeView } from './bulk-revoke-schema.ts';
import { whereInvitesMatch, type InviteSelection } from './repository.ts';

/**
 * Bulk revokes too large for one request (more than INVITE_BULK_REVOKE_MAX codes), run in the
 * background as batch generation is (batch.ts): a row says what to revoke and how far the job got;
 * the job `invites.bulk-revoke` revokes the codes in id order, a chunk per transaction, which
 * revokes the chunk and moves the row's cursor forward by a compare-and-set. A process that dies
 * mid-chunk leaves the chunk uncommitted and the cursor where it was, so the next run resumes
 * exactly there: no code counted twice, none skipped.
 *
 * The selection is a snapshot of the request: the filter is judged at the request's time (so
 * "active" means active then) over the codes up to the highest id it matched then (cutoff_id):
 * codes created afterwards are left alone. Codes already revoked, and archived history, are
 * counted and left as they were. When the job ends (succeeded, or failed with the codes revoked
 * until then staying revoked) it writes one invite.bulk_revoked audit entry, in the shape the
 * synchronous path writes, and one invite.bulk_revoked event instead of an invite.revoked per code:
 * a million such events would take longer to write than the revoke itself, and flood webhooks.
 */

export type BulkRevokeRow = Selectable<InviteBulkRevokeTable>;

export const BULK_REVOKE_JOB = 'invites.bulk-revoke';
export const BULK_REVOKE_JOB_ATTEMPTS = 5;
/** Codes per transaction: the SQLite writer is free again within a fraction of a second. */
export const BULK_REVOKE_CHUNK = 10_000;
/** A run hands over to a fresh job well within the job lease, so no second worker takes over a live run. */
const RUN_BUDGET_MS = 2 * 60 * 1000;

export interface QueuedSelection {
  /** The selection as the request named it, for the view and the audit entry. */
  requested: { filter: Record<string, unknown> } | { batchId: string };
  filter: InviteSelection;
  reason: string | null;
  matched: number;
  /** The highest id among the matched codes. */
  cutoffId: string;
}

export function presentBulkRevoke(row: BulkRevokeRow): BulkRevokeView {
  return {
    id: row.id,
    status: row.status as BulkRevokeStatus,
    selection: JSON.parse(row.selection) as BulkRevokeView['selection'],
    reason: row.reason,
    matched: row.matched,
    revoked: row.revoked,
    alreadyEnded: row.already_ended,
    error: row.error,
    createdAt: toIso(row.created_at)!,
    startedAt: toIso(row.started_at),
    finishedAt: toIso(row.finished_at),
    updatedAt: toIso(row.updated_at)!,
  };
}

export async function mustFindBulkRevoke(db: Executor, workspaceId: string, bulkRevokeId: string): Promise<BulkRevokeRow> {
  const row = await db.selectFrom('invite_bulk_revokes').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', bulkRevokeId).executeTakeFirst();
  if (!row) throw new AppError('not_found', 'No such bulk revoke');
  return row;
}

/** Newest first; `active`: those still queued or running. */
export function listBulkRevokes(db: Executor, workspaceId: string, filter: { status?: BulkRevokeQuery['status']; before?: string; limit: number }): Promise<BulkRevokeRow[]> {
  let query = db.selectFrom('invite_bulk_revokes').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.status === 'active') query = query.where('status', 'in', ['queued', 'running']);
  else if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.before) query = query.where('id', '<', filter.before);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}

/** The filter as one canonical text: two requests for the same codes (a batchId, or a filter { batchId }) get the same key. */
function keyOf(filter: InviteSelection): string {
  const set = Object.entries(filter).filter(([, value]) => value !== undefined);
  return JSON.stringify(Object.fromEntries(set.sort(([a], [b]) => (a < b ? -1 : 1))));
}

function runningOf(db: Executor, workspaceId: string, key: string): Promise<{ id: string } | undefined> {
  return db.selectFrom('invite_bulk_revokes').select('id').where('workspace_id', '=', workspaceId).where('selection_key', '=', key).where('status', 'in', ['queued', 'running']).executeTakeFirst();
}

function alreadyRunning(id: string): AppError {
  return new AppError('invite_bulk_revoke_running', `A bulk revoke of the same codes is running: follow it at GET …/invite-bulk-revokes/${id}`, { bulkRevokeId: id });
}

/**
 * Stores the bulk revoke and queues its job, in one transaction. One bulk revoke of a selection
 * may be queued or running per workspace: a second is refused with 409 naming the first (the
 * unique index decides when two requests race, across processes too).
 */
export async function queueBulkRevoke(deps: Deps, actor: Actor, workspaceId: string, queued: QueuedSelection, now: number): Promise<BulkRevokeView> {
  const key = keyOf(queued.filter);
  const row: BulkRevokeRow = {
    id: newId(now),
    workspace_id: workspaceId,
    status: 'queued',
    selection: JSON.stringify(queued.requested),
    selection_key: key,
    filter: JSON.stringify(queued.filter),
    cutoff_id: queued.cutoffId,
    reason: queued.reason,
    actor: JSON.stringify(actor),
    matched: queued.matched,
    revoked: 0,
    already_ended: 0,
    cursor: '',
    error: null,
    created_at: now,
    started_at: null,
    finished_at: null,
    updated_at: now,
  };
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.db.kysely.transaction().execute(async (tx) => {
        const running = await runningOf(tx, workspaceId, key);
        if (running) throw alreadyRunning(running.id);
        await tx.insertInto('invite_bulk_revokes').values(row).execute();
        await insertJob(tx, { id: `${BULK_REVOKE_JOB}:${row.id}`, name: BULK_REVOKE_JOB, payload: { bulkRevokeId: row.id }, runAt: now, maxAttempts: BULK_REVOKE_JOB_ATTEMPTS }, now);
      });
      return presentBulkRevoke(row);
    } catch (error) {
      // Another request for the same codes committed between the check and the insert: name it, or
      // (when it ended in that instant) try again.
      if (!isUniqueViolation(error) || attempt === 3) throw error;
      const running = await runningOf(deps.db.kysely, workspaceId, key);
      if (running) throw alreadyRunning(running.id);
    }
  }
}

/** Ends the bulk revoke: the audit entry (as the synchronous path writes it, plus the bulk revoke's id) and the invite.bulk_revoked event. */
async function recordEnd(tx: Executor, row: BulkRevokeRow, now: number): Promise<void> {
  const view = presentBulkRevoke(row);
  const { selection, reason, matched, revoked, alreadyEnded } = view;
  await insertAudit(
    tx,
    JSON.parse(row.actor) as Actor,
    {
      workspaceId: row.workspace_id,
      action: 'invite.bulk_revoked',
      ...(selection.batchId ? { targetType: 'invite_batch', targetId: selection.batchId } : {}),
      details: { selection, reason, matched, revoked, alreadyEnded, bulkRevokeId: row.id, ...(row.status === 'failed' ? { error: row.error } : {}) },
    },
    now,
  );
  await recordEvent(tx, { workspaceId: row.workspace_id, type: 'invite.bulk_revoked', payload: { bulkRevoke: view } }, now);
}

/**
 * Revokes the next chunk after the cursor, in one transaction; the compare-and-set on the cursor comes
 * first, so a second worker on the same bulk revoke (PostgreSQL) waits for it and then finds the
 * cursor moved. Returns the row after the chunk, or null when the bulk revoke is no longer this
 * run's (finished, failed, or taken over).
 */
async function revokeChunk(deps: Deps, op: BulkRevokeRow, chunkSize: number): Promise<BulkRevokeRow | null> {
  const filter = JSON.parse(op.filter) as InviteSelection;
  const from = op.cursor;
  return deps.db.kysely.transaction().execute(async (tx) => {
    const now = deps.clock.now();
    const selected = (after: string, upTo: string) =>
      whereInvitesMatch(tx.selectFrom('invites').select('id'), op.workspace_id, op.created_at, filter).where('id', '>', after).where('id', '<=', upTo);
    const page = await selected(from, op.cutoff_id).orderBy('id').limit(chunkSize).execute();
    const to = page.at(-1)?.id ?? from;
    const claimed = await tx.updateTable('invite_bulk_revokes').set({ cursor: to, updated_at: now }).where('id', '=', op.id).where('status', '=', 'running').where('cursor', '=', from).executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return null;
    let revoked = 0;
    if (page.length > 0) {
      // The same change as revoking one code; a code revoked meanwhile is left out here and counts as already ended.
      const result = await tx
        .updateTable('invites')
        .set({ status: 'revoked', ended_at: sql<number>`coalesce(ended_at, ${now})`, revoked_reason: op.reason, updated_at: now })
        .where('id', 'in', selected(from, to))
        .where('status', '!=', 'revoked')
        .where('archived_at', 'is', null)
        .executeTakeFirst();
      revoked = Number(result.numUpdatedRows);
    }
    // The counts move only with the cursor, so op's are the stored ones.
    const counts = { revoked: op.revoked + revoked, already_ended: op.already_ended + page.length - revoked };
    const last = page.length < chunkSize;
    const row = await tx
      .updateTable('invite_bulk_revokes')
      // Finished: matched becomes the codes gone through, which the counts add up to.
      .set({ ...counts, ...(last ? { status: 'succeeded', matched: counts.revoked + counts.already_ended, finished_at: now } : {}) })
      .where('id', '=', op.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (last) await recordEnd(tx, row, now);
    return row;
  });
}

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * One run of a bulk revoke's job: marks it running and revokes chunks until it is done, it was
 * failed or taken over ('stopped'), or the run's time is up (a continuation job is queued:
 * 'continued'). Between chunks it yields, so requests are served.
 */
export async function runBulkRevoke(deps: Deps, bulkRevokeId: string, options: { chunkSize?: number } = {}): Promise<RunOutcome> {
  const chunkSize = options.chunkSize ?? BULK_REVOKE_CHUNK;
  const db = deps.db.kysely;
  const startedAt = deps.clock.now();
  let op = await db
    .updateTable('invite_bulk_revokes')
    .set({ status: 'running', started_at: sql<number>`coalesce(started_at, cast(${startedAt} as bigint))`, updated_at: startedAt })
    .where('id', '=', bulkRevokeId)
    .where('status', 'in', ['queued', 'running'])
    .returningAll()
    .executeTakeFirst();
  if (!op) return 'stopped';
  while (op.status === 'running') {
    if (deps.clock.now() - startedAt >= RUN_BUDGET_MS) {
      const done = op.revoked + op.already_ended;
      await insertJob(db, { id: `${BULK_REVOKE_JOB}:${bulkRevokeId}:${done}`, name: BULK_REVOKE_JOB, payload: { bulkRevokeId }, runAt: deps.clock.now(), maxAttempts: BULK_REVOKE_JOB_ATTEMPTS }, deps.clock.now());
      return 'continued';
    }
    const next = await revokeChunk(deps, op, chunkSize);
    if (!next) return 'stopped';
    op = next;
    await yieldToOthers();
  }
  return 'done';
}

/**
 * After the job gave up, in the job runner's transaction: the bulk revoke is failed with the reason
 * and how far it got, and its audit entry and event are written (the codes revoked until then stay
 * revoked). A bulk revoke that ended meanwhile is left as it is.
 */
export async function failBulkRevoke(tx: Executor, bulkRevokeId: string, reason: string, now: number): Promise<void> {
  const current = await tx.selectFrom('invite_bulk_revokes').select(['revoked', 'matched']).where('id', '=', bulkRevokeId).executeTakeFirst();
  if (!current) return;
  const error = `${reason}; ${current.revoked} of the ${current.matched} codes were revoked and stay revoked. Revoke the rest again with the same selection`;
  const row = await tx
    .updateTable('invite_bulk_revokes')
    .set({ status: 'failed', error, finished_at: now, updated_at: now })
    .where('id', '=', bulkRevokeId)
    .where('status', 'in', ['queued', 'running'])
    .returningAll()
    .executeTakeFirst();
  if (row) await recordEnd(tx, row, now);
}
