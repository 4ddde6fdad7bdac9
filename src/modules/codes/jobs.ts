import type { JobRunner } from '../jobs/runner.ts';
import { rotateDueCodes } from './service.ts';

/**
 * Scheduled rotation of join codes: every minute, codes whose next_rotation_at has come get a new
 * token and a code.rotated event (reason "scheduled"). The schedule tick runs once across
 * processes, and each rotation is a compare-and-set, so no code rotates twice for one due time.
 */
export function registerCodeJobs(runner: JobRunner): void {
  runner.define({
    name: 'codes.rotate',
    maxAttempts: 3,
    handler: async (_payload, { deps }) => {
      const rotated = await rotateDueCodes(deps);
      if (rotated > 0) deps.logger.info({ rotated }, 'rotated join codes on schedule');
    },
  });
  runner.schedule({ name: 'codes.rotate', every: { seconds: 60 }, job: 'codes.rotate' });
}
