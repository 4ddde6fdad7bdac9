import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Small pools of worker threads for CPU-heavy work that must not hold up the event loop (every
 * request, scans included, waits while the loop computes): drawing QR images and posters, and
 * decoding uploaded group QR images. A pool starts its workers on demand up to its size, queues
 * what finds none idle, and replaces a worker that dies (out of memory, a crash in native code):
 * that worker's job fails, the next job gets a new worker. Each worker script answers through
 * serveJobs (serve.ts), one job at a time. Workers stay for the next job unless idleMs ends them.
 */

export type WorkerReply<R> = { ok: true; value: R } | { ok: false; message: string };

export interface PoolLoad {
  kind: string;
  running: number;
  queued: number;
}

export interface WorkerPool<J, R> {
  run(job: J): Promise<R>;
  load(): PoolLoad;
}

export interface PoolOptions {
  /** Names the pool in /metrics (joincode_worker_jobs{kind}). */
  kind: string;
  /** The worker script: .js in the built package, .ts under tsx (see siblingModule). */
  entry: URL;
  size: number;
  /** What a job does, for error messages: "Rasterising" → "Rasterising failed: …". */
  task: string;
  /**
   * Ends a worker idle this long. For jobs that leave much garbage: an idle worker allocates
   * nothing, so its collector never runs, and it would keep the memory of its last job.
   */
  idleMs?: number;
}

/** One core stays with the event loop; beyond `max`, jobs at once only compete for memory. */
export function poolSize(max: number): number {
  return Math.max(1, Math.min(max, availableParallelism() - 1));
}

/** A module beside `importMetaUrl` with the same extension: .js when built, .ts under tsx. */
export function siblingModule(importMetaUrl: string, name: string): URL {
  return new URL(`./${name}${path.extname(new URL(importMetaUrl).pathname)}`, importMetaUrl);
}

/** Every pool made in this process, for the metrics. */
const pools: WorkerPool<never, unknown>[] = [];

export function workerPoolLoads(): PoolLoad[] {
  return pools.map((pool) => pool.load());
}

/**
 * Node 20 does not hand tsx's loader to workers, so under tsx (tests, development) a TypeScript
 * worker registers it before importing its script.
 */
function spawn(entry: URL): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`, { eval: true });
}

interface Task<J, R> {
  job: J;
  resolve(value: R): void;
  reject(error: Error): void;
}

export function createWorkerPool<J, R>(options: PoolOptions): WorkerPool<J, R> {
  const queue: Task<J, R>[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Task<J, R>>();
  const idleTimers = new Map<Worker, NodeJS.Timeout>();

  function forget(worker: Worker): void {
    clearTimeout(idleTimers.get(worker));
    idleTimers.delete(worker);
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
  }

  function rest(worker: Worker): void {
    // An idle worker must not keep the process alive; a busy one must, or a job could be lost.
    worker.unref();
    idle.push(worker);
    if (options.idleMs === undefined) return;
    const timer = setTimeout(() => {
      forget(worker); // out of the idle list first, so no job is handed to a worker being ended
      void worker.terminate();
    }, options.idleMs);
    idleTimers.set(worker, timer.unref());
  }

  function startWorker(): Worker {
    const worker = spawn(options.entry);
    let failure: Error | undefined;
    worker.on('message', (reply: WorkerReply<R>) => {
      const task = busy.get(worker)!;
      busy.delete(worker);
      rest(worker);
      if (reply.ok) task.resolve(reply.value);
      else task.reject(new Error(`${options.task} failed: ${reply.message}`));
      dispatch();
    });
    worker.on('error', (error) => {
      failure = error;
    });
    worker.on('exit', (code) => {
      forget(worker);
      const task = busy.get(worker);
      busy.delete(worker);
      task?.reject(new Error(`${options.task} failed: the worker stopped (exit code ${code})${failure ? `: ${failure.message}` : ''}`));
      dispatch();
    });
    return worker;
  }

  function dispatch(): void {
    while (queue.length > 0) {
      const worker = idle.at(-1) ?? (busy.size < options.size ? startWorker() : undefined);
      if (!worker) return;
      forget(worker);
      const task = queue.shift()!;
      busy.set(worker, task);
      worker.ref();
      worker.postMessage(task.job);
    }
  }

  const pool: WorkerPool<J, R> = {
    run(job) {
      return new Promise((resolve, reject) => {
        queue.push({ job, resolve, reject });
        dispatch();
      });
    },
    load: () => ({ kind: options.kind, running: busy.size, queued: queue.length }),
  };
  pools.push(pool as WorkerPool<never, unknown>);
  return pool;
}
