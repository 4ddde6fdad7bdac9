import type { JobRunner } from '../jobs/runner.ts';
import { sendQueuedMail } from './sender.ts';

/** Queued mails leave every ten seconds when SMTP is configured; without it they stay in the outbox. */
export function registerMailJobs(runner: JobRunner, smtpConfigured: boolean): void {
  if (!smtpConfigured) return;
  runner.define({
    name: 'mail.send',
    maxAttempts: 1,
    handler: async (_payload, { deps }) => {
      await sendQueuedMail(deps);
    },
  });
  runner.schedule({ name: 'mail.send', every: { seconds: 10 }, job: 'mail.send' });
}
