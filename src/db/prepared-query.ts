import { CompiledQuery, sql, type Compilable, type DialectAdapter, type Expression, type QueryResult, type RawBuilder } from 'kysely';
import type { Executor } from './index.ts';

/** Where a value given at run time goes while the query is built once. */
class Slot {
  constructor(readonly name: string) {}
}

/** One expression per parameter, to put where its value goes (a where operand, an inserted or set value). */
export type Slots<P> = { readonly [K in keyof P]: Expression<P[K]> };

export interface PreparedQuery<P, R> {
  execute(db: Executor, params: P): Promise<QueryResult<R>>;
}

interface Compiled<P> {
  sql: string;
  bind(params: P): unknown[];
}

/**
 * A query built with Kysely once and run many times with new values. Kysely builds and compiles a
 * query anew on every call; on a hot path with a dozen statements a request, that cost more than
 * running them. `build` gets slots where the run-time values go and must pass them through as they
 * are (a slot the compiled query does not carry as a parameter is refused at once); anything else
 * in it is fixed for good. Compiled once per dialect, on first use. Takes queries of the query
 * builder and sql`` templates alike.
 */
export function prepareQuery<P, R>(build: (db: Executor, slots: Slots<P>) => Compilable<R> | RawBuilder<R>): PreparedQuery<P, R> {
  const byDialect = new Map<new () => DialectAdapter, Compiled<P>>();
  const compile = (db: Executor): Compiled<P> => {
    const used = new Set<string>();
    const slots = new Proxy({} as Slots<P>, {
      get(_, name) {
        used.add(String(name));
        return sql.val(new Slot(String(name)));
      },
    });
    const built = build(db, slots);
    const query = 'isRawBuilder' in built ? built.compile(db) : built.compile();
    const carried = new Set(query.parameters.flatMap((p) => (p instanceof Slot ? [p.name] : [])));
    for (const name of used) if (!carried.has(name)) throw new Error(`prepareQuery: the value "${name}" did not reach the query as a parameter`);
    const fill = query.parameters.map((p) => (p instanceof Slot ? p.name : null));
    const fixed = query.parameters;
    return {
      sql: query.sql,
      bind: (params) => fill.map((name, i) => (name === null ? fixed[i] : params[name as keyof P])),
    };
  };
  return {
    async execute(db, params) {
      const dialect = db.getExecutor().adapter.constructor as new () => DialectAdapter;
      let compiled = byDialect.get(dialect);
      if (!compiled) byDialect.set(dialect, (compiled = compile(db)));
      return (await db.executeQuery(CompiledQuery.raw(compiled.sql, compiled.bind(params)))) as QueryResult<R>;
    },
  };
}
