import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import type { JobRunner } from '../jobs/runner.ts';
import { BATCH_JOB, BATCH_JOB_ATTEMPTS, failBatch, failureReason, runBatch } from './batch.ts';

/** The job that fails batches whose generation job the runner gave up on. */
const WATCH_JOB = 'invites.batch-watch';

/**
 * Batches whose job is gone: queued or running, with no pending or running `invites.batch` job
 * left (its id is `invites.batch:<batchId>`, continuations `invites.batch:<batchId>:<n>`). The
 * handler fails a batch itself when its last attempt throws; but when every attempt died with its
 * process (or outlived its lease), the runner gives up without calling the handler again, and
 * without this the batch would show "running" for ever. Reads the jobs table directly: the job
 * runner has no notion of what a job is for.
 */
export async function failAbandonedBatches(deps: Deps): Promise<number> {
  const db = deps.db.kysely;
  const abandoned = await db
    .selectFrom('invite_batches')
    .select(['id', 'generated', 'total'])
    .where('kind', '=', 'generate')
    .where('state', 'in', ['queued', 'running'])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('jobs')
            .select('jobs.id')
            .where('jobs.status', 'in', ['pending', 'running'])
            .where('jobs.id', 'like', sql<string>`${`${BATCH_JOB}:`} || invite_batches.id || '%'`),
        ),
      ),
    )
    .execute();
  for (const batch of abandoned) {
    const last = await db
      .selectFrom('jobs')
      .select(['id', 'attempts', 'max_attempts', 'last_error'])
      .where('id', 'like', `${BATCH_JOB}:${batch.id}%`)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    deps.logger.warn({ batchId: batch.id, job: last?.id, lastError: last?.last_error }, 'invite batch abandoned by its job: failing it');
    // The runner counts one more claim than attempts when it finds the last attempt's worker gone.
    const runs = last ? `after ${Math.min(last.attempts, last.max_attempts)} attempts that never finished (the process running it stopped or ran out of time each time)` : 'and its job is gone';
    await failBatch(deps, batch.id, `The batch job gave up ${runs}; ${batch.generated} of ${batch.total} codes were made. Export or revoke them, or generate a new batch`);
  }
  return abandoned.length;
}

/**
 * The batch job: each run resumes from the batch's committed count (see batch.ts). A run that
 * throws is retried with back-off like any job; when the last attempt fails the batch is marked
 * failed, and a watch every minute fails batches whose job died on its last attempt.
 * chunkSize is the codes per transaction (default batch.ts BATCH_CHUNK).
 */
export function registerBatchJobs(runner: JobRunner, options: { chunkSize?: number } = {}): void {
  runner.define<{ batchId: string }>({
    name: BATCH_JOB,
    maxAttempts: BATCH_JOB_ATTEMPTS,
    handler: async ({ batchId }, { deps, attempt }) => {
      try {
        const outcome = await runBatch(deps, batchId, options);
        deps.logger.info({ batchId, outcome }, 'invite batch run ended');
      } catch (error) {
        if (attempt >= BATCH_JOB_ATTEMPTS) await failBatch(deps, batchId, failureReason(error));
        throw error;
      }
    },
  });
  runner.define({
    name: WATCH_JOB,
    maxAttempts: 1,
    handler: async (_payload, { deps }) => {
      await failAbandonedBatches(deps);
    },
  });
  runner.schedule({ name: WATCH_JOB, every: { seconds: 60 }, job: WATCH_JOB });
}
