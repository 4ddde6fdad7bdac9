import type { JobRunner } from '../jobs/runner.ts';
import { BATCH_JOB, BATCH_JOB_ATTEMPTS, failBatch, runBatch } from './batch.ts';

/**
 * The batch job: each run resumes from the batch's committed count (see batch.ts). A run that
 * throws is retried with back-off like any job; when the last attempt fails the batch is marked
 * failed. chunkSize is the codes per transaction (default batch.ts BATCH_CHUNK).
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
        if (attempt >= BATCH_JOB_ATTEMPTS) await failBatch(deps, batchId, error);
        throw error;
      }
    },
  });
}
