import type { JobRunner } from '../jobs/runner.ts';
import { RESERVE_TOP_UP_ATTEMPTS, RESERVE_TOP_UP_JOB, topUpAllReserves, topUpReserve } from './reserve.ts';

/**
 * Reserve top-ups: every 5 minutes for every workspace with a reserve (once across processes),
 * and for one workspace right after its reserve settings change.
 */
export function registerReserveJobs(runner: JobRunner): void {
  runner.define<{ workspaceId?: string }>({
    name: RESERVE_TOP_UP_JOB,
    maxAttempts: RESERVE_TOP_UP_ATTEMPTS,
    handler: async ({ workspaceId }, { deps }) => {
      const { dropped, added } = workspaceId === undefined ? await topUpAllReserves(deps) : await topUpReserve(deps, workspaceId);
      if (dropped + added > 0) deps.logger.info({ workspaceId, dropped, added }, 'invite reserve topped up');
    },
  });
  runner.schedule({ name: RESERVE_TOP_UP_JOB, every: { seconds: 300 }, job: RESERVE_TOP_UP_JOB, payload: {} });
}
