import type { JobRunner } from '../jobs/runner.ts';
import { BATCH_JOB, BATCH_JOB_ATTEMPTS, failBatch, failureReason, runBatch } from './batch.ts';

/**
 * The batch job: each run resumes from the batch's committed count (see batch.ts). A run that
 * throws is retried with back-off like any job. When the runner gives up — the last attempt threw,
 * or every attempt died with its process or outlived its lease — the batch is failed in the same
 * transaction that fails the job, so it never shows "running" for ever.
 * chunkSize is the codes per transaction (default batch.ts BATCH_CHUNK).
 */
export function registerBatchJobs(runner: JobRunner, options: { chunkSize?: number } = {}): void {
  runner.define<{ batchId: string }>({
    name: BATCH_JOB,
    maxAttempts: BATCH_JOB_ATTEMPTS,
    handler: async ({ batchId }, { deps }) => {
      const outcome = await runBatch(deps, batchId, options);
      deps.logger.info({ batchId, outcome }, 'invite batch run ended');
    },
    onGaveUp: async ({ batchId }, { deps, tx, jobId, attempts, lost, error }) => {
      const reason = lost ? `The batch job gave up after ${attempts} attempts; the last never finished (the process running it stopped or ran out of time)` : failureReason(error);
      deps.logger.warn({ batchId, jobId, attempts, lost }, 'invite batch job gave up: failing the batch');
      await failBatch(tx, batchId, reason, deps.clock.now());
    },
  });
}
