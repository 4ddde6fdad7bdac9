import type SQLite from 'better-sqlite3';
import { SqliteDialect, type Dialect, type Driver } from 'kysely';
import type { WalSync } from './wal-sync.ts';

/** What the dialect runs statements on: better-sqlite3's own, so it can tell writes from reads. */
export interface StatementSource {
  prepare(sql: string): SQLite.Statement;
  close(): void;
}

/**
 * Kysely's SQLite dialect for a connection that commits without syncing (synchronous = NORMAL):
 * a query or transaction that wrote resolves only once the WAL is synced on libuv's thread pool
 * (wal-sync.ts). What is acknowledged is on disk, as with synchronous = FULL, but the event loop no
 * longer stands still for the disk at each commit — under load the job runner and the webhook
 * fan-out commit all the time — and commits made during one sync share the next.
 *
 * The connection is released before the sync, so the next query does not wait for the disk; it may
 * read a commit whose sync is still running, as the reader connection may read a group-commit
 * batch's. Only the committing caller's answer waits for the sync.
 */
export function durableWritesDialect(connection: SQLite.Database, statements: StatementSource, wal: WalSync): Dialect {
  let wrote = false;
  const base = new SqliteDialect({
    database: {
      close: () => statements.close(),
      prepare(sql: string) {
        const statement = statements.prepare(sql);
        // begin, commit, savepoint and release are read-only to SQLite; a write dirties the WAL.
        if (!statement.readonly) wrote = true;
        return statement;
      },
    },
  });
  return {
    createAdapter: () => base.createAdapter(),
    createQueryCompiler: () => base.createQueryCompiler(),
    createIntrospector: (db) => base.createIntrospector(db),
    createDriver(): Driver {
      const inner = base.createDriver();
      return {
        init: () => inner.init(),
        acquireConnection: () => inner.acquireConnection(),
        beginTransaction: (...args) => inner.beginTransaction(...args),
        commitTransaction: (...args) => inner.commitTransaction(...args),
        rollbackTransaction: (...args) => inner.rollbackTransaction(...args),
        savepoint: (...args) => inner.savepoint!(...args),
        rollbackToSavepoint: (...args) => inner.rollbackToSavepoint!(...args),
        releaseSavepoint: (...args) => inner.releaseSavepoint!(...args),
        async releaseConnection(held) {
          // Whatever was written while the connection was held is committed once no transaction is open.
          const owed = wrote && !connection.inTransaction;
          if (owed) wrote = false;
          await inner.releaseConnection(held);
          if (owed) await wal.sync();
        },
        destroy: () => inner.destroy(),
      };
    },
  };
}
