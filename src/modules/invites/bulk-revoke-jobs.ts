import type { JobRunner } from '../jobs/runner.ts';
import { BULK_REVOKE_JOB, BULK_REVOKE_JOB_ATTEMPTS, failBulkRevoke, runBulkRevoke } from './bulk-revoke-background.ts';

/**
 * The bulk revoke job: each run resumes after the committed cursor (see bulk-revoke-background.ts).
 * A run that throws is retried with back-off like any job. When the runner gives up — the last
 * attempt threw, or every attempt died with its process or outlived its lease — the bulk revoke is
 * failed (with its audit entry and event) in the same transaction that fails the job, as batches
 * are (batch-jobs.ts), so it never shows "running" for ever. chunkSize is the codes per
 * transaction (default BULK_REVOKE_CHUNK).
 */
export function registerBulkRevokeJobs(runner: JobRunner, options: { chunkSize?: number } = {}): void {
  runner.define<{ bulkRevokeId: string }>({
    name: BULK_REVOKE_JOB,
    maxAttempts: BULK_REVOKE_JOB_ATTEMPTS,
    handler: async ({ bulkRevokeId }, { deps }) => {
      const outcome = await runBulkRevoke(deps, bulkRevokeId, options);
      deps.logger.info({ bulkRevokeId, outcome }, 'invite bulk revoke run ended');
    },
    onGaveUp: async ({ bulkRevokeId }, { deps, tx, jobId, attempts, lost }) => {
      // What people may read: the error itself stays in the server log.
      const reason = lost
        ? `The bulk revoke job gave up after ${attempts} attempts; the last never finished (the process running it stopped or ran out of time)`
        : 'An internal error stopped the bulk revoke (see the server log)';
      deps.logger.warn({ bulkRevokeId, jobId, attempts, lost }, 'invite bulk revoke job gave up: failing the bulk revoke');
      await failBulkRevoke(tx, bulkRevokeId, reason, deps.clock.now());
    },
  });
}
