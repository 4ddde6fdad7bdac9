import type { Deps } from '../../deps.ts';
import { SYSTEM_ACTOR } from '../audit/actor.ts';
import type { JobRunner } from '../jobs/runner.ts';
import { recordMove } from './ledger.ts';

const BATCH = 200;
/** Batches per run, so one run stays short; the next run picks up the rest. */
const MAX_BATCHES = 50;

/**
 * Approves, as the system, pending entries past their holding period in workspaces that turned
 * autoApprove on. Each batch is one transaction with a compare-and-set on the state, so an entry
 * reversed or approved by staff meanwhile is left alone; every approval is audited with reward.approved.
 */
export async function approveDueEntries(deps: Deps): Promise<number> {
  const db = deps.db.kysely;
  let approved = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const now = deps.clock.now();
    const due = await db
      .selectFrom('reward_entries')
      .innerJoin('reward_settings', 'reward_settings.workspace_id', 'reward_entries.workspace_id')
      .selectAll('reward_entries')
      .where('reward_settings.auto_approve', '=', 1)
      .where('reward_entries.state', '=', 'pending')
      .where('reward_entries.hold_until', '<=', now)
      .orderBy('reward_entries.hold_until')
      .limit(BATCH)
      .execute();
    if (due.length === 0) break;
    approved += await db.transaction().execute(async (tx) => {
      const rows = await tx
        .updateTable('reward_entries')
        .set({ state: 'approved', approved_at: now, updated_at: now })
        .where('id', 'in', due.map((d) => d.id))
        .where('state', '=', 'pending')
        .returningAll()
        .execute();
      for (const row of rows) await recordMove(tx, SYSTEM_ACTOR, due.find((d) => d.id === row.id)!, row, now, { automatic: true });
      return rows.length;
    });
  }
  return approved;
}

/** Every five minutes: auto-approval of entries whose holding period is over. */
export function registerRewardJobs(runner: JobRunner): void {
  runner.define({
    name: 'rewards.auto_approve',
    maxAttempts: 3,
    handler: async (_payload, { deps }) => {
      const approved = await approveDueEntries(deps);
      if (approved > 0) deps.logger.info({ approved }, 'reward entries auto-approved');
    },
  });
  runner.schedule({ name: 'rewards.auto-approve', every: { seconds: 300 }, job: 'rewards.auto_approve' });
}
