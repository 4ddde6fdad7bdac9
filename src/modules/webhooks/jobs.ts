import type { JobRunner } from '../jobs/runner.ts';
import { fanOutEvents } from './fan-out.ts';

/**
 * The webhook fan-out as a scheduled job: one tick every two seconds across all processes, each
 * turning the waiting outbox events into deliveries. A failed tick is not retried; the next one
 * picks up the same events.
 */
export function registerWebhookJobs(runner: JobRunner): void {
  runner.define({
    name: 'webhooks.fan-out',
    maxAttempts: 1,
    handler: async (_payload, { deps }) => {
      await fanOutEvents(deps);
    },
  });
  runner.schedule({ name: 'webhooks.fan-out', every: { seconds: 2 }, job: 'webhooks.fan-out' });
}
