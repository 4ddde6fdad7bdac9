import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Logger } from 'pino';
import { BACKSTOP_CHECKPOINT_PAGES, startCheckpointer } from './checkpointer.ts';
import { withStatementCache, type Database, type Db, type Executor } from './index.ts';
import { createWalSync } from './wal-sync.ts';

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

export interface GroupCommitOptions {
  /** A batch holds at most this many units. */
  maxBatch?: number;
  /** Batches written and syncing at once (their transactions still run one after another). */
  maxInFlight?: number;
  /** A batch is written beside one still syncing only once that one has waited this long. */
  overlapAfterMs?: number;
}

/**
 * A connection whose commits write the WAL without syncing it (synchronous = NORMAL): the caller
 * syncs the WAL off the event loop (wal-sync.ts) before it counts anything as written. Checkpoints
 * are left to the worker (checkpointer.ts), SQLite's own threshold kept as a backstop.
 */
export function openUnsyncedConnection(file: string): SQLite.Database {
  const connection = new SQLite(file, { fileMustExist: true });
  connection.pragma('busy_timeout = 5000');
  connection.pragma('foreign_keys = ON');
  connection.pragma('synchronous = NORMAL');
  connection.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  return connection;
}

interface Waiting {
  unit: Unit<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Writes one batch in one transaction; `durable` settles once its commit is on disk. */
type BatchWriter = (batch: readonly Waiting[]) => Promise<{ outcomes: Outcome[]; durable: Promise<void> }>;

interface Committer {
  write: BatchWriter;
  /** The sync of the newest commit (which covers every earlier one). */
  latestSync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * SQLite. better-sqlite3 commits on the event loop, and with synchronous = FULL each commit's
 * fsync stalls every request for as long as the disk takes; one transaction per request made that
 * stall per request. Here a batch is one transaction on a connection of its own that does not sync
 * at commit; the WAL is then synced on libuv's thread pool, and only then do the units settle — as
 * durable as synchronous = FULL, which syncs exactly that file at commit (the scan recorder's
 * mechanism). Kysely's connection is held while a batch is written, so no transaction of the rest
 * of the service is open beside it and `begin immediate` never waits on this process; units must
 * therefore use the `tx` they are given, never `db.kysely`. An in-memory database exists only on
 * Kysely's connection, so its batches run there, with nothing to sync.
 */
function sqliteCommitter(db: Db, logger: Logger): Committer {
  const main = db.sqlite!;
  const onDisk = !main.memory;
  const connection = onDisk ? openUnsyncedConnection(main.name) : main;
  const batchKysely = onDisk ? new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }) }) : null;
  const wal = onDisk ? createWalSync(main.name) : null;
  const checkpointer = onDisk ? startCheckpointer(main, main.name, logger) : null;
  const begin = connection.prepare('begin immediate');
  const commit = connection.prepare('commit');
  const rollback = connection.prepare('rollback');
  const savepoint = connection.prepare('savepoint unit');
  const release = connection.prepare('release unit');
  const rollbackToSavepoint = connection.prepare('rollback to unit');
  let latest: Promise<void> = Promise.resolve();
  return {
    async write(batch) {
      let durable: Promise<void> = Promise.resolve();
      const outcomes = await db.kysely.connection().execute(async (held) => {
        const tx = batchKysely ?? held;
        const done: Outcome[] = [];
        begin.run();
        try {
          for (const { unit } of batch) {
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
          commit.run();
        } catch (error) {
          if (connection.inTransaction) rollback.run();
          throw error;
        }
        // Started before anything else runs, so a read that saw this commit finds its sync in latestSync().
        if (wal) latest = durable = wal.sync();
        return done;
      });
      // Awaited by the batch too; this keeps a failed sync from counting as unhandled while it waits.
      durable.catch(() => undefined);
      return { outcomes, durable };
    },
    latestSync: () => latest,
    async close() {
      await checkpointer?.stop();
      await wal?.close();
      await batchKysely?.destroy();
    },
  };
}

/**
 * Group commit: units of work queue up, and a batch of them runs in one transaction, each unit in
 * a savepoint of its own, with one commit (and on SQLite one sync) for the batch instead of one per
 * unit. A unit settles only once its batch is on disk, so what is acknowledged is durable. A batch
 * starts once the event loop has taken in what arrived together; units arriving while it is
 * written and synced form the next one, so batches grow with the load. Transactions run one after
 * another; when the disk is slow (a sync outlasting overlapAfterMs) the next batch is written
 * beside the one still syncing (at most maxInFlight at once).
 *
 * On PostgreSQL each unit is simply its own transaction: the server syncs at commit on its side of
 * the socket, off this event loop, and the service runs as several processes that lock rows — a
 * batch would hold every unit's locks until its commit, against another process's batch taking
 * them in another order.
 */
export function createGroupCommit(db: Db, logger: Logger, options: GroupCommitOptions = {}): GroupCommit {
  if (db.dialect === 'postgres') return transactionPerUnit(db);
  const maxBatch = options.maxBatch ?? 100;
  const maxInFlight = options.maxInFlight ?? 2;
  const overlapAfterMs = options.overlapAfterMs ?? 2;
  const committer = sqliteCommitter(db, logger);
  let queue: Waiting[] = [];
  let cancelWait: (() => void) | null = null;
  /** Batches being written or synced. */
  const inFlight = new Set<Promise<void>>();
  let writing = false;
  let lastCommitAt = 0;
  let closed = false;

  async function write(batch: Waiting[]): Promise<void> {
    writing = true;
    let written;
    try {
      written = await committer.write(batch);
    } finally {
      writing = false;
      lastCommitAt = performance.now();
    }
    // The next batch may now be written while this one waits for the disk.
    schedule();
    await written.durable;
    written.outcomes.forEach((outcome, i) => (outcome.ok ? batch[i]!.resolve(outcome.value) : batch[i]!.reject(outcome.error)));
  }

  function schedule(): void {
    if (cancelWait || queue.length === 0 || writing || inFlight.size >= maxInFlight) return;
    const full = queue.length >= maxBatch || closed;
    // Beside a batch still waiting for its sync, only once that wait has lasted overlapAfterMs:
    // while the disk is quick, units gather into one batch instead of many small ones.
    const wait = full || inFlight.size === 0 ? 0 : overlapAfterMs - (performance.now() - lastCommitAt);
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
    if (queue.length === 0 || writing || inFlight.size >= maxInFlight) return;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(maxBatch);
    const written = write(batch).catch((error: unknown) => {
      logger.error({ err: error, units: batch.length }, 'a group-commit batch failed; each of its units is refused');
      batch.forEach((w) => w.reject(error));
    });
    inFlight.add(written);
    void written.finally(() => {
      inFlight.delete(written);
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
    run<T>(unit: Unit<T>): Promise<T> {
      if (closed) return Promise.reject(new Error('the group commit is closed'));
      return new Promise<T>((resolve, reject) => {
        queue.push({ unit, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    },
    synced: () => committer.latestSync(),
    flush,
    async close() {
      if (closed) return;
      closed = true;
      await flush();
      await committer.close();
    },
  };
}

function transactionPerUnit(db: Db): GroupCommit {
  return {
    run: (unit) => db.kysely.transaction().execute(unit),
    synced: async () => undefined,
    flush: async () => undefined,
    close: async () => undefined,
  };
}
