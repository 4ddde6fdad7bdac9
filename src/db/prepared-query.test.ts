import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../test/harness/database.ts';
import { DIALECTS } from '../../test/harness/env.ts';
import { migrateToLatest, openDatabase, type Db } from './index.ts';
import { prepareQuery, type Slots } from './prepared-query.ts';

const saveWorkspace = prepareQuery((db, w: Slots<{ id: string; now: number }>) =>
  db
    .insertInto('workspaces')
    .values({ id: w.id, name: 'Prepared', plan: 'pro', limits: '{}', created_at: w.now, updated_at: w.now })
    .onConflict((oc) => oc.column('id').doUpdateSet({ updated_at: w.now })),
);
const findWorkspace = prepareQuery((db, w: Slots<{ id: string }>) => db.selectFrom('workspaces').select(['id', 'name', 'updated_at']).where('id', '=', w.id));
const countUpdatedAfter = prepareQuery((_db, w: Slots<{ after: number }>) => sql<{ n: number }>`select count(*) as n from workspaces where updated_at > ${w.after} and updated_at < ${10_000}`);

for (const dialect of DIALECTS) {
  describe(`prepared queries on ${dialect}`, () => {
    let database: TestDatabase;
    let db: Db;
    before(async () => {
      database = await createTestDatabase(dialect);
      db = openDatabase(dialect === 'sqlite' ? { dialect, file: database.url } : { dialect, url: database.url });
      await migrateToLatest(db.kysely);
    });
    after(async () => {
      await db?.close();
      await database?.drop();
    });

    it('given a query prepared once, when it runs with new values, in and out of transactions, then each run binds its own values and fixed values stay', async () => {
      await saveWorkspace.execute(db.kysely, { id: 'w1', now: 5 });
      await db.kysely.transaction().execute((tx) => saveWorkspace.execute(tx, { id: 'w2', now: 7 }));
      await saveWorkspace.execute(db.kysely, { id: 'w1', now: 9 });
      assert.deepEqual((await findWorkspace.execute(db.kysely, { id: 'w1' })).rows, [{ id: 'w1', name: 'Prepared', updated_at: 9 }]);
      assert.deepEqual((await findWorkspace.execute(db.reader, { id: 'w2' })).rows, [{ id: 'w2', name: 'Prepared', updated_at: 7 }]);
      assert.equal(Number((await countUpdatedAfter.execute(db.kysely, { after: 6 })).rows[0]!.n), 2);
    });

    it('given a build that computes with a value instead of passing it through, then it is refused when first run', async () => {
      const computed = prepareQuery((db, w: Slots<{ at: number }>) => db.selectFrom('workspaces').selectAll().where('updated_at', '>', Number(w.at) + 1));
      await assert.rejects(computed.execute(db.kysely, { at: 1 }), /"at" did not reach the query as a parameter/);
    });
  });
}
