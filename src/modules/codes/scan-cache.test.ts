import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../../../test/harness/env.ts';
import { openHarness, type Harness } from '../../../test/harness/deps.ts';
import { SYSTEM_ACTOR } from '../audit/actor.ts';
import { createGroup } from '../groups/service.ts';
import { createScanRecorder, type ScanRecorder } from '../scans/recorder.ts';
import { createOperator } from '../staff/accounts.ts';
import { lookupToken } from './resolve.ts';
import { createScanCache, type ScanCache, type ScanSnapshot } from './scan-cache.ts';
import { createCode } from './service.ts';

for (const dialect of DIALECTS) {
  describe(`scan cache on ${dialect}`, () => {
    let h: Harness;
    let workspaceId: string;
    let groupId: string;
    before(async () => {
      h = await openHarness(dialect);
      ({ workspace: { id: workspaceId } } = await createOperator(h.deps, { email: 'op@example.com', password: 'correct horse battery', displayName: 'Op', workspaceName: 'W', plan: 'enterprise' }));
      groupId = (await createGroup(h.deps, SYSTEM_ACTOR, workspaceId, { kind: 'hosted', name: 'G' })).id;
    });
    after(() => h.close());

    /** A scan as the scan path makes it: judged on the cache (checked) or straight from the database (unchecked). */
    async function scan(cache: ScanCache, recorder: ScanRecorder<ScanSnapshot>, token: string, checked: boolean) {
      const source = checked ? cache.source() : undefined;
      const found = await lookupToken(h.deps, token, { scanCaps: true, source });
      const row = found.row!;
      const recorded = await recorder.record({
        workspaceId,
        codeId: row.id,
        groupId,
        outcome: found.ok ? 'ok' : found.reason,
        admitted: found.ok,
        tags: {},
        ua: { app: 'browser', os: 'linux', device: 'desktop', bot: false },
        network: '203.0.113.0/24',
        at: h.clock.now(),
        snapshot: source?.snapshot(),
      });
      return `${found.ok ? 'ok' : found.reason} ${recorded}`;
    }

    it('given scans recorded unchecked between checked ones, then the next checked scan is judged on counters that include them', async () => {
      const code = await createCode(h.deps, SYSTEM_ACTOR, workspaceId, { groupId, scansTotalCap: 3, validityHours: null });
      const token = code.url.split('/j/')[1]!;
      const cache = createScanCache(h.deps);
      const recorder = createScanRecorder<ScanSnapshot>(h.deps, { check: cache.check });
      try {
        assert.equal(await scan(cache, recorder, token, true), 'ok recorded');
        assert.equal(await scan(cache, recorder, token, true), 'ok recorded');
        assert.equal(await scan(cache, recorder, token, false), 'ok recorded', 'the third, unchecked, reaches the cap');
        assert.equal(await scan(cache, recorder, token, true), 'total_cap recorded', 'the cache let go of what it could not count');
        assert.equal(await scan(cache, recorder, token, true), 'total_cap recorded');
      } finally {
        await recorder.close();
      }
      const total = await h.deps.db.kysely.selectFrom('codes').select('scans_total').where('id', '=', code.id).executeTakeFirstOrThrow();
      assert.equal(total.scans_total, 3);
    });
  });
}
