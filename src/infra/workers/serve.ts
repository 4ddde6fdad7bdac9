import { parentPort, type TransferListItem } from 'node:worker_threads';
import type { WorkerReply } from './pool.ts';

/**
 * The worker side of a pool (pool.ts): answers each job with `handle`'s result, or with the
 * message of what it threw. `transfer` names buffers of the result to move rather than copy.
 */
export function serveJobs<J, R>(handle: (job: J) => R, transfer: (result: R) => TransferListItem[] = () => []): void {
  const port = parentPort!;
  port.on('message', (job: J) => {
    try {
      const value = handle(job);
      port.postMessage({ ok: true, value } satisfies WorkerReply<R>, transfer(value));
    } catch (error) {
      port.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) } satisfies WorkerReply<R>);
    }
  });
}
