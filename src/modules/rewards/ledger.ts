import type { Selectable } from 'kysely';
import { toIso } from '../../clock.ts';
import type { Executor } from '../../db/index.ts';
import type { RewardEntryTable } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../audit/actor.ts';
import { recordChange } from '../audit/record.ts';
import { recordEvent } from '../events/outbox.ts';
import { lookUpNames, nameParty, presentParty, type PartyNames } from './parties.ts';
import type { EntryKind, EntryRecord, EntryState, EntryView, PayEntry, ReverseEntry } from './schema.ts';

export type EntryRow = Selectable<RewardEntryTable>;

const DAY_MS = 24 * 3600 * 1000;
/** The scope of the referral program; a campaign's scope is its id. */
export const REFERRAL_SCOPE = 'referral';

/** An entry as events carry it; nameEntries makes the API's view of it. */
export function presentEntry(row: EntryRow): EntryRecord {
  return {
    id: row.id,
    beneficiary: presentParty(row.beneficiary_key),
    kind: row.kind as EntryKind,
    state: row.state as EntryState,
    amount: Number(row.amount),
    currency: row.currency,
    campaignId: row.scope === REFERRAL_SCOPE ? null : row.scope,
    source: presentParty(row.source_key),
    redemptionId: row.redemption_id,
    tier: row.tier,
    purchaseId: row.purchase_id,
    orderId: row.order_id,
    level: row.level,
    rateBps: row.rate_bps,
    refundId: row.refund_id,
    splitFrom: row.split_from,
    holdUntil: toIso(row.hold_until),
    reference: row.reference,
    reason: row.reason,
    createdAt: toIso(row.created_at),
    approvedAt: toIso(row.approved_at),
    paidAt: toIso(row.paid_at),
    reversedAt: toIso(row.reversed_at),
  };
}

export function nameEntry(entry: EntryRecord, names: PartyNames): EntryView {
  return { ...entry, beneficiary: nameParty(entry.beneficiary, names), source: nameParty(entry.source, names) };
}

/** Entries as the API shows them: beneficiary and source with the names they were last given (one look-up for all). */
export async function nameEntries(db: Executor, workspaceId: string, entries: EntryRecord[]): Promise<EntryView[]> {
  const names = await lookUpNames(db, workspaceId, entries.flatMap((e) => [e.beneficiary.key, e.source.key]));
  return entries.map((entry) => nameEntry(entry, names));
}

export interface NewEntry {
  workspaceId: string;
  beneficiaryKey: string;
  kind: EntryKind;
  amount: number;
  currency: string;
  scope: string;
  sourceKey: string;
  holdingDays: number;
  redemptionId?: string;
  tier?: number;
  purchase?: { id: string; orderId: string; level: number; rateBps: number };
}

/** A pending entry, held for the workspace's holding period from its creation. */
export function pendingEntry(entry: NewEntry, now: number): EntryRow {
  return {
    id: newId(now),
    workspace_id: entry.workspaceId,
    beneficiary_key: entry.beneficiaryKey,
    kind: entry.kind,
    state: 'pending',
    amount: entry.amount,
    currency: entry.currency,
    scope: entry.scope,
    source_key: entry.sourceKey,
    redemption_id: entry.redemptionId ?? null,
    tier: entry.tier ?? null,
    purchase_id: entry.purchase?.id ?? null,
    order_id: entry.purchase?.orderId ?? null,
    level: entry.purchase?.level ?? null,
    rate_bps: entry.purchase?.rateBps ?? null,
    refund_id: null,
    split_from: null,
    hold_until: now + entry.holdingDays * DAY_MS,
    reference: null,
    reason: null,
    created_at: now,
    approved_at: null,
    paid_at: null,
    reversed_at: null,
    updated_at: now,
  };
}

/** Writes new pending entries with their reward.created events, in the caller's transaction. */
export async function insertEntries(tx: Executor, rows: EntryRow[], now: number): Promise<void> {
  if (rows.length === 0) return;
  await tx.insertInto('reward_entries').values(rows).execute();
  for (const row of rows) await recordEvent(tx, { workspaceId: row.workspace_id, type: 'reward.created', payload: { entry: presentEntry(row) } }, now);
}

/** The states an entry may leave for each target: paid and reversed are final. */
const TRANSITIONS = {
  approved: { from: ['pending'], verb: 'approve' },
  paid: { from: ['approved'], verb: 'pay' },
  reversed: { from: ['pending', 'approved'], verb: 'reverse' },
} as const satisfies Record<Exclude<EntryState, 'pending'>, { from: readonly EntryState[]; verb: string }>;
type Target = keyof typeof TRANSITIONS;

export function isReversible(row: EntryRow): boolean {
  return (TRANSITIONS.reversed.from as readonly string[]).includes(row.state);
}

function refuseTransition(row: EntryRow, to: Target): AppError {
  const { from, verb } = TRANSITIONS[to];
  return new AppError('reward_transition_invalid', `The entry is ${row.state}; only ${from.join(' or ')} entries can be ${to === 'paid' ? 'paid' : `${verb}d`}`, { state: row.state });
}

/**
 * Moves one entry to a new state by compare-and-set on its current state, so a concurrent
 * transition (or a refund reversing it) wins or loses whole. Returns the entry as updated, or
 * undefined when it was no longer in a state the target may come from.
 */
export async function moveEntry(tx: Executor, row: EntryRow, to: Target, now: number, extra: { reference?: string | null; reason?: string | null; refundId?: string } = {}): Promise<EntryRow | undefined> {
  if (!(TRANSITIONS[to].from as readonly string[]).includes(row.state)) return undefined;
  const stamp = to === 'approved' ? { approved_at: now } : to === 'paid' ? { paid_at: now, reference: extra.reference ?? null } : { reversed_at: now, reason: extra.reason ?? null, refund_id: extra.refundId ?? null };
  return tx
    .updateTable('reward_entries')
    .set({ state: to, updated_at: now, ...stamp })
    .where('id', '=', row.id)
    .where('state', '=', row.state)
    .returningAll()
    .executeTakeFirst();
}

async function mustFindEntry(db: Executor, workspaceId: string, entryId: string): Promise<EntryRow> {
  const row = await db.selectFrom('reward_entries').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', entryId).executeTakeFirst();
  if (!row) throw new AppError('not_found', 'No such reward entry');
  return row;
}

export async function getEntry(deps: Deps, workspaceId: string, entryId: string): Promise<EntryView> {
  const [view] = await nameEntries(deps.db.kysely, workspaceId, [presentEntry(await mustFindEntry(deps.db.kysely, workspaceId, entryId))]);
  return view!;
}

const EVENT_OF = { approved: 'reward.approved', paid: 'reward.paid', reversed: 'reward.reversed' } as const;

/** Writes the audit row and the event of an entry that moved. */
export async function recordMove(tx: Executor, actor: Actor, before: EntryRow, after: EntryRow, now: number, more: Record<string, unknown> = {}): Promise<void> {
  const to = after.state as Target;
  const entry = presentEntry(after);
  await recordChange(
    tx,
    actor,
    {
      workspaceId: after.workspace_id,
      action: EVENT_OF[to],
      targetType: 'reward_entry',
      targetId: after.id,
      details: { from: before.state, to, amount: entry.amount, currency: entry.currency, beneficiary: entry.beneficiary.key, reference: after.reference, reason: after.reason, ...more },
      event: { entry, ...more },
    },
    now,
  );
}

/**
 * Staff (or an API key with rewards:manage) approve, pay or reverse one entry: pending → approved
 * once its holding period is over, approved → paid, pending or approved → reversed. Anything else
 * is 409 reward_transition_invalid; audited, with the matching reward.* event.
 */
export async function transitionEntry(
  deps: Deps,
  actor: Actor,
  workspaceId: string,
  entryId: string,
  to: Target,
  input: PayEntry & ReverseEntry = {},
): Promise<EntryView> {
  const now = deps.clock.now();
  const moved = await deps.db.kysely.transaction().execute(async (tx) => {
    const row = await mustFindEntry(tx, workspaceId, entryId);
    if (to === 'approved' && row.state === 'pending' && now < row.hold_until) {
      throw new AppError('reward_on_hold', `The entry is held until ${toIso(row.hold_until)} (the holding period); approve it from then on`, { approvableAt: toIso(row.hold_until) });
    }
    const after = await moveEntry(tx, row, to, now, { reference: input.reference, reason: input.reason });
    if (!after) throw refuseTransition(await mustFindEntry(tx, workspaceId, entryId), to);
    await recordMove(tx, actor, row, after, now);
    return presentEntry(after);
  });
  // Named once committed: on SQLite the transaction holds the one connection.
  const [view] = await nameEntries(deps.db.kysely, workspaceId, [moved]);
  return view!;
}

export interface LedgerFilter {
  state?: EntryState;
  kind?: EntryKind;
  beneficiaryKey?: string;
  scope?: string;
  orderId?: string;
  redemptionId?: string;
  before?: string;
  limit: number;
}

function filtered(db: Executor, workspaceId: string, filter: Omit<LedgerFilter, 'state' | 'before' | 'limit'>) {
  let query = db.selectFrom('reward_entries').where('workspace_id', '=', workspaceId);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.beneficiaryKey) query = query.where('beneficiary_key', '=', filter.beneficiaryKey);
  if (filter.scope) query = query.where('scope', '=', filter.scope);
  if (filter.orderId) query = query.where('order_id', '=', filter.orderId);
  if (filter.redemptionId) query = query.where('redemption_id', '=', filter.redemptionId);
  return query;
}

/** Newest first, with the count and amount per state over every entry the filters other than state match. */
export async function listLedger(deps: Deps, workspaceId: string, filter: LedgerFilter) {
  const db = deps.db.kysely;
  let page = filtered(db, workspaceId, filter).selectAll();
  if (filter.state) page = page.where('state', '=', filter.state);
  if (filter.before) page = page.where('id', '<', filter.before);
  const rows = await page.orderBy('id', 'desc').limit(filter.limit).execute();
  const sums = await filtered(db, workspaceId, filter)
    .select((eb) => ['state', eb.fn.countAll<number>().as('count'), eb.fn.sum<number>('amount').as('amount')])
    .groupBy('state')
    .execute();
  const totals = { pending: { count: 0, amount: 0 }, approved: { count: 0, amount: 0 }, paid: { count: 0, amount: 0 }, reversed: { count: 0, amount: 0 } };
  for (const sum of sums) totals[sum.state as EntryState] = { count: Number(sum.count), amount: Number(sum.amount) };
  return { rows, totals };
}
