import type { Selectable } from 'kysely';
import { toIso } from '../../clock.ts';
import { isUniqueViolation, type Executor } from '../../db/index.ts';
import type { PurchaseRefundTable, PurchaseTable } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../audit/actor.ts';
import { recordChange } from '../audit/record.ts';
import { fieldIssue } from '../invites/campaigns.ts';
import { userKey } from '../invites/party.ts';
import { commissionOf } from './commission.ts';
import { uplineOf } from './graph.ts';
import { insertEntries, nameEntry, pendingEntry, presentEntry, REFERRAL_SCOPE, type EntryRow } from './ledger.ts';
import { isKnownParty, lookUpNames, nameParty, presentParty, type PartyNames } from './parties.ts';
import type { EntryRecord, NewPurchase, PurchaseRecord, PurchaseResult, PurchaseView } from './schema.ts';
import { getRewardSettings } from './settings.ts';

export type PurchaseRow = Selectable<PurchaseTable>;
export type RefundRow = Selectable<PurchaseRefundTable>;

/** How far ahead of the server's clock a purchase time may be (clocks of two systems differ a little). */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

export function findPurchase(db: Executor, workspaceId: string, orderId: string): Promise<PurchaseRow | undefined> {
  return db.selectFrom('purchases').selectAll().where('workspace_id', '=', workspaceId).where('order_id', '=', orderId).executeTakeFirst();
}

export async function mustFindPurchase(db: Executor, workspaceId: string, orderId: string): Promise<PurchaseRow> {
  const row = await findPurchase(db, workspaceId, orderId);
  if (!row) throw new AppError('not_found', `No purchase with order id ${JSON.stringify(orderId)} was reported to this workspace`);
  return row;
}

/** The purchase with its attribution and refunds, as events carry it (namePurchases makes the API's view). */
export async function presentPurchase(db: Executor, row: PurchaseRow): Promise<PurchaseRecord> {
  const attributions = await db.selectFrom('purchase_attributions').select(['level', 'party_key']).where('purchase_id', '=', row.id).orderBy('level').execute();
  const refunds = await db.selectFrom('purchase_refunds').selectAll().where('purchase_id', '=', row.id).orderBy('id').execute();
  return {
    id: row.id,
    orderId: row.order_id,
    buyer: presentParty(row.buyer_key),
    amount: Number(row.amount),
    currency: row.currency,
    refundedAmount: Number(row.refunded),
    occurredAt: toIso(row.occurred_at),
    recordedAt: toIso(row.created_at),
    attributedTo: attributions.map((a) => ({ level: a.level, party: presentParty(a.party_key) })),
    refunds: refunds.map((r) => ({ refundId: r.refund_id, amount: Number(r.amount), unrecovered: Number(r.unrecovered), refundedAt: toIso(r.created_at) })),
  };
}

function namePurchase(purchase: PurchaseRecord, names: PartyNames): PurchaseView {
  return { ...purchase, buyer: nameParty(purchase.buyer, names), attributedTo: purchase.attributedTo.map((a) => ({ level: a.level, party: nameParty(a.party, names) })) };
}

/**
 * Purchases and entries as the API shows them: every party (buyers, the chains they are
 * attributed to, the entries' beneficiaries and sources) with the name last given, in one look-up.
 */
export async function namePurchases(db: Executor, workspaceId: string, purchases: PurchaseRecord[], entries: EntryRecord[] = []) {
  const keys = [...purchases.flatMap((p) => [p.buyer.key, ...p.attributedTo.map((a) => a.party.key)]), ...entries.flatMap((e) => [e.beneficiary.key, e.source.key])];
  const names = await lookUpNames(db, workspaceId, keys);
  return { purchases: purchases.map((p) => namePurchase(p, names)), entries: entries.map((e) => nameEntry(e, names)) };
}

/** The purchase's commission entries as they stand now (reversed parts split off by refunds included), oldest first. */
function commissionsOf(db: Executor, purchaseId: string): Promise<EntryRow[]> {
  return db.selectFrom('reward_entries').selectAll().where('purchase_id', '=', purchaseId).orderBy('id').execute();
}

async function result(db: Executor, row: PurchaseRow, replayed: boolean): Promise<PurchaseResult> {
  const named = await namePurchases(db, row.workspace_id, [await presentPurchase(db, row)], (await commissionsOf(db, row.id)).map(presentEntry));
  return { purchase: named.purchases[0]!, commissions: named.entries, replayed };
}

/** A report of an order id already recorded: the same details replay it, other details are a conflict. */
async function replayOrConflict(db: Executor, existing: PurchaseRow, input: NewPurchase): Promise<PurchaseResult> {
  const reported = { buyer: userKey(input.buyer.userId), amount: input.amount, currency: input.currency, occurredAt: Date.parse(input.occurredAt) };
  const recorded = { buyer: existing.buyer_key, amount: Number(existing.amount), currency: existing.currency, occurredAt: Number(existing.occurred_at) };
  const differing = (Object.keys(reported) as (keyof typeof reported)[]).filter((k) => reported[k] !== recorded[k]);
  if (differing.length === 0) return result(db, existing, true);
  throw new AppError(
    'purchase_conflict',
    `Order ${JSON.stringify(existing.order_id)} was reported on ${toIso(existing.created_at)} with ${differing.join(', ')} different (amount ${recorded.amount} ${recorded.currency}); report a refund to change it, or use a new order id`,
    { differing, recorded: { buyer: presentParty(recorded.buyer), amount: recorded.amount, currency: recorded.currency, occurredAt: toIso(recorded.occurredAt) } },
  );
}

/**
 * Records a purchase the integrator reports, idempotent by its order id. The buyer must be someone
 * the workspace knows and the amount in the workspace's reward currency. In one transaction it is
 * attributed to the referral chain above the buyer (level 1 = the direct inviter, down to
 * referralDepth levels), each level with a commission rate earns a pending commission, and
 * purchase.recorded (audited) and reward.created are written.
 */
export async function recordPurchase(deps: Deps, actor: Actor, workspaceId: string, input: NewPurchase): Promise<{ status: 200 | 201; body: PurchaseResult }> {
  const db = deps.db.kysely;
  const now = deps.clock.now();
  const occurredAt = Date.parse(input.occurredAt);
  if (occurredAt > now + CLOCK_SKEW_MS) throw fieldIssue('occurredAt', `is in the future (the server's time is ${toIso(now)})`);
  const earlier = await findPurchase(db, workspaceId, input.orderId);
  if (earlier) return { status: 200, body: await replayOrConflict(db, earlier, input) };
  const buyerKey = userKey(input.buyer.userId);
  try {
    const row = await db.transaction().execute(async (tx) => {
      const settings = await getRewardSettings(tx, workspaceId);
      if (input.currency !== settings.currency) {
        throw new AppError('purchase_currency_mismatch', `This workspace's rewards are in ${settings.currency}; report the purchase amount in ${settings.currency}`, { currency: settings.currency });
      }
      if (!(await isKnownParty(tx, workspaceId, buyerKey))) {
        throw new AppError('purchase_buyer_unknown', `No user ${JSON.stringify(input.buyer.userId)} is known to this workspace (no code, redemption, referral or membership names them): redeem their code first, or check the user id`, {
          errors: [{ in: 'body', pointer: '/buyer/userId', message: 'is not known to this workspace' }],
        });
      }
      const purchase: PurchaseRow = {
        id: newId(now),
        workspace_id: workspaceId,
        order_id: input.orderId,
        buyer_key: buyerKey,
        amount: input.amount,
        currency: input.currency,
        refunded: 0,
        occurred_at: occurredAt,
        created_at: now,
      };
      await tx.insertInto('purchases').values(purchase).execute();
      const chain = await uplineOf(tx, workspaceId, buyerKey, settings.referralDepth);
      if (chain.length > 0) await tx.insertInto('purchase_attributions').values(chain.map((s) => ({ purchase_id: purchase.id, workspace_id: workspaceId, level: s.level, party_key: s.party }))).execute();
      const commissions = chain.flatMap((step) => {
        const rateBps = settings.referral.commissionBps[step.level - 1] ?? 0;
        const amount = commissionOf(input.amount, rateBps);
        if (amount === 0) return [];
        const entry = { workspaceId, beneficiaryKey: step.party, kind: 'commission' as const, amount, currency: input.currency, scope: REFERRAL_SCOPE, sourceKey: buyerKey, holdingDays: settings.holdingDays };
        return [pendingEntry({ ...entry, purchase: { id: purchase.id, orderId: input.orderId, level: step.level, rateBps } }, now)];
      });
      await insertEntries(tx, commissions, now);
      const view = await presentPurchase(tx, purchase);
      await recordChange(
        tx,
        actor,
        {
          workspaceId,
          action: 'purchase.recorded',
          targetType: 'purchase',
          targetId: purchase.id,
          details: { orderId: input.orderId, buyer: buyerKey, amount: input.amount, currency: input.currency, commissions: commissions.map((c) => c.id) },
          event: { purchase: view, commissions: commissions.map(presentEntry) },
        },
        now,
      );
      return purchase;
    });
    return { status: 201, body: await result(db, row, false) };
  } catch (error) {
    // The same order id committed by a concurrent report: answer as if it came first.
    if (!isUniqueViolation(error)) throw error;
    const winner = await mustFindPurchase(db, workspaceId, input.orderId);
    return { status: 200, body: await replayOrConflict(db, winner, input) };
  }
}

export interface PurchaseFilter {
  buyerKey?: string;
  attributedTo?: string;
  before?: string;
  limit: number;
}

/** Newest first; attributedTo lists the purchases of a party's downline (any level within the depth at the time). */
export function listPurchaseRows(db: Executor, workspaceId: string, filter: PurchaseFilter): Promise<PurchaseRow[]> {
  let query = db.selectFrom('purchases').selectAll('purchases').where('purchases.workspace_id', '=', workspaceId);
  if (filter.buyerKey) query = query.where('purchases.buyer_key', '=', filter.buyerKey);
  if (filter.attributedTo) {
    const attributed = db.selectFrom('purchase_attributions').select('purchase_id').where('workspace_id', '=', workspaceId).where('party_key', '=', filter.attributedTo);
    query = query.where('purchases.id', 'in', attributed);
  }
  if (filter.before) query = query.where('purchases.id', '<', filter.before);
  return query.orderBy('purchases.id', 'desc').limit(filter.limit).execute();
}
