/**
 * A job worker in a process of its own, for the crash test of batch generation: it opens the
 * test's database at the test's clock and runs whatever jobs are due, with small chunks, until the
 * test kills it with SIGKILL in the middle of a batch.
 */
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import { registerBatchJobs } from '../../src/modules/invites/batch-jobs.ts';
import { createJobRunner } from '../../src/modules/jobs/runner.ts';
import { openRuntime } from '../../src/runtime.ts';
import { FakeClock } from '../harness/deps.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

const config = loadConfig({ DATABASE_URL: env('WORKER_DATABASE_URL'), DATA_DIR: env('WORKER_DATA_DIR'), SECRET_KEYS: env('WORKER_SECRET_KEYS'), LOG_LEVEL: 'silent' });
const deps = await openRuntime(config, { logger: pino({ level: 'silent' }), clock: new FakeClock(Number(env('WORKER_CLOCK'))) });
const runner = createJobRunner(deps, { workerId: 'doomed-worker' });
registerBatchJobs(runner, { chunkSize: Number(env('WORKER_CHUNK')) });
await runner.runDueOnce();
