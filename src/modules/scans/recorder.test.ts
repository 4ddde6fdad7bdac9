import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../../../test/harness/env.ts';
import { BACKSTOP_CHECKPOINT_PAGES } from '../../db/checkpointer.ts';
import { openHarness, type Harness } from '../../../test/harness/deps.ts';
import { SYSTEM_ACTOR } from '../audit/actor.ts';
import { createCode } from '../codes/service.ts';
import { createGroup } from '../groups/service.ts';
import { createOperator } from '../staff/accounts.ts';
import { createScanRecorder, type ScanRecord } from './recorder.ts';

for (const dialect of DIALECTS) {
  describe(`scan recorder on ${dialect}`, () => {
    let h: Harness;
    let scan: (outcome?: string) => ScanRecord;
    before(async () => {
      h = await openHarness(dialect);
      const { workspace } = await createOperator(h.deps, { email: 'op@example.com', password: 'correct horse battery', displayName: 'Op', workspaceName: 'W', plan: 'enterprise' });
      const group = await createGroup(h.deps, SYSTEM_ACTOR, workspace.id, { kind: 'hosted', name: 'G' });
      const code = await createCode(h.deps, SYSTEM_ACTOR, workspace.id, { groupId: group.id });
      scan = (outcome = 'ok') => ({
        workspaceId: workspace.id,
        codeId: code.id,
        groupId: group.id,
        outcome,
        admitted: outcome === 'ok',
        tags: { channel: 'test' },
        ua: { app: 'browser', os: 'linux', device: 'desktop', bot: false },
        network: '203.0.113.0/24',
        at: h.clock.now(),
      });
    });
    after(() => h.close());
    const count = async (table: 'scans' | 'events') =>
      (await h.deps.db.kysely.selectFrom(table).select('id').execute()).length;

    it('given scans waiting for a slow timer, when the recorder is closed, then every one is written before close() resolves', async () => {
      const recorder = createScanRecorder(h.deps, { maxWaitMs: 60_000 });
      const scansBefore = await count('scans');
      const pending = [recorder.record(scan()), recorder.record(scan('paused')), recorder.record(scan())];
      await recorder.close();
      await Promise.all(pending);
      assert.equal((await count('scans')) - scansBefore, 3);
      const day = await h.deps.db.kysely.selectFrom('code_scan_days').select('scans').executeTakeFirstOrThrow();
      assert.equal(day.scans, 2, 'only admitted scans count against the caps');
      const code = await h.deps.db.kysely.selectFrom('codes').select('scans_total').executeTakeFirstOrThrow();
      assert.equal(code.scans_total, 2);
    });

    it('given more scans than a batch holds, then they are written in several batches and all resolve', async () => {
      const recorder = createScanRecorder(h.deps, { maxBatch: 7, maxWaitMs: 1 });
      const scansBefore = await count('scans');
      const eventsBefore = await count('events');
      await Promise.all(Array.from({ length: 50 }, () => recorder.record(scan())));
      assert.equal((await count('scans')) - scansBefore, 50);
      assert.equal((await count('events')) - eventsBefore, 50);
      await recorder.close();
    });

    it('given a check that finds some scans judged on outdated state, then only the others are written and those answer stale', async () => {
      let checked = 0;
      const recorder = createScanRecorder<{ fresh: boolean }>(h.deps, {
        check: async (_db, scans) => ({ stands: scans.map((s) => s.snapshot?.fresh ?? true), committed: () => void (checked += scans.length) }),
      });
      const scansBefore = await count('scans');
      const results = await Promise.all([true, false, true, false].map((fresh) => recorder.record({ ...scan(), snapshot: { fresh } })));
      assert.deepEqual(results, ['recorded', 'stale', 'recorded', 'stale']);
      assert.equal((await count('scans')) - scansBefore, 2);
      assert.equal(checked, 4, 'committed() saw the batch');
      await recorder.close();
    });

    if (dialect === 'sqlite') {
      it('given the recorder writing batches on its own connection, then the service connection keeps its own settings and checkpoints only as a backstop until the recorder closes', async () => {
        const sqlite = h.deps.db.sqlite!;
        const recorder = createScanRecorder(h.deps);
        await recorder.record(scan());
        assert.equal(sqlite.pragma('synchronous', { simple: true }), 1, 'NORMAL, as opened: its writes are answered once durable-writes.ts has synced the WAL');
        assert.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), BACKSTOP_CHECKPOINT_PAGES, 'the worker checkpoints; the writer only as a backstop');
        await recorder.close();
        assert.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 1000);
      });
    }

    it('given a batch that cannot be written, then every scan in it is rejected and none of it is kept', async () => {
      const recorder = createScanRecorder(h.deps, { maxWaitMs: 5 });
      const scansBefore = await count('scans');
      const good = recorder.record(scan());
      const bad = recorder.record({ ...scan(), codeId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
      await assert.rejects(good);
      await assert.rejects(bad);
      assert.equal(await count('scans'), scansBefore);
      await recorder.close();
    });
  });
}
