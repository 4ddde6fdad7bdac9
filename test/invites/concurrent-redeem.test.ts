import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDatabase, type Db } from '../../src/db/index.ts';
import { Client, type Response } from '../harness/client.ts';
import { createTestDatabase, type TestDatabase } from '../harness/database.ts';
import { DIALECTS, type TestDialect } from '../harness/env.ts';
import { PASSWORD } from '../harness/factories.ts';
import { runCli, spawnServer, type ServerProcess } from '../harness/process.ts';
import { TEST_SECRET_KEYS } from '../harness/server.ts';

/** Several processes on PostgreSQL share nothing but the database; SQLite is one process by design. */
const PROCESSES: Record<TestDialect, number> = { postgres: 3, sqlite: 1 };
const REDEMPTIONS = 200;
const MAX_USES = 10;

for (const dialect of DIALECTS) {
  const processCount = PROCESSES[dialect];
  describe(`concurrent redemptions from ${processCount} server process(es) on ${dialect}`, () => {
    let database: TestDatabase;
    let servers: ServerProcess[];
    let db: Db;
    let clients: Client[];
    let base: string;
    const scratch = mkdtempSync(path.join(tmpdir(), 'joincode-redeem-'));

    before(async () => {
      database = await createTestDatabase(dialect);
      // No REDIS_URL: whatever keeps the count right must be in the database.
      const env = { DATABASE_URL: database.url, SECRET_KEYS: TEST_SECRET_KEYS, LOG_LEVEL: 'warn' };
      servers = await Promise.all(
        Array.from({ length: processCount }, () => {
          const dataDir = mkdtempSync(path.join(scratch, 'server-'));
          return spawnServer({ args: ['src/main.ts', 'start'], env: { ...env, DATA_DIR: dataDir }, readyPath: '/readyz', tempDir: dataDir });
        }),
      );
      const email = `redeem-${Date.now()}@example.com`;
      await runCli(['create-operator', '--email', email, '--name', 'Redeem', '--workspace', 'Redeem', '--plan', 'pro', '--password', PASSWORD], { ...env, DATA_DIR: scratch });
      const owner = new Client(servers[0]!.url);
      assert.equal((await owner.signIn(email, PASSWORD)).status, 200);
      const workspaceId = (await owner.get('/api/v1/workspaces')).body.items[0].id as string;
      base = `/api/v1/workspaces/${workspaceId}`;
      // A reward per redemption and a milestone at max uses: the ledger must agree with the counters.
      const rules = { currency: 'CNY', referralDepth: 3, holdingDays: 7, autoApprove: false, referral: { perRedemption: 100, milestones: [{ invitees: MAX_USES, amount: 1000 }], commissionBps: [] } };
      const settings = await owner.request('PUT', `${base}/reward-settings`, rules);
      assert.equal(settings.status, 200, settings.text);
      const key = await owner.post(`${base}/api-keys`, { name: 'integrator', scopes: ['invites:manage', 'invites:redeem'] });
      assert.equal(key.status, 201, key.text);
      clients = servers.map((server) => new Client(server.url, { apiKey: key.body.secret }));
      db = openDatabase(dialect === 'postgres' ? { dialect, url: database.url } : { dialect, file: database.url });
    });
    after(async () => {
      await Promise.all((servers ?? []).map((server) => server.stop()));
      await db?.close();
      await database?.drop();
      rmSync(scratch, { recursive: true, force: true });
    });

    async function newCode(maxUses: number, owner = 'host'): Promise<{ id: string; code: string }> {
      const created = await clients[0]!.post(`${base}/invites`, { owner: { userId: owner }, purpose: 'referral', maxUses, validity: '180d' });
      assert.equal(created.status, 201, created.text);
      return created.body;
    }

    /** Fires every request at once, spread round-robin over the processes. */
    function fire(count: number, code: string, redeemer: (i: number) => string): Promise<Response[]> {
      return Promise.all(Array.from({ length: count }, (_, i) => clients[i % clients.length]!.post(`${base}/invites/redeem`, { code, redeemer: { userId: redeemer(i) } })));
    }

    test(`given a code with max uses ${MAX_USES}, when ${REDEMPTIONS} different users redeem it at once, then exactly ${MAX_USES} succeed, the rest find it exhausted, and counter, redemptions, edges, events and the reward ledger agree`, async () => {
      const invite = await newCode(MAX_USES);
      const responses = await fire(REDEMPTIONS, invite.code, (i) => `user-${i}`);
      const tally: Record<string, number> = {};
      for (const r of responses) {
        const outcome = r.status === 200 ? '200' : `${r.status} ${r.body?.code}`;
        tally[outcome] = (tally[outcome] ?? 0) + 1;
      }
      assert.deepEqual(tally, { '200': MAX_USES, '409 invite_exhausted': REDEMPTIONS - MAX_USES });
      const winners = responses.filter((r) => r.status === 200).map((r) => r.body.redeemer.userId as string);

      const row = await db.kysely.selectFrom('invites').select(['uses', 'status']).where('id', '=', invite.id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { uses: MAX_USES, status: 'exhausted' });
      const redemptions = await db.kysely.selectFrom('invite_redemptions').select('redeemer_id').where('invite_id', '=', invite.id).execute();
      assert.deepEqual(redemptions.map((r) => r.redeemer_id).sort(), [...winners].sort());
      const edges = await db.kysely.selectFrom('referral_edges').select('invitee_key').where('invite_id', '=', invite.id).execute();
      assert.deepEqual(edges.map((e) => e.invitee_key).sort(), winners.map((w) => `u:${w}`).sort());
      const events = (await db.kysely.selectFrom('events').select('payload').where('type', '=', 'invite.redeemed').execute())
        .map((e) => JSON.parse(e.payload) as { redemption: { inviteId: string; redeemer: { userId: string } }; uses: number })
        .filter((e) => e.redemption.inviteId === invite.id);
      assert.deepEqual(events.map((e) => e.redemption.redeemer.userId).sort(), [...winners].sort());
      assert.deepEqual(events.map((e) => e.uses).sort((a, b) => a - b), Array.from({ length: MAX_USES }, (_, i) => i + 1), 'each use counted once');

      const ledger = await db.kysely
        .selectFrom('reward_entries')
        .innerJoin('invite_redemptions', 'invite_redemptions.id', 'reward_entries.redemption_id')
        .select(['reward_entries.kind', 'reward_entries.amount', 'reward_entries.beneficiary_key', 'invite_redemptions.redeemer_id'])
        .where('invite_redemptions.invite_id', '=', invite.id)
        .execute();
      const perRedemption = ledger.filter((e) => e.kind === 'redemption');
      assert.deepEqual(perRedemption.map((e) => e.redeemer_id).sort(), [...winners].sort(), 'one reward entry per successful redemption');
      assert.ok(perRedemption.every((e) => Number(e.amount) === 100 && e.beneficiary_key === 'u:host'));
      assert.equal(ledger.filter((e) => e.kind === 'milestone').length, 1, `the tier at ${MAX_USES} invitees, earned once`);
      const counter = await db.kysely.selectFrom('reward_counters').select('invitees').where('scope', '=', 'referral').where('party_key', '=', 'u:host').executeTakeFirstOrThrow();
      assert.equal(counter.invitees, MAX_USES);
      const outcomes = responses.filter((r) => r.status === 200).map((r) => r.body.reward);
      assert.deepEqual(outcomes.map((o) => o.invitees).sort((a, b) => a - b), Array.from({ length: MAX_USES }, (_, i) => i + 1), 'each redemption saw the count it made');
    });

    test('given one user sending the same redemption 30 times at once, then all get the same single redemption and one use is taken', async () => {
      const invite = await newCode(MAX_USES);
      const responses = await fire(30, invite.code, () => 'impatient-user');
      assert.ok(
        responses.every((r) => r.status === 200),
        responses.map((r) => `${r.status} ${r.text.slice(0, 120)}`).join('\n'),
      );
      assert.equal(new Set(responses.map((r) => r.body.redemptionId)).size, 1);
      assert.equal(responses.filter((r) => !r.body.replayed).length, 1, 'one made it, the others got it back');
      const row = await db.kysely.selectFrom('invites').select('uses').where('id', '=', invite.id).executeTakeFirstOrThrow();
      assert.equal(row.uses, 1);
      const redemptions = await db.kysely.selectFrom('invite_redemptions').select('id').where('invite_id', '=', invite.id).execute();
      assert.equal(redemptions.length, 1);
    });

    test('given rings of users redeeming each other\'s codes at once (pairs and triangles), then exactly one redemption per ring is refused as a cycle and the referral graph stays a forest', async () => {
      const RINGS = [...Array.from({ length: 15 }, () => 2), ...Array.from({ length: 10 }, () => 3)];
      const rings = RINGS.map((size, r) => Array.from({ length: size }, (_, i) => `ring-${r}-${i}`));
      const codes = new Map<string, string>();
      for (const ring of rings) for (const user of ring) codes.set(user, (await newCode(1, user)).code);
      // Each user redeems the next one's code: A → B → C → A closes a ring unless one is refused.
      const attempts = rings.flatMap((ring) => ring.map((user, i) => ({ ring, redeemer: user, code: codes.get(ring[(i + 1) % ring.length]!)! })));
      const responses = await Promise.all(attempts.map((a, i) => clients[i % clients.length]!.post(`${base}/invites/redeem`, { code: a.code, redeemer: { userId: a.redeemer } })));
      for (const ring of rings) {
        const outcomes = responses.filter((_, i) => attempts[i]!.ring === ring).map((r) => (r.status === 200 ? '200' : `${r.status} ${r.body?.code}`));
        assert.deepEqual(outcomes.filter((o) => o !== '200'), ['422 invite_referral_cycle'], `${ring.join(' → ')}: ${outcomes.join(', ')}`);
      }
      const edges = await db.kysely.selectFrom('referral_edges').select(['inviter_key', 'invitee_key']).where('invitee_key', 'like', 'u:ring-%').execute();
      const inviterOf = new Map(edges.map((e) => [e.invitee_key, e.inviter_key]));
      for (const start of inviterOf.keys()) {
        const seen = new Set<string>();
        for (let at: string | undefined = start; at !== undefined; at = inviterOf.get(at)) {
          assert.ok(!seen.has(at), `a cycle through ${at}`);
          seen.add(at);
        }
      }
    });
  });
}
