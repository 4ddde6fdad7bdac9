import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Logger } from 'pino';
import { BACKSTOP_CHECKPOINT_PAGES, startCheckpointer } from './checkpointer.ts';
import { withStatementCache, type Database, type Db } from './index.ts';

/** Group-commit transactions on SQLite, each answered only once its commit is on disk. */
export interface DurableBatches {
  /** The connection the transactions run on (Kysely's own for an in-memory database). */
  connection: SQLite.Database;
  /** Whether only these batches write on `connection` (not so for an in-memory database). */
  own: boolean;
  /**
   * Runs the work in one `begin immediate … commit` on `connection` (rolled back if it throws),
   * holding Kysely's connection meanwhile; `tx` is a Kysely on the batch connection. `durable`
   * settles once the commit is on disk.
   */
  transaction<T>(work: (tx: Kysely<Database>) => Promise<T>): Promise<{ result: T; durable: Promise<void> }>;
  /** The sync of the newest commit (which covers every earlier one). */
  latestSync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A connection whose commits write the WAL without syncing it (synchronous = NORMAL): the caller
 * syncs the WAL off the event loop (wal-sync.ts) before it counts anything as written. Checkpoints
 * are left to the worker (checkpointer.ts), SQLite's own threshold kept as a backstop.
 */
function openUnsyncedConnection(file: string): SQLite.Database {
  const connection = new SQLite(file, { fileMustExist: true });
  connection.pragma('busy_timeout = 5000');
  connection.pragma('foreign_keys = ON');
  connection.pragma('synchronous = NORMAL');
  connection.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  return connection;
}

/**
 * better-sqlite3 commits on the event loop, and with synchronous = FULL each commit's fsync stalls
 * every request for as long as the disk takes. So batches are written on a connection of their own
 * whose commits do not sync, and the WAL is then synced on libuv's thread pool (wal-sync.ts); a
 * batch counts as written only once that sync is done — as durable as synchronous = FULL, which
 * syncs exactly that file at commit. While a batch is written, Kysely's connection is held, so no
 * transaction of the rest of the service is open beside it and the batch's `begin immediate` never
 * waits on this process; work in a batch must therefore use the `tx` it is given, never
 * `db.kysely`. An in-memory database exists only on Kysely's connection, so its batches run there,
 * with nothing to sync. Checkpoints run on a worker thread.
 */
export function openDurableBatches(db: Db, logger: Logger): DurableBatches {
  const main = db.sqlite;
  if (!main) throw new Error('durable batches are for SQLite');
  // One batch connection, WAL syncer and checkpointer per database, whoever batches on it (scans,
  // redemptions): their transactions take turns on Kysely's connection anyway, and a second
  // checkpointer would only checkpoint the same WAL again. Closed when its last user closes it.
  let shared = openedFor.get(main);
  if (!shared) openedFor.set(main, (shared = { batches: open(db, main, logger), users: 0 }));
  shared.users += 1;
  const { batches } = shared;
  let closed = false;
  return {
    ...batches,
    async close() {
      if (closed) return;
      closed = true;
      shared.users -= 1;
      if (shared.users > 0) return;
      openedFor.delete(main);
      await batches.close();
    },
  };
}

const openedFor = new WeakMap<SQLite.Database, { batches: DurableBatches; users: number }>();

function open(db: Db, main: SQLite.Database, logger: Logger): DurableBatches {
  const onDisk = !main.memory;
  const connection = onDisk ? openUnsyncedConnection(main.name) : main;
  const batchKysely = onDisk ? new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }) }) : null;
  const wal = db.walSync;
  const checkpointer = onDisk ? startCheckpointer(main, main.name, logger) : null;
  const begin = connection.prepare('begin immediate');
  const commit = connection.prepare('commit');
  const rollback = connection.prepare('rollback');
  let latest: Promise<void> = Promise.resolve();
  return {
    connection,
    own: onDisk,
    async transaction(work) {
      let durable: Promise<void> = Promise.resolve();
      const result = await db.kysely.connection().execute(async (held) => {
        begin.run();
        let done;
        try {
          done = await work(batchKysely ?? held);
          commit.run();
        } catch (error) {
          if (connection.inTransaction) rollback.run();
          throw error;
        }
        // Started before anything else runs, so a read that saw this commit finds its sync in latestSync().
        if (wal) latest = durable = wal.sync();
        return done;
      });
      // Awaited by the caller too; this keeps a failed sync from counting as unhandled while it waits.
      durable.catch(() => undefined);
      return { result, durable };
    },
    latestSync: () => latest,
    async close() {
      await checkpointer?.stop();
      await batchKysely?.destroy();
    },
  };
}
