import type { Dialect, Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../audit/actor.ts';
import { insertAudit } from '../audit/repository.ts';
import { insertJob } from '../jobs/repository.ts';
import { getWorkspaceLimits } from '../workspaces/service.ts';
import { generateCode, type CodeFormat } from './alphabet.ts';
import { takeDailyQuota } from './quota.ts';
import type { InviteOrigin } from './schema.ts';
import { RESERVE_TARGET_MAX, type ReserveSettings, type ReserveView } from './reserve-schema.ts';
import { formatOf, getInviteSettings } from './settings.ts';

/**
 * The reserve pool (seed: 预留备用邀请码池, keep a pool of spare codes ready before an important
 * campaign, next to the platform's throttles on generating codes). Our reading: the daily quota
 * per owner stays the normal brake, and a workspace that turns on "reserve on throttle" keeps
 * its campaign going when an owner hits it: such an owner is handed a pre-generated code from the
 * reserve instead of a refusal, until the reserve is empty (then the usual 429). The reserve size
 * bounds how many codes the workspace hands out over the quota between two top-ups, and
 * perOwnerPerDay keeps one owner (a bot, say) from draining it. Hand-outs are marked origin
 * "reserve" on the code and in invite.created, so they stay visible.
 *
 * Reserve codes are strings only: purpose, expiry and max uses come from the create request.
 */

export const DEFAULT_RESERVE_SETTINGS: ReserveSettings = { targetSize: 0, onThrottle: false, perOwnerPerDay: null };
export const RESERVE_TOP_UP_JOB = 'invites.reserve-top-up';
export const RESERVE_TOP_UP_ATTEMPTS = 3;
const TOP_UP_CHUNK = 500;

export async function getReserveSettings(db: Executor, workspaceId: string): Promise<ReserveSettings> {
  const row = await db.selectFrom('invite_reserve_settings').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!row) return DEFAULT_RESERVE_SETTINGS;
  return { targetSize: row.target_size, onThrottle: row.on_throttle === 1, perOwnerPerDay: row.per_owner_per_day };
}

async function countReserve(db: Executor, workspaceId: string): Promise<number> {
  const row = await db.selectFrom('invite_reserve').select((eb) => eb.fn.countAll<number | string>().as('n')).where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function getReserve(deps: Deps, workspaceId: string): Promise<ReserveView> {
  const db = deps.db.kysely;
  return { ...(await getReserveSettings(db, workspaceId)), available: await countReserve(db, workspaceId) };
}

/** Replaces the settings (audited) and queues a top-up at once, so a new target is met within seconds. */
export async function putReserveSettings(deps: Deps, actor: Actor, workspaceId: string, input: ReserveSettings): Promise<ReserveView> {
  const now = deps.clock.now();
  const columns = { target_size: input.targetSize, on_throttle: input.onThrottle ? 1 : 0, per_owner_per_day: input.perOwnerPerDay, updated_at: now };
  await deps.db.kysely.transaction().execute(async (tx) => {
    await tx
      .insertInto('invite_reserve_settings')
      .values({ workspace_id: workspaceId, ...columns })
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet(columns))
      .execute();
    await insertAudit(tx, actor, { workspaceId, action: 'invite_reserve.updated', targetType: 'workspace', targetId: workspaceId, details: input }, now);
    await insertJob(tx, { id: newId(now), name: RESERVE_TOP_UP_JOB, payload: { workspaceId }, runAt: now, maxAttempts: RESERVE_TOP_UP_ATTEMPTS }, now);
  });
  return getReserve(deps, workspaceId);
}

/**
 * Takes one reserve code for good, skipping any that meanwhile became an issued code. On
 * PostgreSQL FOR UPDATE SKIP LOCKED lets concurrent hand-outs each lock a different row (a
 * locked one belongs to a transaction that is taking it); SQLite has one writer at a time. The
 * DELETE … RETURNING either removes the row for this transaction or nothing, so no code is
 * handed to two owners.
 */
export async function takeReserveCode(tx: Executor, workspaceId: string, dialect: Dialect): Promise<string | null> {
  const next = tx
    .selectFrom('invite_reserve as r')
    .select('r.id')
    .where('r.workspace_id', '=', workspaceId)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('invites as i').select('i.id').whereRef('i.workspace_id', '=', 'r.workspace_id').whereRef('i.code', '=', 'r.code'))))
    .orderBy('r.id')
    .limit(1)
    .$if(dialect === 'postgres', (q) => q.forUpdate().skipLocked());
  const taken = await tx.deleteFrom('invite_reserve').where('id', '=', next).returning('code').executeTakeFirst();
  return taken?.code ?? null;
}

/**
 * The code for a new single invite, in the creating transaction: the owner's daily quota is
 * taken and a fresh code drawn; over the quota, a reserve code when the workspace allows it
 * (within perOwnerPerDay, counted like the quota under a key of its own), else the quota's 429.
 */
export async function issueCode(tx: Executor, input: { workspaceId: string; ownerKey: string; now: number; dialect: Dialect }): Promise<{ code: string; origin: InviteOrigin }> {
  const { workspaceId, ownerKey, now } = input;
  const { inviteCodesPerOwnerPerDay } = await getWorkspaceLimits(tx, workspaceId);
  try {
    await takeDailyQuota(tx, { workspaceId, ownerKey, limit: inviteCodesPerOwnerPerDay, now });
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'invite_quota_exceeded') throw error;
    const reserve = await getReserveSettings(tx, workspaceId);
    if (!reserve.onThrottle) throw error;
    try {
      // 'reserve|' never starts a party key ('u:' / 'm:'), so these counters cannot mix with the quota's.
      await takeDailyQuota(tx, { workspaceId, ownerKey: `reserve|${ownerKey}`, limit: reserve.perOwnerPerDay, now });
    } catch (reserveLimit) {
      if (reserveLimit instanceof AppError && reserveLimit.code === 'invite_quota_exceeded') throw error;
      throw reserveLimit;
    }
    const code = await takeReserveCode(tx, workspaceId, input.dialect);
    if (code === null) throw error;
    return { code, origin: 'reserve' };
  }
  return { code: generateCode(formatOf(await getInviteSettings(tx, workspaceId))), origin: 'api' };
}

/**
 * Brings one workspace's reserve to its target: drops codes that no longer fit the workspace's
 * format or were issued meanwhile, then adds fresh codes that no issued code has, in chunks, each
 * sized in its transaction by what is still missing.
 */
export async function topUpReserve(deps: Deps, workspaceId: string): Promise<{ dropped: number; added: number }> {
  const db = deps.db.kysely;
  const settings = await getReserveSettings(db, workspaceId);
  const format: CodeFormat = formatOf(await getInviteSettings(db, workspaceId));
  const formatText = JSON.stringify(format);
  const stale = await db
    .deleteFrom('invite_reserve')
    .where('workspace_id', '=', workspaceId)
    .where((eb) =>
      eb.or([
        eb('format', '!=', formatText),
        eb.exists(eb.selectFrom('invites').select('invites.id').whereRef('invites.workspace_id', '=', 'invite_reserve.workspace_id').whereRef('invites.code', '=', 'invite_reserve.code')),
      ]),
    )
    .executeTakeFirst();
  let added = 0;
  // Bounded, so a format too small to have enough free codes cannot keep a run going.
  for (let round = 0; round < (2 * RESERVE_TARGET_MAX) / TOP_UP_CHUNK; round++) {
    const inserted = await db.transaction().execute(async (tx) => {
      const missing = Math.min(TOP_UP_CHUNK, settings.targetSize - (await countReserve(tx, workspaceId)));
      if (missing <= 0) return null;
      const candidates = [...new Set(Array.from({ length: missing }, () => generateCode(format)))];
      const issued = new Set((await tx.selectFrom('invites').select('code').where('workspace_id', '=', workspaceId).where('code', 'in', candidates).execute()).map((r) => r.code));
      const fresh = candidates.filter((code) => !issued.has(code));
      if (fresh.length === 0) return 0;
      const now = deps.clock.now();
      const result = await tx
        .insertInto('invite_reserve')
        .values(fresh.map((code) => ({ id: newId(now), workspace_id: workspaceId, code, format: formatText, created_at: now })))
        .onConflict((oc) => oc.columns(['workspace_id', 'code']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0);
    });
    if (inserted === null) break;
    added += inserted;
  }
  return { dropped: Number(stale.numDeletedRows), added };
}

/** Every workspace with a reserve target, topped up in turn; a target set to 0 empties the reserve (a lower target keeps the codes it has). */
export async function topUpAllReserves(deps: Deps): Promise<{ dropped: number; added: number }> {
  const db = deps.db.kysely;
  const targets = await db.selectFrom('invite_reserve_settings').select('workspace_id').where('target_size', '>', 0).execute();
  const totals = { dropped: 0, added: 0 };
  for (const { workspace_id: workspaceId } of targets) {
    const result = await topUpReserve(deps, workspaceId);
    totals.dropped += result.dropped;
    totals.added += result.added;
  }
  const abandoned = await db
    .deleteFrom('invite_reserve')
    .where('workspace_id', 'not in', db.selectFrom('invite_reserve_settings').select('workspace_id').where('target_size', '>', 0))
    .executeTakeFirst();
  totals.dropped += Number(abandoned.numDeletedRows);
  return totals;
}
