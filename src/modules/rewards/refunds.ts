import { sql } from 'kysely';
import { toIso } from '../../clock.ts';
import { isUniqueViolation, type Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../audit/actor.ts';
import { recordChange } from '../audit/record.ts';
import { recordEvent } from '../events/outbox.ts';
import { refundReversal } from './commission.ts';
import { moveEntry, presentEntry, type EntryRow } from './ledger.ts';
import { mustFindPurchase, namePurchases, presentPurchase, type PurchaseRow, type RefundRow } from './purchases.ts';
import type { NewRefund, RefundResult } from './schema.ts';

const REFUND_REASON = 'refund';

function findRefund(db: Executor, purchaseId: string, refundId: string): Promise<RefundRow | undefined> {
  return db.selectFrom('purchase_refunds').selectAll().where('purchase_id', '=', purchaseId).where('refund_id', '=', refundId).executeTakeFirst();
}

async function result(db: Executor, purchase: PurchaseRow, refund: RefundRow, replayed: boolean): Promise<RefundResult> {
  const reversals = await db.selectFrom('reward_entries').selectAll().where('purchase_id', '=', purchase.id).where('refund_id', '=', refund.refund_id).orderBy('id').execute();
  const current = await mustFindPurchase(db, purchase.workspace_id, purchase.order_id);
  const named = await namePurchases(db, purchase.workspace_id, [await presentPurchase(db, current)], reversals.map(presentEntry));
  return {
    refund: { refundId: refund.refund_id, amount: Number(refund.amount), unrecovered: Number(refund.unrecovered), refundedAt: toIso(refund.created_at) },
    purchase: named.purchases[0]!,
    reversals: named.entries,
    replayed,
  };
}

async function replayOrConflict(db: Executor, purchase: PurchaseRow, earlier: RefundRow, input: NewRefund): Promise<RefundResult> {
  if (Number(earlier.amount) === input.amount) return result(db, purchase, earlier, true);
  throw new AppError('refund_conflict', `Refund ${JSON.stringify(input.refundId)} of order ${JSON.stringify(purchase.order_id)} was reported on ${toIso(earlier.created_at)} with amount ${Number(earlier.amount)}; use a new refund id for another refund`, {
    recorded: { amount: Number(earlier.amount) },
  });
}

/**
 * Takes back what a refund removes from one commission entry: a commission entry left with
 * nothing is reversed whole; otherwise its amount shrinks to the commission on what is left of the
 * purchase and the difference is split off as a reversed entry of its own. A paid entry is final:
 * what it would have given back is counted as unrecovered. Returns the reversed entry, or the
 * amount unrecovered.
 */
async function reverseForRefund(tx: Executor, entry: EntryRow, back: number, refundId: string, now: number): Promise<EntryRow | number> {
  if (Number(entry.amount) === back) {
    const reversed = await moveEntry(tx, entry, 'reversed', now, { reason: REFUND_REASON, refundId });
    if (reversed) await recordEvent(tx, { workspaceId: entry.workspace_id, type: 'reward.reversed', payload: { entry: presentEntry(reversed), refundId } }, now);
    return reversed ?? back;
  }
  // Compare-and-set on state and amount: an entry paid at this moment keeps its amount.
  const remaining = await tx
    .updateTable('reward_entries')
    .set({ amount: Number(entry.amount) - back, updated_at: now })
    .where('id', '=', entry.id)
    .where('state', '=', entry.state)
    .where('amount', '=', entry.amount)
    .returningAll()
    .executeTakeFirst();
  if (!remaining) return back;
  const part: EntryRow = { ...entry, id: newId(now), state: 'reversed', amount: back, refund_id: refundId, split_from: entry.id, reason: REFUND_REASON, created_at: now, reversed_at: now, updated_at: now };
  await tx.insertInto('reward_entries').values(part).execute();
  await recordEvent(tx, { workspaceId: entry.workspace_id, type: 'reward.reversed', payload: { entry: presentEntry(part), remaining: presentEntry(remaining), refundId } }, now);
  return part;
}

/**
 * Records a refund of a reported purchase, idempotent by the integrator's refund id. Refunds
 * together never exceed the purchase (a conditional update on its refunded total, so concurrent
 * refunds cannot overshoot), and each commission of the purchase gives back the commission on the
 * refunded part (see commission.ts for the rounding). One transaction; purchase.refunded is audited.
 */
export async function recordRefund(deps: Deps, actor: Actor, workspaceId: string, orderId: string, input: NewRefund): Promise<{ status: 200 | 201; body: RefundResult }> {
  const db = deps.db.kysely;
  const purchase = await mustFindPurchase(db, workspaceId, orderId);
  const earlier = await findRefund(db, purchase.id, input.refundId);
  if (earlier) return { status: 200, body: await replayOrConflict(db, purchase, earlier, input) };
  const now = deps.clock.now();
  try {
    const refund = await db.transaction().execute(async (tx) => {
      const updated = await tx
        .updateTable('purchases')
        .set({ refunded: sql<number>`refunded + ${input.amount}` })
        .where('id', '=', purchase.id)
        .where(sql<boolean>`refunded + ${input.amount} <= amount`)
        .returningAll()
        .executeTakeFirst();
      if (!updated) {
        const current = await mustFindPurchase(tx, workspaceId, orderId);
        const left = Number(current.amount) - Number(current.refunded);
        throw new AppError('refund_exceeds_purchase', `Only ${left} of the purchase's ${Number(current.amount)} ${current.currency} is left to refund; this refund is ${input.amount}`, { remaining: left });
      }
      const refundedAfter = Number(updated.refunded);
      const row: RefundRow = { id: newId(now), workspace_id: workspaceId, purchase_id: purchase.id, refund_id: input.refundId, amount: input.amount, unrecovered: 0, created_at: now };
      await tx.insertInto('purchase_refunds').values(row).execute();
      const live = await tx
        .selectFrom('reward_entries')
        .selectAll()
        .where('purchase_id', '=', purchase.id)
        .where('split_from', 'is', null)
        .where('state', '!=', 'reversed')
        .orderBy('level')
        .execute();
      const reversals: EntryRow[] = [];
      for (const entry of live) {
        const back = refundReversal({ amount: Number(updated.amount), refundedBefore: refundedAfter - input.amount, refundedAfter, rateBps: entry.rate_bps ?? 0 });
        if (back === 0) continue;
        const outcome = entry.state === 'paid' ? back : await reverseForRefund(tx, entry, back, input.refundId, now);
        if (typeof outcome === 'number') row.unrecovered += outcome;
        else reversals.push(outcome);
      }
      if (row.unrecovered > 0) await tx.updateTable('purchase_refunds').set({ unrecovered: row.unrecovered }).where('id', '=', row.id).execute();
      await recordChange(
        tx,
        actor,
        {
          workspaceId,
          action: 'purchase.refunded',
          targetType: 'purchase',
          targetId: purchase.id,
          details: { orderId, refundId: input.refundId, amount: input.amount, unrecovered: row.unrecovered, reversals: reversals.map((r) => r.id) },
          event: {
            refund: { refundId: input.refundId, amount: input.amount, unrecovered: row.unrecovered, refundedAt: toIso(now) },
            purchase: await presentPurchase(tx, updated),
            reversals: reversals.map(presentEntry),
          },
        },
        now,
      );
      return row;
    });
    return { status: 201, body: await result(db, purchase, refund, false) };
  } catch (error) {
    // The same refund id committed by a concurrent report (its whole transaction, refunded total included, won).
    if (!isUniqueViolation(error)) throw error;
    const winner = await findRefund(db, purchase.id, input.refundId);
    if (!winner) throw error;
    return { status: 200, body: await replayOrConflict(db, purchase, winner, input) };
  }
}
