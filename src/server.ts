import path from 'node:path';
import { buildApp } from './app.ts';
import { SECRET_KEYS_FILE, type Config } from './config.ts';
import type { Deps } from './deps.ts';
import { registerIdempotencyJobs } from './http/idempotency.ts';
import { registerCodeJobs } from './modules/codes/jobs.ts';
import { registerLiveCodeJobs } from './modules/live-codes/jobs.ts';
import { createJobRunner, type JobRunner } from './modules/jobs/runner.ts';
import { registerMailJobs } from './modules/mail/jobs.ts';
import { registerBatchJobs } from './modules/invites/batch-jobs.ts';
import { registerBulkRevokeJobs } from './modules/invites/bulk-revoke-jobs.ts';
import { registerInviteJobs } from './modules/invites/jobs.ts';
import { registerInviteFunnelJobs } from './modules/invites/funnel-jobs.ts';
import { registerReserveJobs } from './modules/invites/reserve-jobs.ts';
import { registerRewardJobs } from './modules/rewards/jobs.ts';
import { registerMemberJobs } from './modules/members/jobs.ts';
import { registerStaffJobs } from './modules/staff/jobs.ts';
import { createDeliveryWorker } from './modules/webhooks/delivery.ts';
import { registerWebhookJobs } from './modules/webhooks/jobs.ts';
import { isLocalOnlyUrl } from './public-url.ts';
import { closeRuntime, openRuntime } from './runtime.ts';

export interface RunningServer {
  url: string;
  deps: Deps;
  /** Stops accepting, lets in-flight requests finish, flushes pending writes, closes the database. */
  stop(): Promise<void>;
}

async function hasStaff(deps: Deps): Promise<boolean> {
  return (await deps.db.kysely.selectFrom('staff').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/** Every module's background work, defined on one runner. */
function defineJobs(deps: Deps): JobRunner {
  const runner = createJobRunner(deps);
  registerWebhookJobs(runner);
  registerMailJobs(runner, deps.config.smtpUrl !== null);
  registerStaffJobs(runner);
  registerIdempotencyJobs(runner);
  registerCodeJobs(runner);
  registerLiveCodeJobs(runner);
  registerMemberJobs(runner);
  registerInviteJobs(runner);
  registerInviteFunnelJobs(runner);
  registerBatchJobs(runner);
  registerBulkRevokeJobs(runner);
  registerReserveJobs(runner);
  registerRewardJobs(runner);
  return runner;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const deps = await openRuntime(config);
  const runner = defineJobs(deps);
  const deliveries = createDeliveryWorker(deps);
  const app = await buildApp(deps, { jobCounts: () => runner.counts() });
  await app.listen({ host: config.host, port: config.port });
  if (config.runJobs) {
    runner.start();
    deliveries.start();
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  deps.logger.info({ url, publicUrl: config.publicUrl, database: config.database.dialect, redis: Boolean(config.redisUrl) }, 'joincode is listening');
  if (isLocalOnlyUrl(config.publicUrl)) {
    deps.logger.warn({ publicUrl: config.publicUrl }, 'QR codes and links point to this machine only, which phones cannot open: set PUBLIC_URL to the address they reach before printing codes');
  }
  if (config.secretKeysGenerated) {
    deps.logger.warn({ file: path.join(config.dataDir, SECRET_KEYS_FILE) }, 'generated a new secret key ring; back it up with the database (npm run joincode -- backup <directory> takes both)');
  }
  if (!(await hasStaff(deps))) {
    process.stdout.write(
      `\njoincode is running at ${url} (console: ${url}/console/).\n` +
        'No operator exists yet. Create the first one with:\n\n' +
        '  npm run joincode -- create-operator\n\n' +
        '(or non-interactively: npm run joincode -- create-operator --email you@example.com --name "Your Name" --workspace "My community" --password-stdin)\n\n',
    );
  }
  let stopping: Promise<void> | null = null;
  return {
    url,
    deps,
    stop: () => {
      stopping ??= (async () => {
        await app.close();
        await Promise.all([deliveries.stop(), runner.stop()]);
        await closeRuntime(deps);
      })();
      return stopping;
    },
  };
}
