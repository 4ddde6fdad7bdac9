import type { JobRunner } from '../jobs/runner.ts';
import { announceExpiring, applyRetention, markExpired } from './lifecycle.ts';

/**
 * Invite code lifecycle: every minute, invite.expiring for codes within their lead time and
 * invite.expired for codes past their expiry; daily, archiving and purging by the retention
 * settings. Schedule ticks run once across processes and each change is a compare-and-set.
 */
export function registerInviteJobs(runner: JobRunner): void {
  runner.define({
    name: 'invites.lifecycle',
    maxAttempts: 3,
    handler: async (_payload, { deps }) => {
      const expiring = await announceExpiring(deps);
      const expired = await markExpired(deps);
      if (expiring + expired > 0) deps.logger.info({ expiring, expired }, 'invite codes expiring and expired');
    },
  });
  runner.schedule({ name: 'invites.lifecycle', every: { seconds: 60 }, job: 'invites.lifecycle' });
  runner.define({
    name: 'invites.retention',
    maxAttempts: 3,
    handler: async (_payload, { deps }) => {
      const { archived, purged } = await applyRetention(deps);
      if (archived + purged > 0) deps.logger.info({ archived, purged }, 'invite codes archived and purged');
    },
  });
  runner.schedule({ name: 'invites.retention', every: { cron: '47 3 * * *' }, job: 'invites.retention' });
}
