import type { JobRunner } from '../jobs/runner.ts';

/** Expired sessions are deleted hourly, so the sessions table holds only usable ones. */
export function registerStaffJobs(runner: JobRunner): void {
  runner.define({
    name: 'staff.purge-sessions',
    maxAttempts: 1,
    handler: async (_payload, { deps }) => {
      await deps.db.kysely.deleteFrom('sessions').where('expires_at', '<=', deps.clock.now()).execute();
    },
  });
  runner.schedule({ name: 'staff.purge-sessions', every: { cron: '17 * * * *' }, job: 'staff.purge-sessions' });
}
