import type { Logger } from 'pino';
import { createBatchQueue, type BatchQueueOptions } from './batch-queue.ts';
import { openDurableBatches } from './durable-batches.ts';
import { isDeadlock, type Db, type Executor } from './index.ts';

/** One unit of work: the statements of one request, run inside a transaction it does not open or end itself. */
export type Unit<T> = (tx: Executor) => Promise<T>;

export interface GroupCommit {
  /**
   * Runs the unit in the next batch's transaction, inside a savepoint of its own. Settles once the
   * batch is committed and on disk: with the unit's result, or with the error it threw (its
   * savepoint rolled back, the other units of the batch stand). If the batch cannot commit, every
   * unit of it rejects with that error and none of their writes remain.
   */
  run<T>(unit: Unit<T>): Promise<T>;
  /**
   * Resolves once every batch committed before the call is on disk. A read beside the batches may
   * see a commit whose sync is still running; an answer built on such a read waits for this first,
   * so nothing is ever answered from a state a power cut could take back.
   */
  synced(): Promise<void>;
  /** Writes whatever is waiting and resolves once everything queued so far has settled. */
  flush(): Promise<void>;
  /** Flushes, then releases the batch connection; run() is refused from then on. */
  close(): Promise<void>;
}

interface Waiting {
  unit: Unit<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Group commit: units of work queue up, and a batch of them runs in one transaction, each unit in
 * a savepoint of its own, with one commit (and on SQLite one sync) for the batch instead of one per
 * unit. A unit settles only once its batch is on disk, so what is acknowledged is durable
 * (durable-batches.ts); batches are scheduled by batch-queue.ts.
 *
 * On PostgreSQL each unit is simply its own transaction: the server syncs at commit on its side of
 * the socket, off this event loop, and the service runs as several processes that lock rows — a
 * batch would hold every unit's locks until its commit, against another process's batch taking
 * them in another order. A unit PostgreSQL picks as a deadlock's victim is run again in a fresh
 * transaction (units only touch the database, so running one again is safe).
 */
export function createGroupCommit(db: Db, logger: Logger, options: BatchQueueOptions = {}): GroupCommit {
  if (db.dialect === 'postgres') return transactionPerUnit(db);
  const batches = openDurableBatches(db, logger);
  const { connection } = batches;
  const savepoint = connection.prepare('savepoint unit');
  const release = connection.prepare('release unit');
  const rollbackToSavepoint = connection.prepare('rollback to unit');

  async function runUnits(tx: Executor, units: readonly Waiting[]): Promise<Outcome[]> {
    const done: Outcome[] = [];
    for (const { unit } of units) {
      savepoint.run();
      try {
        const value = await unit(tx);
        release.run();
        done.push({ ok: true, value });
      } catch (error) {
        // Some errors (I/O, a full disk) make SQLite roll the whole transaction back: then the batch fails.
        if (!connection.inTransaction) throw error;
        rollbackToSavepoint.run();
        release.run();
        done.push({ ok: false, error });
      }
    }
    return done;
  }

  const queue = createBatchQueue<Waiting>(
    {
      async commit(batch) {
        const { result: outcomes, durable } = await batches.transaction((tx) => runUnits(tx, batch));
        return async () => {
          await durable;
          outcomes.forEach((outcome, i) => (outcome.ok ? batch[i]!.resolve(outcome.value) : batch[i]!.reject(outcome.error)));
        };
      },
      failed(batch, error) {
        logger.error({ err: error, units: batch.length }, 'a group-commit batch failed; each of its units is refused');
        batch.forEach((w) => w.reject(error));
      },
    },
    options,
  );
  let closed = false;

  return {
    run<T>(unit: Unit<T>): Promise<T> {
      if (closed) return Promise.reject(new Error('the group commit is closed'));
      return new Promise<T>((resolve, reject) => queue.push({ unit, resolve: resolve as (value: unknown) => void, reject }));
    },
    synced: () => batches.latestSync(),
    flush: () => queue.flush(),
    async close() {
      if (closed) return;
      closed = true;
      await queue.close();
      await batches.close();
    },
  };
}

/** Runs of a unit that keeps losing deadlocks before its error is let through. */
const DEADLOCK_ATTEMPTS = 3;

function transactionPerUnit(db: Db): GroupCommit {
  return {
    run: async (unit) => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await db.kysely.transaction().execute(unit);
        } catch (error) {
          if (!isDeadlock(error) || attempt >= DEADLOCK_ATTEMPTS) throw error;
        }
      }
    },
    synced: async () => undefined,
    flush: async () => undefined,
    close: async () => undefined,
  };
}
