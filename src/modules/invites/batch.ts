import { sql, type Selectable } from 'kysely';
import { toIso } from '../../clock.ts';
import type { Executor } from '../../db/index.ts';
import type { InviteBatchTable } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../audit/actor.ts';
import { insertAudit } from '../audit/repository.ts';
import { recordEvent } from '../events/outbox.ts';
import { insertJob } from '../jobs/repository.ts';
import { findWorkspace } from '../workspaces/service.ts';
import type { CodeFormat } from './alphabet.ts';
import { codesStartingWith, firstIndexesOf, formatCapacity, insertCodes, type SharedColumns } from './batch-codes.ts';
import { overBatchLimit } from './batch-limit.ts';
import type { BatchKind, BatchSettings, BatchState, BatchView, NewInviteBatch } from './batch-schema.ts';
import { fieldIssue } from './campaigns.ts';
import { freshInviteState } from './repository.ts';
import type { Purpose, Routing } from './schema.ts';
import { checkCampaignOpen, checkPurpose, expiryOf, resolveOwner, type Owner } from './service.ts';
import { formatOf, getInviteSettings } from './settings.ts';

/**
 * Batch generation: a batch row says what to make and how far it got; the job `invites.batch`
 * makes the codes in chunks, one transaction each, which inserts the chunk and moves the
 * batch's `generated` forward by a compare-and-set. A process that dies mid-chunk leaves the
 * chunk uncommitted and the count where it was, so whoever runs the job next (the same job
 * after its lease lapses) resumes exactly there: no code twice, none missing. Cancelling flips
 * the state, which fails the next compare-and-set. One invite.batch_completed event stands for
 * the whole batch (no invite.created per code).
 */

export type BatchRow = Selectable<InviteBatchTable>;

export const BATCH_JOB = 'invites.batch';
export const BATCH_JOB_ATTEMPTS = 5;
/** Codes per transaction: each lands in one narrow range of the code index (batch-codes.ts), and the writer is free again within a fraction of a second. */
export const BATCH_CHUNK = 10_000;
/** A run hands over to a fresh job well within the job lease, so no second worker takes over a live run. */
const RUN_BUDGET_MS = 2 * 60 * 1000;
/** A batch may use at most this share of its format's codes: collisions stay rare and the codes hard to guess. */
const MAX_SHARE_OF_FORMAT = 0.01;
/** Rounds of fresh codes for a chunk's clashes before the batch gives up: with the share above, one round almost always does. */
const CLASH_ROUNDS = 20;

interface StoredSettings {
  owner: Owner;
  purpose: Purpose;
  campaignId: string | null;
  routing: Routing | null;
  tags: Record<string, string>;
  maxUses: number | null;
  expiresAt: number | null;
}

function settingsOf(row: BatchRow): StoredSettings | null {
  return row.kind === 'generate' ? (JSON.parse(row.spec) as StoredSettings) : null;
}

export function presentBatch(row: BatchRow): BatchView {
  const stored = settingsOf(row);
  const settings: BatchSettings | null = stored && {
    owner: { type: stored.owner.type, id: stored.owner.id, displayName: stored.owner.name },
    purpose: stored.purpose,
    campaignId: stored.campaignId,
    routing: stored.routing,
    tags: stored.tags,
    maxUses: stored.maxUses,
    expiresAt: toIso(stored.expiresAt),
  };
  return {
    id: row.id,
    kind: row.kind as BatchKind,
    state: row.state as BatchState,
    total: row.total,
    generated: row.generated,
    settings,
    error: row.error,
    createdAt: toIso(row.created_at)!,
    startedAt: toIso(row.started_at),
    finishedAt: toIso(row.finished_at),
    updatedAt: toIso(row.updated_at)!,
  };
}

export function findBatch(db: Executor, workspaceId: string, batchId: string): Promise<BatchRow | undefined> {
  return db.selectFrom('invite_batches').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', batchId).executeTakeFirst();
}

export async function mustFindBatch(db: Executor, workspaceId: string, batchId: string): Promise<BatchRow> {
  const row = await findBatch(db, workspaceId, batchId);
  if (!row) throw new AppError('not_found', 'No such invite batch');
  return row;
}

/**
 * Checks the request as creating one code would (owner, purpose, campaign, validity), against the
 * plan's inviteCodesPerBatch and against the room its format has, then stores the batch with the
 * workspace's current format and queues its job, in one transaction. Batches
 * are staff or integrator work (for example cards printed for shops): they do not count against
 * owners' daily quotas.
 */
export async function createBatch(deps: Deps, actor: Actor, workspaceId: string, input: NewInviteBatch): Promise<BatchView> {
  checkPurpose(input);
  const now = deps.clock.now();
  const expiresAt = expiryOf({ validity: input.validity ?? '72h', expiresAt: input.expiresAt }, now);
  return deps.db.kysely.transaction().execute(async (tx) => {
    const owner = await resolveOwner(tx, workspaceId, input.owner);
    if (input.campaignId !== undefined) await checkCampaignOpen(tx, workspaceId, input.campaignId);
    const workspace = await findWorkspace(tx, workspaceId);
    const over = overBatchLimit(workspace, input.count);
    if (over) throw new AppError('validation_failed', `body/count ${over.message}`, { errors: [{ in: 'body', pointer: '/count', message: over.message }], limit: over.limit });
    const format = formatOf(await getInviteSettings(tx, workspaceId));
    const allowed = Math.floor(formatCapacity(format) * MAX_SHARE_OF_FORMAT);
    if (input.count > allowed) {
      throw fieldIssue('count', `is more than ${allowed}, 1% of the codes the workspace's format can make; lengthen bodyLength in the invite settings`);
    }
    const settings: StoredSettings = {
      owner,
      purpose: input.purpose,
      campaignId: input.campaignId ?? null,
      routing: input.routing ?? null,
      tags: (input.tags ?? {}) as Record<string, string>,
      maxUses: input.maxUses === undefined ? 1 : input.maxUses,
      expiresAt,
    };
    const row: BatchRow = {
      id: newId(now),
      workspace_id: workspaceId,
      kind: 'generate',
      state: 'queued',
      total: input.count,
      generated: 0,
      spec: JSON.stringify(settings),
      format: JSON.stringify(format),
      error: null,
      created_at: now,
      started_at: null,
      finished_at: null,
      updated_at: now,
    };
    await tx.insertInto('invite_batches').values(row).execute();
    await insertJob(tx, { id: `${BATCH_JOB}:${row.id}`, name: BATCH_JOB, payload: { batchId: row.id }, runAt: now, maxAttempts: BATCH_JOB_ATTEMPTS }, now);
    await insertAudit(tx, actor, { workspaceId, action: 'invite_batch.created', targetType: 'invite_batch', targetId: row.id, details: { count: input.count, purpose: input.purpose, owner: presentBatch(row).settings?.owner } }, now);
    return presentBatch(row);
  });
}

export function listBatches(deps: Deps, workspaceId: string, filter: { state?: BatchState; kind?: BatchKind; before?: string; limit: number }): Promise<BatchRow[]> {
  let query = deps.db.kysely.selectFrom('invite_batches').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.state) query = query.where('state', '=', filter.state);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.before) query = query.where('id', '<', filter.before);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}

/** Stops a queued or running batch; the codes made so far stay (export them, or revoke them). Cancelling a cancelled batch changes nothing. */
export async function cancelBatch(deps: Deps, actor: Actor, workspaceId: string, batchId: string): Promise<BatchView> {
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (tx) => {
    const row = await tx
      .updateTable('invite_batches')
      .set({ state: 'cancelled', finished_at: now, updated_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', batchId)
      .where('state', 'in', ['queued', 'running'])
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      const current = await mustFindBatch(tx, workspaceId, batchId);
      if (current.state === 'cancelled') return presentBatch(current);
      throw new AppError('invite_batch_finished', `The batch is ${current.state} already`, { state: current.state });
    }
    await insertAudit(tx, actor, { workspaceId, action: 'invite_batch.cancelled', targetType: 'invite_batch', targetId: batchId, details: { generated: row.generated, total: row.total } }, now);
    return presentBatch(row);
  });
}

function sharedColumns(row: BatchRow, settings: StoredSettings, now: number): SharedColumns {
  return {
    workspace_id: row.workspace_id,
    purpose: settings.purpose,
    owner_type: settings.owner.type,
    owner_id: settings.owner.id,
    owner_key: settings.owner.key,
    owner_name: settings.owner.name,
    campaign_id: settings.campaignId,
    routing: settings.routing === null ? null : JSON.stringify(settings.routing),
    tags: JSON.stringify(settings.tags),
    max_uses: settings.maxUses,
    ...freshInviteState(now),
    expires_at: settings.expiresAt,
    origin: 'batch',
    batch_id: row.id,
    link_suffix: null,
  };
}

/** A format with too few free codes left for the batch: the one failure whose text people should read. */
class CrowdedFormatError extends Error {}

/** Inserts the codes of positions [from, to), drawing fresh codes of the same first characters for any that clash. */
async function fillPositions(tx: Executor, deps: Deps, format: CodeFormat, shared: SharedColumns, range: { from: number; to: number; total: number }, now: number): Promise<void> {
  const firstOf = (code: string) => format.alphabet.indexOf(code[format.prefix.length]!);
  let firsts = firstIndexesOf(format.alphabet.length, range.from, range.to, range.total);
  for (let round = 0; round < CLASH_ROUNDS && firsts.length > 0; round++) {
    const codes = codesStartingWith(format, firsts);
    const inserted = await insertCodes(tx, deps.db.dialect, shared, codes, now);
    // Each inserted code accounts for one position: a code drawn twice in the chunk went in once.
    firsts = codes.filter((code) => !inserted.delete(code)).map(firstOf);
  }
  const missing = firsts.length;
  if (missing > 0) throw new CrowdedFormatError(`${missing} codes clashed with existing codes ${CLASH_ROUNDS} times in a row; the format is too crowded for this batch`);
}

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

export type RunOutcome = 'done' | 'continued' | 'stopped';

/**
 * One run of a batch's job: marks it running and makes chunks until it is done, it was
 * cancelled or taken over (the compare-and-set fails: 'stopped'), or the run's time is up (a
 * continuation job is queued: 'continued'). Between chunks it yields, so requests are served.
 */
export async function runBatch(deps: Deps, batchId: string, options: { chunkSize?: number } = {}): Promise<RunOutcome> {
  const chunkSize = options.chunkSize ?? BATCH_CHUNK;
  const db = deps.db.kysely;
  const startedAt = deps.clock.now();
  const batch = await db
    .updateTable('invite_batches')
    .set({ state: 'running', started_at: sql<number>`coalesce(started_at, cast(${startedAt} as bigint))`, updated_at: startedAt })
    .where('id', '=', batchId)
    .where('state', 'in', ['queued', 'running'])
    .returningAll()
    .executeTakeFirst();
  if (!batch) return 'stopped';
  const settings = settingsOf(batch)!;
  const format = JSON.parse(batch.format) as CodeFormat;
  let generated = batch.generated;
  while (generated < batch.total) {
    if (deps.clock.now() - startedAt >= RUN_BUDGET_MS) {
      await insertJob(db, { id: `${BATCH_JOB}:${batchId}:${generated}`, name: BATCH_JOB, payload: { batchId }, runAt: deps.clock.now(), maxAttempts: BATCH_JOB_ATTEMPTS }, deps.clock.now());
      return 'continued';
    }
    const from = generated;
    const to = Math.min(from + chunkSize, batch.total);
    const claimed = await db.transaction().execute(async (tx) => {
      const now = deps.clock.now();
      const last = to === batch.total;
      const row = await tx
        .updateTable('invite_batches')
        .set({ generated: to, updated_at: now, ...(last ? { state: 'done', finished_at: now } : {}) })
        .where('id', '=', batchId)
        .where('state', '=', 'running')
        .where('generated', '=', from)
        .returningAll()
        .executeTakeFirst();
      if (!row) return false;
      await fillPositions(tx, deps, format, sharedColumns(batch, settings, now), { from, to, total: batch.total }, now);
      if (last) await recordEvent(tx, { workspaceId: batch.workspace_id, type: 'invite.batch_completed', payload: { batch: presentBatch(row) } }, now);
      return true;
    });
    if (!claimed) return 'stopped';
    generated = to;
    await yieldToOthers();
  }
  return 'done';
}

/** What people may read of an error that stopped a batch: a crowded format says so; anything else stays in the server log. */
export function failureReason(error: unknown): string {
  return error instanceof CrowdedFormatError ? error.message : 'An internal error stopped the batch (see the server log)';
}

/**
 * After the batch's job gave up, in the job runner's transaction: the batch is failed with the
 * reason and how far it got (unless it was cancelled or finished meanwhile).
 */
export async function failBatch(tx: Executor, batchId: string, reason: string, now: number): Promise<void> {
  const batch = await tx.selectFrom('invite_batches').select(['generated', 'total']).where('id', '=', batchId).where('state', 'in', ['queued', 'running']).executeTakeFirst();
  if (!batch) return;
  await tx
    .updateTable('invite_batches')
    .set({ state: 'failed', error: `${reason}; ${batch.generated} of ${batch.total} codes were made. Export or revoke them, or generate a new batch`, finished_at: now, updated_at: now })
    .where('id', '=', batchId)
    .where('state', 'in', ['queued', 'running'])
    .execute();
}
