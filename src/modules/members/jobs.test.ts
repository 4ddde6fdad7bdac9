import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DIALECTS } from '../../../test/harness/env.ts';
import { openHarness, type Harness } from '../../../test/harness/deps.ts';
import { createJobRunner } from '../jobs/runner.ts';
import { seedWorkspace } from '../webhooks/test-fixtures.ts';
import { registerMemberJobs } from './jobs.ts';

for (const dialect of DIALECTS) {
  describe(`member clean-up job (${dialect})`, () => {
    let h: Harness;
    before(async () => {
      h = await openHarness(dialect);
    });
    after(() => h.close());

    test('given expired sessions and old email codes, when the hourly purge runs, then only those are deleted', async () => {
      const { workspaceId } = await seedWorkspace(h.deps);
      const now = h.clock.now();
      const db = h.deps.db.kysely;
      await db.insertInto('members').values({ id: 'M1', workspace_id: workspaceId, email: 'a@example.com', external_user_id: null, display_name: 'A', created_at: now, updated_at: now }).execute();
      await db
        .insertInto('member_sessions')
        .values([
          { id: 'expired', member_id: 'M1', workspace_id: workspaceId, created_at: now - 10, expires_at: now - 1 },
          { id: 'live', member_id: 'M1', workspace_id: workspaceId, created_at: now, expires_at: now + 2 * 3600_000 },
        ])
        .execute();
      const code = (id: string, expiresAt: number) => ({ id, workspace_id: workspaceId, email: 'a@example.com', code_hash: 'x', attempts: 0, created_at: now, expires_at: expiresAt, used_at: null });
      await db.insertInto('email_codes').values([code('old', now - 25 * 3600_000), code('recent', now - 3600_000)]).execute();
      const runner = createJobRunner(h.deps);
      registerMemberJobs(runner);
      h.clock.advance(3600_000);
      await runner.runDueOnce();
      assert.deepEqual((await db.selectFrom('member_sessions').select('id').execute()).map((r) => r.id), ['live']);
      assert.deepEqual((await db.selectFrom('email_codes').select('id').execute()).map((r) => r.id), ['recent']);
    });
  });
}
