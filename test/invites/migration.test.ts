import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { migrateToLatest, type Db } from '../../src/db/index.ts';
import { createTestDatabase, openDatabaseAt, type TestDatabase } from '../harness/database.ts';
import { DIALECTS } from '../harness/env.ts';

const T = Date.UTC(2030, 0, 1);

/**
 * 0012_invite_operations adds inviteCodesPerBatch to each workspace's stored limits: workspaces
 * made before it get their plan's default, and every other limit they had (edited ones included) stays.
 */
for (const dialect of DIALECTS) {
  describe(`migration 0012_invite_operations on workspaces made before it (${dialect})`, () => {
    let database: TestDatabase;
    let db: Db;

    before(async () => {
      database = await createTestDatabase(dialect);
      db = await openDatabaseAt(database, '0011_invite_funnel');
      const before = { maxCodeValidityHours: 168, scansPerCodePerDay: 150, memberCapPerGroup: 500, inviteCodesPerOwnerPerDay: null, apiAccess: false };
      const rows = [
        { id: 'W-FREE', plan: 'free', limits: JSON.stringify(before) },
        { id: 'W-PRO', plan: 'pro', limits: JSON.stringify({ ...before, apiAccess: true }) },
        { id: 'W-ENT', plan: 'enterprise', limits: JSON.stringify({ ...before, apiAccess: true }) },
      ];
      await (db.kysely as any).insertInto('workspaces').values(rows.map((r) => ({ ...r, name: r.id, created_at: T, updated_at: T }))).execute();
      await migrateToLatest(db.kysely);
    });
    after(async () => {
      await db.close();
      await database.drop();
    });

    test("given workspaces of each plan, then each gets its plan's codes per batch and keeps its other limits", async () => {
      const rows = await db.kysely.selectFrom('workspaces').select(['id', 'limits']).orderBy('id').execute();
      const limits = Object.fromEntries(rows.map((r) => [r.id, JSON.parse(r.limits) as Record<string, unknown>]));
      assert.deepEqual(
        Object.entries(limits).map(([id, l]) => [id, l.inviteCodesPerBatch, l.scansPerCodePerDay, l.inviteCodesPerOwnerPerDay]),
        [
          ['W-ENT', 1_000_000, 150, null],
          ['W-FREE', 1000, 150, null],
          ['W-PRO', 100_000, 150, null],
        ],
      );
    });
  });
}
