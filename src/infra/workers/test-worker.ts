import { threadId } from 'node:worker_threads';
import { serveJobs } from './serve.ts';

/** The worker of pool.test.ts: echoes (by default its thread id), throws, exits, or holds its thread until told to go on. */
export interface TestJob {
  echo?: string;
  fail?: string;
  exit?: number;
  /** Blocks this worker until the main thread sets the first element to 1. */
  hold?: Int32Array;
}

serveJobs((job: TestJob) => {
  if (job.exit !== undefined) process.exit(job.exit);
  if (job.fail !== undefined) throw new Error(job.fail);
  if (job.hold) Atomics.wait(job.hold, 0, 0);
  return job.echo ?? `thread ${threadId}`;
});
