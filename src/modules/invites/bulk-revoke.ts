import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import type { Actor } from '../audit/actor.ts';
import { insertAudit } from '../audit/repository.ts';
import { recordEvents } from '../events/outbox.ts';
import { mustFindBatch } from './batch.ts';
import { queueBulkRevoke } from './bulk-revoke-background.ts';
import type { BulkRevokeView } from './bulk-revoke-schema.ts';
import { inviteFilterOf, whereInvitesMatch, type InviteSelection } from './repository.ts';
import type { BulkRevoke, BulkRevokeResult } from './schema.ts';
import { presentInvite } from './service.ts';

/**
 * Revoking many codes in one audited action: the codes named by id, every code the list's filter
 * shows, or every code of a batch. Up to INVITE_BULK_REVOKE_MAX codes (config; default 100,000,
 * the pro plan's largest batch), one transaction within the request revokes them all or none; each
 * revoked code records invite.revoked as revoking it alone would, and one audit row names the
 * selection and the counts. On SQLite that transaction holds the only writer: the bound keeps it
 * to seconds. A larger filter or batch selection (an enterprise batch of a million) runs in the
 * background instead (bulk-revoke-background.ts). Codes already revoked, and archived history, are
 * counted and left as they were.
 */

/** Codes read and revoked per statement, so memory stays flat and each statement small. */
const PAGE = 500;

type Selection = { kind: 'ids'; ids: string[] } | { kind: 'filter'; filter: InviteSelection } | { kind: 'batch'; batchId: string };
type Listed = { id: string; status: string; archived_at: number | null };

function refused(pointer: string, message: string): AppError {
  return new AppError('validation_failed', `body${pointer === '/' ? '' : pointer} ${message}`, { errors: [{ in: 'body', pointer, message }] });
}

/** The one way the body names the codes (the schema allows each, this insists on exactly one). */
function selectionOf(input: BulkRevoke): Selection {
  const named = (['ids', 'filter', 'batchId'] as const).filter((key) => input[key] !== undefined);
  if (named.length !== 1) {
    throw refused('/', `must name the codes one way: ids, filter or batchId (it names ${named.length === 0 ? 'none' : named.join(' and ')})`);
  }
  if (input.ids) return { kind: 'ids', ids: input.ids };
  if (input.filter) return { kind: 'filter', filter: inviteFilterOf(input.filter, { in: 'body', pointer: '/filter' }) };
  return { kind: 'batch', batchId: input.batchId! };
}

/** Every id must be a code of this workspace; the refusal names each one that is not (purged, another workspace's, mistyped). */
async function checkIds(tx: Executor, workspaceId: string, ids: string[]): Promise<void> {
  const found = new Set((await tx.selectFrom('invites').select('id').where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute()).map((r) => r.id));
  const missing = ids.flatMap((id, index) => (found.has(id) ? [] : [{ in: 'body', pointer: `/ids/${index}`, message: 'is not an invite code of this workspace' }]));
  if (missing.length > 0) throw new AppError('validation_failed', `body${missing[0]!.pointer} ${missing[0]!.message}`, { errors: missing });
}

/**
 * A batch selection: the batch must be this workspace's and done making codes, or its next chunk
 * would bring active codes after the revoke. A batch that stopped never runs again, so a check
 * outside the revoke's transaction stays true.
 */
async function checkBatch(tx: Executor, workspaceId: string, batchId: string): Promise<void> {
  const batch = await mustFindBatch(tx, workspaceId, batchId);
  if (batch.state === 'queued' || batch.state === 'running') {
    throw new AppError('invite_batch_running', `The batch is ${batch.state}: cancel it first (POST …/invite-batches/${batchId}/cancel), then revoke the codes it made`, { state: batch.state });
  }
}

function filterOf(selection: Exclude<Selection, { kind: 'ids' }>): InviteSelection {
  return selection.kind === 'filter' ? selection.filter : { batchId: selection.batchId };
}

/** How many codes a filter or batch selection holds now, and the highest id among them (counted on the read connection, so the writer stays free). */
async function sizeOf(deps: Deps, workspaceId: string, selection: Exclude<Selection, { kind: 'ids' }>, now: number): Promise<{ matched: number; lastId: string | null }> {
  const counted = await whereInvitesMatch(deps.db.reader.selectFrom('invites').select([sql<number | string>`count(*)`.as('n'), (eb) => eb.fn.max('id').as('last')]), workspaceId, now, filterOf(selection)).executeTakeFirstOrThrow();
  return { matched: Number(counted.n), lastId: counted.last };
}

/** The selection a page at a time, in id order (each page read after the previous one was revoked, in the same transaction). */
async function* pagesOf(tx: Executor, workspaceId: string, selection: Selection, now: number): AsyncGenerator<Listed[]> {
  if (selection.kind === 'ids') {
    for (let at = 0; at < selection.ids.length; at += PAGE) {
      yield await tx.selectFrom('invites').select(['id', 'status', 'archived_at']).where('workspace_id', '=', workspaceId).where('id', 'in', selection.ids.slice(at, at + PAGE)).execute();
    }
    return;
  }
  const filter = filterOf(selection);
  let after = '';
  for (;;) {
    const page = await whereInvitesMatch(tx.selectFrom('invites').select(['id', 'status', 'archived_at']), workspaceId, now, filter).where('id', '>', after).orderBy('id').limit(PAGE).execute();
    if (page.length === 0) return;
    yield page;
    after = page.at(-1)!.id;
  }
}

function selectionDetails(input: BulkRevoke): Record<string, unknown> {
  if (input.ids) return { ids: input.ids };
  if (input.filter) return { filter: input.filter };
  return { batchId: input.batchId };
}

/** Done within the request (200, the counts), or accepted to run in the background (202, the bulk revoke to follow). */
export type BulkRevokeAnswer = { status: 200; body: BulkRevokeResult } | { status: 202; body: BulkRevokeView };

/** Revokes the codes the body names, all or none, or queues a larger selection; see the top of this file. */
export async function revokeInvites(deps: Deps, actor: Actor, workspaceId: string, input: BulkRevoke): Promise<BulkRevokeAnswer> {
  const selection = selectionOf(input);
  const now = deps.clock.now();
  if (selection.kind !== 'ids') {
    const { matched, lastId } = await sizeOf(deps, workspaceId, selection, now);
    if (matched > deps.config.inviteBulkRevokeMax) {
      if (selection.kind === 'batch') await checkBatch(deps.db.kysely, workspaceId, selection.batchId);
      const requested = selection.kind === 'batch' ? { batchId: selection.batchId } : { filter: input.filter! };
      return { status: 202, body: await queueBulkRevoke(deps, actor, workspaceId, { requested, filter: filterOf(selection), reason: input.reason ?? null, matched, cutoffId: lastId! }, now) };
    }
  }
  return { status: 200, body: await revokeNow(deps, actor, workspaceId, input, selection, now) };
}

/** One transaction: every code or none. */
function revokeNow(deps: Deps, actor: Actor, workspaceId: string, input: BulkRevoke, selection: Selection, now: number): Promise<BulkRevokeResult> {
  const reason = input.reason ?? null;
  return deps.db.kysely.transaction().execute(async (tx) => {
    if (selection.kind === 'ids') await checkIds(tx, workspaceId, selection.ids);
    if (selection.kind === 'batch') await checkBatch(tx, workspaceId, selection.batchId);
    let matched = 0;
    let revoked = 0;
    for await (const page of pagesOf(tx, workspaceId, selection, now)) {
      matched += page.length;
      const revocable = page.filter((r) => r.status !== 'revoked' && r.archived_at === null).map((r) => r.id);
      if (revocable.length === 0) continue;
      // The same change as revoking one code; a code another request revoked meanwhile is left out here and counts as already ended.
      const rows = await tx
        .updateTable('invites')
        .set({ status: 'revoked', ended_at: sql<number>`coalesce(ended_at, ${now})`, revoked_reason: reason, updated_at: now })
        .where('id', 'in', revocable)
        .where('status', '!=', 'revoked')
        .where('archived_at', 'is', null)
        .returningAll()
        .execute();
      revoked += rows.length;
      await recordEvents(
        tx,
        rows.map((row) => ({ workspaceId, type: 'invite.revoked', payload: { invite: presentInvite(row, now), reason } })),
        now,
      );
    }
    const result = { matched, revoked, alreadyEnded: matched - revoked };
    await insertAudit(
      tx,
      actor,
      {
        workspaceId,
        action: 'invite.bulk_revoked',
        ...(selection.kind === 'batch' ? { targetType: 'invite_batch', targetId: selection.batchId } : {}),
        details: { selection: selectionDetails(input), reason, ...result },
      },
      now,
    );
    return result;
  });
}
