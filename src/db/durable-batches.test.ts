import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '../../test/harness/database.ts';
import { openDurableBatches } from './durable-batches.ts';
import { openDatabase, type Db } from './index.ts';

const logger = pino({ level: 'silent' });

describe('durable batches on a SQLite file', () => {
  let database: TestDatabase;
  let db: Db;
  before(async () => {
    database = await createTestDatabase('sqlite');
    db = openDatabase({ dialect: 'sqlite', file: database.url });
    db.sqlite!.exec('create table db_items (id text primary key)');
  });
  after(async () => {
    await db.close();
    await database.drop();
  });

  it('given two users (scans and redemptions), then they share one batch connection, and closing one leaves the other writing', async () => {
    const scans = openDurableBatches(db, logger);
    const redemptions = openDurableBatches(db, logger);
    assert.equal(scans.connection, redemptions.connection, 'one connection, one WAL syncer and checkpointer');
    await scans.close();
    const { durable } = await redemptions.transaction((tx) => sql`insert into db_items (id) values ('a')`.execute(tx));
    await durable;
    assert.deepEqual(db.sqlite!.prepare('select id from db_items').all(), [{ id: 'a' }]);
    await redemptions.close();
    const reopened = openDurableBatches(db, logger);
    assert.notEqual(reopened.connection, scans.connection, 'the last close released it; a new user opens afresh');
    await reopened.close();
  });
});
