import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { durableWritesDialect } from './durable-writes.ts';
import { withStatementCache } from './index.ts';
import { createWalSync, type WalSync } from './wal-sync.ts';

/** A WAL sync the test finishes by hand, counting the syncs asked for. */
function heldSync(): WalSync & { asked: number; finish(): void } {
  let release: () => void = () => undefined;
  const state = {
    asked: 0,
    sync() {
      state.asked += 1;
      return new Promise<void>((resolve) => (release = resolve));
    },
    finish: () => release(),
    close: async () => undefined,
  };
  return state;
}

/** Whether the promise has settled by the time queued callbacks have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('durable writes on a SQLite file (Kysely connection without its own sync)', () => {
  let dir: string;
  let connection: SQLite.Database;
  let wal: ReturnType<typeof heldSync>;
  let db: Kysely<{ items: { id: string } }>;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'joincode-durable-writes-'));
    connection = new SQLite(path.join(dir, 'db.sqlite'));
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = NORMAL');
    connection.exec('create table items (id text primary key)');
    wal = heldSync();
    db = new Kysely({ dialect: durableWritesDialect(connection, withStatementCache(connection), wal) });
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('given a write, then it is answered only once the WAL is synced, and the connection is free meanwhile', async () => {
    const write = db.insertInto('items').values({ id: 'a' }).execute();
    assert.equal(await settled(write), false, 'not answered before the sync');
    assert.equal(wal.asked, 1);
    const read = await db.selectFrom('items').selectAll().execute();
    assert.deepEqual(read, [{ id: 'a' }], 'a read runs while the sync is under way');
    assert.equal(wal.asked, 1, 'a read asks for no sync');
    wal.finish();
    await write;
  });

  it('given a transaction of several writes, then one sync, after the commit', async () => {
    const before = wal.asked;
    const done = db.transaction().execute(async (tx) => {
      await tx.insertInto('items').values({ id: 'b' }).execute();
      await tx.insertInto('items').values({ id: 'c' }).execute();
      assert.equal(wal.asked, before, 'no sync while the transaction is open');
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(wal.asked, before + 1);
    assert.equal(await settled(done), false);
    wal.finish();
    await done;
  });

  it('given a transaction that rolls back, then it is refused without waiting on a write it never made stick', async () => {
    const failed = db.transaction().execute(async (tx) => {
      await tx.insertInto('items').values({ id: 'd' }).execute();
      throw new Error('changed my mind');
    });
    await new Promise((resolve) => setImmediate(resolve));
    wal.finish();
    await assert.rejects(failed, /changed my mind/);
    assert.deepEqual(await sql`select count(*) as n from items where id = 'd'`.execute(db).then((r) => r.rows), [{ n: 0 }]);
  });
});

describe('WAL sync', () => {
  it('given callers arriving while a sync runs, then they share one more sync instead of one each', async () => {
    let syncs = 0;
    let release: () => void = () => undefined;
    const wal = createWalSync('/nowhere/db.sqlite', async () => ({
      datasync: () => {
        syncs += 1;
        return new Promise<void>((resolve) => (release = resolve));
      },
      close: async () => undefined,
    }));
    const first = wal.sync();
    await new Promise((resolve) => setImmediate(resolve));
    const later = [wal.sync(), wal.sync(), wal.sync()];
    assert.equal(syncs, 1, 'the later callers wait: their commits may have missed the running sync');
    release();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(syncs, 2, 'one more sync for all of them');
    release();
    await Promise.all(later);
    await wal.close();
  });
});
