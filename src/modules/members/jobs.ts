import type { JobRunner } from '../jobs/runner.ts';

// Email codes are kept a day past expiry so throttles and support questions can still see them.
const EMAIL_CODE_KEEP_MS = 24 * 3600 * 1000;

/** Hourly: expired member sessions and old one-time email codes are deleted. */
export function registerMemberJobs(runner: JobRunner): void {
  runner.define({
    name: 'members.purge',
    maxAttempts: 1,
    handler: async (_payload, { deps }) => {
      const now = deps.clock.now();
      await deps.db.kysely.deleteFrom('member_sessions').where('expires_at', '<=', now).execute();
      await deps.db.kysely.deleteFrom('email_codes').where('expires_at', '<=', now - EMAIL_CODE_KEEP_MS).execute();
    },
  });
  runner.schedule({ name: 'members.purge', every: { cron: '29 * * * *' }, job: 'members.purge' });
}
