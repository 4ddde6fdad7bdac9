import type { Deps } from '../../deps.ts';
import type { JobRunner } from '../jobs/runner.ts';
import { purgeReports } from './funnel-reports.ts';

/** An abuse window is kept a day past its end: long enough to look at, and blocking ends with the window anyway. */
const WINDOW_KEPT_MS = 24 * 3600 * 1000;

export async function purgeAbuseWindows(deps: Deps): Promise<number> {
  const result = await deps.db.kysely.deleteFrom('invite_abuse_windows').where('window_end', '<', deps.clock.now() - WINDOW_KEPT_MS).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Hourly: forget abuse counters of windows that ended over a day ago, and report ids past their 30 days. */
export function registerInviteFunnelJobs(runner: JobRunner): void {
  runner.define({
    name: 'invites.funnel-cleanup',
    maxAttempts: 3,
    handler: async (_payload, { deps }) => {
      const windows = await purgeAbuseWindows(deps);
      const reports = await purgeReports(deps);
      if (windows + reports > 0) deps.logger.info({ windows, reports }, 'old abuse windows and report ids forgotten');
    },
  });
  runner.schedule({ name: 'invites.funnel-cleanup', every: { cron: '23 * * * *' }, job: 'invites.funnel-cleanup' });
}
