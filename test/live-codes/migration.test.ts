import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { migrateToLatest, type Db } from '../../src/db/index.ts';
import { createTestDatabase, openDatabaseAt, type TestDatabase } from '../harness/database.ts';
import { DIALECTS } from '../harness/env.ts';

const T = Date.UTC(2030, 0, 1);

/**
 * 0006_live_codes makes codes.group_id nullable. On SQLite that means rebuilding the codes table
 * under scans and code_scan_days, whose foreign keys cascade: a database that already has codes and
 * scans must come through with every row, index and foreign key intact.
 */
for (const dialect of DIALECTS) {
  describe(`migration 0006_live_codes on a database with codes and scans (${dialect})`, () => {
    let database: TestDatabase;
    let db: Db;

    before(async () => {
      database = await createTestDatabase(dialect);
      db = await openDatabaseAt(database, '0005_members');
      const k = db.kysely as any;
      await k.insertInto('workspaces').values({ id: 'W1', name: 'w', plan: 'free', limits: '{}', created_at: T, updated_at: T }).execute();
      await k
        .insertInto('groups')
        .values({ id: 'G1', workspace_id: 'W1', kind: 'hosted', name: 'g', description: '', value_statement: '', welcome_text: '', avatar: null, capacity: 10, member_count: 0, platform: null, join_url: null, status: 'active', created_at: T, updated_at: T })
        .execute();
      for (const id of ['C1', 'C2']) {
        await k
          .insertInto('codes')
          .values({
            id, workspace_id: 'W1', group_id: 'G1', name: id, status: 'active', token: `token-${id}`, token_issued_at: T, expires_at: null, validity_hours: null, rotation: 'weekly',
            next_rotation_at: T + 1, scans_per_day_cap: 100, scans_total_cap: null, scans_total: 3, joins_per_hour_cap: null, active_from: null, active_until: null, password_hash: null,
            tags: '{"channel":"poster"}', created_at: T, updated_at: T, revoked_at: null,
          })
          .execute();
        for (let i = 0; i < 3; i += 1) {
          await k
            .insertInto('scans')
            .values({ id: `${id}-S${i}`, workspace_id: 'W1', code_id: id, scanned_at: T, outcome: 'ok', tags: '{}', ua_app: 'wechat', ua_os: 'ios', ua_device: 'mobile', bot: 0, network: '203.0.113.0/24' })
            .execute();
        }
        await k.insertInto('code_scan_days').values({ code_id: id, day: '2030-01-01', scans: 3 }).execute();
      }
      await migrateToLatest(db.kysely);
    });
    after(async () => {
      await db.close();
      await database.drop();
    });

    test('given the migrated database, then every code, scan and day counter is still there with its values', async () => {
      const codes = await db.kysely.selectFrom('codes').selectAll().orderBy('id').execute();
      assert.deepEqual(codes.map((c) => [c.id, c.group_id, c.token, c.rotation, c.next_rotation_at, c.scans_per_day_cap, c.scans_total, c.tags]), [
        ['C1', 'G1', 'token-C1', 'weekly', T + 1, 100, 3, '{"channel":"poster"}'],
        ['C2', 'G1', 'token-C2', 'weekly', T + 1, 100, 3, '{"channel":"poster"}'],
      ]);
      assert.equal((await db.kysely.selectFrom('scans').select('id').execute()).length, 6);
      assert.deepEqual((await db.kysely.selectFrom('scans').select('entry_id').distinct().execute()).map((r) => r.entry_id), [null]);
      assert.equal((await db.kysely.selectFrom('code_scan_days').select('code_id').execute()).length, 2);
    });

    test('given the migrated database, then a code may have no group (a live code) but still needs its workspace', async () => {
      const row = { id: 'C3', workspace_id: 'W1', group_id: null, name: 'live', status: 'active', token: 't3', token_issued_at: T, expires_at: null, validity_hours: null, rotation: 'none', next_rotation_at: null, scans_per_day_cap: null, scans_total_cap: null, scans_total: 0, joins_per_hour_cap: null, active_from: null, active_until: null, password_hash: null, tags: '{}', created_at: T, updated_at: T, revoked_at: null };
      await db.kysely.insertInto('codes').values(row).execute();
      await assert.rejects(db.kysely.insertInto('codes').values({ ...row, id: 'C4', workspace_id: 'NOPE' }).execute(), 'the workspace foreign key survived the rebuild');
      await assert.rejects(db.kysely.insertInto('codes').values({ ...row, id: 'C5', group_id: 'NOPE' }).execute(), 'the group foreign key survived the rebuild');
    });

    test('given the migrated database, then deleting a code still cascades to its scans and day counters, and scans still need a real code', async () => {
      await db.kysely.deleteFrom('codes').where('id', '=', 'C2').execute();
      assert.deepEqual((await db.kysely.selectFrom('scans').select('code_id').distinct().execute()).map((r) => r.code_id), ['C1']);
      assert.deepEqual((await db.kysely.selectFrom('code_scan_days').select('code_id').execute()).map((r) => r.code_id), ['C1']);
      await assert.rejects(
        db.kysely.insertInto('scans').values({ id: 'S-orphan', workspace_id: 'W1', code_id: 'NOPE', scanned_at: T, outcome: 'ok', tags: '{}', ua_app: 'x', ua_os: 'x', ua_device: 'x', bot: 0, network: 'x', entry_id: null }).execute(),
      );
      // Deleting the group behind codes cascades to them, as before the rebuild.
      await db.kysely.deleteFrom('groups').where('id', '=', 'G1').execute();
      assert.deepEqual((await db.kysely.selectFrom('codes').select('id').execute()).map((r) => r.id), ['C3']);
    });

    test('given the migrated database, then the codes indexes are back', async () => {
      const indexes =
        dialect === 'sqlite'
          ? (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'codes' and name not like 'sqlite_%'`.execute(db.kysely)).rows
          : (await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'codes' and indexname <> 'codes_pkey'`.execute(db.kysely)).rows;
      assert.deepEqual(indexes.map((i) => i.name).sort(), ['codes_group', 'codes_next_rotation', 'codes_workspace']);
    });
  });
}
