import type { Executor } from '../../db/index.ts';
import { AppError } from '../../errors.ts';
import { utcDay } from '../codes/tokens.ts';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Counts one more code for an owner today (UTC) against the plan's inviteCodesPerOwnerPerDay, in
 * the caller's transaction (the one inserting the code). The counter row is created if missing and
 * then raised only while under the limit, in one conditional UPDATE: on PostgreSQL a concurrent
 * transaction waits for the row lock and re-checks the condition against the committed count, on
 * SQLite writers are serialized, so the limit holds across any number of processes.
 */
export async function takeDailyQuota(tx: Executor, input: { workspaceId: string; ownerKey: string; limit: number | null; now: number }): Promise<void> {
  if (input.limit === null) return;
  const day = utcDay(input.now);
  const key = { workspace_id: input.workspaceId, owner_key: input.ownerKey, day };
  await tx
    .insertInto('invite_quota_days')
    .values({ ...key, created: 0 })
    .onConflict((oc) => oc.columns(['workspace_id', 'owner_key', 'day']).doNothing())
    .execute();
  const taken = await tx
    .updateTable('invite_quota_days')
    .set((eb) => ({ created: eb('created', '+', 1) }))
    .where('workspace_id', '=', key.workspace_id)
    .where('owner_key', '=', key.owner_key)
    .where('day', '=', day)
    .where('created', '<', input.limit)
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) > 0) return;
  const resetAt = (Math.floor(input.now / DAY_MS) + 1) * DAY_MS;
  throw new AppError(
    'invite_quota_exceeded',
    `This owner has created ${input.limit} invite codes today (UTC), the workspace's limit per owner per day; more can be created from ${new Date(resetAt).toISOString()}`,
    { limit: input.limit, resetsAt: new Date(resetAt).toISOString(), retryAfterSeconds: Math.max(1, Math.ceil((resetAt - input.now) / 1000)) },
  );
}

/** Counter rows of days that can no longer be counted against. */
export async function purgeQuotaDays(db: Executor, now: number): Promise<void> {
  await db.deleteFrom('invite_quota_days').where('day', '<', utcDay(now - DAY_MS)).execute();
}
