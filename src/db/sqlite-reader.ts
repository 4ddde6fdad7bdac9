import {
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type SqliteDatabase,
} from 'kysely';

/**
 * A Kysely dialect for SQLite reads without Kysely's connection mutex. better-sqlite3 runs each
 * statement synchronously, so statements cannot interleave and need no lock; only transactions
 * (which span awaits) do, and this dialect refuses them. Kysely's mutex wakes every waiter on each
 * release, which under 50 concurrent scans cost more than the queries themselves.
 */
export class SqliteReaderDialect implements Dialect {
  constructor(private readonly database: SqliteDatabase) {}

  createAdapter() {
    return new SqliteAdapter();
  }

  createDriver(): Driver {
    const database = this.database;
    const connection: DatabaseConnection = {
      async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
        const statement = database.prepare(compiled.sql);
        const parameters = compiled.parameters as unknown[];
        if (statement.reader) return { rows: statement.all(parameters) as R[] };
        throw new Error('the SQLite reader connection only reads');
      },
      // eslint-disable-next-line require-yield
      async *streamQuery(): AsyncIterableIterator<QueryResult<never>> {
        throw new Error('the SQLite reader connection does not stream');
      },
    };
    const noTransactions = async () => {
      throw new Error('the SQLite reader connection does not run transactions');
    };
    return {
      init: async () => undefined,
      acquireConnection: async () => connection,
      beginTransaction: noTransactions,
      commitTransaction: noTransactions,
      rollbackTransaction: noTransactions,
      releaseConnection: async () => undefined,
      destroy: async () => database.close(),
    };
  }

  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}
