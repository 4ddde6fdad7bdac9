import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '../../test/harness/database.ts';
import { HAS_POSTGRES } from '../../test/harness/env.ts';
import { createGroupCommit, type GroupCommit } from './group-commit.ts';
import { isUniqueViolation, openDatabase, type Db, type Executor } from './index.ts';

const logger = pino({ level: 'silent' });

/** Items, and notes that must name an item by the time their transaction commits. */
const TABLES = [
  'create table gc_items (id text primary key)',
  'create table gc_notes (id text primary key, item_id text not null references gc_items (id) deferrable initially deferred)',
];

const insertItem = (tx: Executor, id: string) => sql`insert into gc_items (id) values (${id})`.execute(tx);

/** How each promise settled, in order. */
async function outcomes(promises: Promise<unknown>[]): Promise<string[]> {
  return (await Promise.allSettled(promises)).map((r) => (r.status === 'fulfilled' ? `ok ${String(r.value)}` : `failed ${(r.reason as Error).message}`));
}

interface Setting {
  name: string;
  open(): Promise<{ db: Db; file: string | null; drop(): Promise<void> }>;
}

const SQLITE_SETTINGS: Setting[] = [
  {
    name: 'a SQLite file',
    async open() {
      const database = await createTestDatabase('sqlite');
      const db = openDatabase({ dialect: 'sqlite', file: database.url });
      for (const statement of TABLES) db.sqlite!.exec(statement);
      return { db, file: database.url, drop: () => database.drop() };
    },
  },
  {
    name: 'an in-memory SQLite database',
    async open() {
      const db = openDatabase({ dialect: 'sqlite', file: ':memory:' });
      for (const statement of TABLES) db.sqlite!.exec(statement);
      return { db, file: null, drop: async () => undefined };
    },
  },
];

for (const setting of SQLITE_SETTINGS) {
  describe(`group commit on ${setting.name}`, () => {
    let db: Db;
    let file: string | null;
    let drop: () => Promise<void>;
    let commits: GroupCommit;
    before(async () => {
      ({ db, file, drop } = await setting.open());
      commits = createGroupCommit(db, logger);
    });
    after(async () => {
      await commits.close();
      await db.close();
      await drop();
    });
    const items = async () => (await sql<{ id: string }>`select id from gc_items order by id`.execute(db.kysely)).rows.map((r) => r.id);

    it('given units arriving together, when one throws, then only its savepoint is rolled back: the others stand and each unit gets its own outcome', async () => {
      const settled = await outcomes([
        commits.run(async (tx) => (await insertItem(tx, 'a1'), 'a1')),
        commits.run(async (tx) => {
          await insertItem(tx, 'b1');
          throw new Error('b refused');
        }),
        commits.run(async (tx) => {
          await insertItem(tx, 'c1');
          // A unique violation mid-unit: SQLite keeps the transaction, the savepoint takes c1 back too.
          await insertItem(tx, 'a1');
        }),
        commits.run(async (tx) => (await insertItem(tx, 'd1'), 'd1')),
      ]);
      assert.deepEqual(settled.slice(0, 2), ['ok a1', 'failed b refused']);
      assert.match(settled[2]!, /^failed .*UNIQUE/);
      assert.equal(settled[3], 'ok d1');
      assert.deepEqual(await items(), ['a1', 'd1']);
    });

    it('given two units in one batch, then neither settles before the batch is committed, and once one resolves its write is visible to every connection', async () => {
      let firstSettled = false;
      const first = commits.run(async (tx) => (await insertItem(tx, 'a2'), 'a2'));
      void first.finally(() => (firstSettled = true));
      const second = commits.run(async (tx) => {
        await insertItem(tx, 'b2');
        // Let every microtask and timer of this turn run: the first unit must still be waiting.
        await new Promise((resolve) => setImmediate(resolve));
        return firstSettled;
      });
      assert.equal(await second, false, 'the first unit had not settled while the batch was still open');
      assert.equal(await first, 'a2');
      if (file) {
        const other = new SQLite(file, { readonly: true });
        try {
          assert.deepEqual(other.prepare("select id from gc_items where id in ('a2', 'b2') order by id").all(), [{ id: 'a2' }, { id: 'b2' }]);
        } finally {
          other.close();
        }
      }
      await commits.synced();
    });

    it('given a batch whose commit fails, then every unit of it rejects with that error and none of their writes remain', async () => {
      const settled = await outcomes([
        commits.run(async (tx) => (await insertItem(tx, 'a3'), 'a3')),
        // The note's item is checked at commit (a deferred foreign key): the commit fails.
        commits.run(async (tx) => sql`insert into gc_notes (id, item_id) values ('n3', 'missing')`.execute(tx)),
      ]);
      assert.equal(settled.length, 2);
      for (const outcome of settled) assert.match(outcome, /^failed FOREIGN KEY constraint failed/);
      assert.ok(!(await items()).includes('a3'));
      assert.equal(await commits.run(async (tx) => (await insertItem(tx, 'a3'), 'a3')), 'a3', 'the next batch commits');
    });

    it('given more units than a batch holds, then they go in several batches and all of them commit', async () => {
      const small = createGroupCommit(db, logger, { maxBatch: 3 });
      const ids = Array.from({ length: 10 }, (_, i) => `m${i}`);
      assert.deepEqual(await Promise.all(ids.map((id) => small.run(async (tx) => (await insertItem(tx, id), id)))), ids);
      await small.close();
      assert.deepEqual((await items()).filter((id) => id.startsWith('m')), ids);
    });

    it('given units still queued, when the group commit closes, then they are written first and later units are refused', async () => {
      const closing = createGroupCommit(db, logger);
      const queued = closing.run(async (tx) => (await insertItem(tx, 'q1'), 'q1'));
      await closing.close();
      assert.equal(await queued, 'q1');
      await assert.rejects(closing.run(async () => 'late'), /closed/);
    });
  });
}

describe('group commit on PostgreSQL', { skip: !HAS_POSTGRES }, () => {
  let database: TestDatabase;
  let db: Db;
  let commits: GroupCommit;
  before(async () => {
    database = await createTestDatabase('postgres');
    db = openDatabase({ dialect: 'postgres', url: database.url });
    for (const statement of TABLES) await sql.raw(statement).execute(db.kysely);
    commits = createGroupCommit(db, logger);
  });
  after(async () => {
    await commits?.close();
    await db?.close();
    await database?.drop();
  });

  it('given units arriving together, then each is its own transaction: one failing, at a statement or at its commit, takes back only its own writes', async () => {
    const settled = await Promise.allSettled([
      commits.run(async (tx) => (await insertItem(tx, 'a1'), 'a1')),
      commits.run(async (tx) => insertItem(tx, 'a1')),
      commits.run(async (tx) => {
        await insertItem(tx, 'c1');
        await sql`insert into gc_notes (id, item_id) values ('n1', 'missing')`.execute(tx);
      }),
    ]);
    assert.deepEqual(settled[0], { status: 'fulfilled', value: 'a1' });
    assert.ok(settled[1]!.status === 'rejected' && isUniqueViolation(settled[1].reason));
    assert.ok(settled[2]!.status === 'rejected' && /foreign key/.test((settled[2].reason as Error).message));
    const rows = await sql<{ id: string }>`select id from gc_items order by id`.execute(db.kysely);
    assert.deepEqual(rows.rows, [{ id: 'a1' }]);
    await commits.synced();
  });

  it('given two units that take two locks in opposite orders, then PostgreSQL breaks the deadlock and the unit it picked runs again: both succeed, once each', async () => {
    const runs = { ab: 0, ba: 0 };
    let arrived = 0;
    let bothHoldTheirFirst: () => void = () => undefined;
    const meet = new Promise<void>((resolve) => (bothHoldTheirFirst = resolve));
    const lockInOrder = (name: 'ab' | 'ba', first: number, second: number) => async (tx: Executor) => {
      runs[name] += 1;
      await sql`select pg_advisory_xact_lock(7, ${first})`.execute(tx);
      // The first run of each waits until both hold their first lock, so they surely deadlock once.
      if (runs[name] === 1 && ++arrived === 2) bothHoldTheirFirst();
      if (runs[name] === 1) await meet;
      await sql`select pg_advisory_xact_lock(7, ${second})`.execute(tx);
      await insertItem(tx, `lock-${name}`);
      return name;
    };
    const settled = await outcomes([commits.run(lockInOrder('ab', 1, 2)), commits.run(lockInOrder('ba', 2, 1))]);
    assert.deepEqual(settled, ['ok ab', 'ok ba']);
    assert.equal(runs.ab + runs.ba, 3, 'one of them ran a second time');
    const rows = await sql<{ id: string }>`select id from gc_items where id like 'lock-%' order by id`.execute(db.kysely);
    assert.deepEqual(rows.rows, [{ id: 'lock-ab' }, { id: 'lock-ba' }]);
  });
});
