import { performance } from 'node:perf_hooks';

export interface BatchQueueOptions {
  /** A batch holds at most this many items. */
  maxBatch?: number;
  /** Start a batch this long after its first item arrived; 0 (the default): once the event loop has taken in what arrived with it. */
  maxWaitMs?: number;
  /** Batches committed and syncing at once (their commits still run one after another). */
  maxInFlight?: number;
  /** A batch is committed beside one still syncing only once that one has waited this long. */
  overlapAfterMs?: number;
}

export interface BatchQueueHandlers<I> {
  /**
   * Commits one batch. Resolves once the commit is done with what finishes the batch (waiting for
   * the disk, then answering its items); the next batch may be committed while that runs.
   */
  commit(batch: I[]): Promise<() => Promise<void>>;
  /** The batch could not be committed or finished: answer each of its items with the error. */
  failed(batch: I[], error: unknown): void;
}

export interface BatchQueue<I> {
  push(item: I): void;
  /** Commits whatever is waiting now and resolves when everything queued so far is finished. */
  flush(): Promise<void>;
  /** Drains the queue; items pushed later go one batch each at once. */
  close(): Promise<void>;
}

/**
 * The scheduling of group commit, shared by the scan recorder and redemptions: items queue up and
 * a batch starts as soon as the event loop has taken in what arrived together (or after
 * maxWaitMs); items arriving while it is committed and synced form the next one, so batches grow
 * with the load. Commits run one after another; when the disk is slow (a sync outlasting
 * overlapAfterMs) the next batch is committed beside the one still syncing (at most maxInFlight at
 * once), so an item waits for about one sync rather than the rest of another one first.
 */
export function createBatchQueue<I>(handlers: BatchQueueHandlers<I>, options: BatchQueueOptions = {}): BatchQueue<I> {
  const maxBatch = options.maxBatch ?? 100;
  const maxWaitMs = options.maxWaitMs ?? 0;
  const maxInFlight = options.maxInFlight ?? 2;
  const overlapAfterMs = options.overlapAfterMs ?? 2;
  let queue: I[] = [];
  let cancelWait: (() => void) | null = null;
  /** Batches being committed or finished. */
  const inFlight = new Set<Promise<void>>();
  /** Whether a batch is being committed now, and when the newest one committed. */
  let committing = false;
  let lastCommitAt = 0;
  let closed = false;

  async function write(batch: I[]): Promise<void> {
    committing = true;
    let finish;
    try {
      finish = await handlers.commit(batch);
    } finally {
      committing = false;
      lastCommitAt = performance.now();
    }
    // The next batch may now be committed while this one waits for the disk.
    schedule();
    await finish();
  }

  function schedule(): void {
    if (cancelWait || queue.length === 0 || committing || inFlight.size >= maxInFlight) return;
    const full = queue.length >= maxBatch || closed;
    // Beside a batch still waiting for its sync, only once that wait has lasted overlapAfterMs:
    // while the disk is quick, items gather into one batch instead of many small ones.
    const wait = full ? 0 : Math.max(maxWaitMs, inFlight.size === 0 ? 0 : overlapAfterMs - (performance.now() - lastCommitAt));
    if (full) {
      startWrite();
    } else if (wait > 0) {
      const timer = setTimeout(startWrite, wait);
      cancelWait = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(startWrite);
      cancelWait = () => clearImmediate(immediate);
    }
  }

  function startWrite(): void {
    cancelWait?.();
    cancelWait = null;
    if (queue.length === 0 || committing || inFlight.size >= maxInFlight) return;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(maxBatch);
    const writing = write(batch).catch((error: unknown) => handlers.failed(batch, error));
    inFlight.add(writing);
    void writing.finally(() => {
      inFlight.delete(writing);
      // What arrived meanwhile goes at once: it has waited for a batch already.
      if (queue.length > 0) startWrite();
    });
  }

  async function flush(): Promise<void> {
    while (inFlight.size > 0 || queue.length > 0) {
      if (queue.length > 0) startWrite();
      await Promise.all(inFlight);
      // Let the finally() above run and start the next batch.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  return {
    push(item) {
      queue.push(item);
      schedule();
    },
    flush,
    async close() {
      closed = true;
      await flush();
    },
  };
}
