import Database from 'better-sqlite3';
import path from 'node:path';
import type { BenchContext, BenchEntry } from './lib/context.ts';
import { Client } from '../test/harness/client.ts';
import { startService } from '../test/harness/process.ts';

const PASSWORD = 'bench password 12345';
const COUNT = 1_000_000;
const POLL_MS = 200;

/**
 * Generating and storing 1,000,000 invite codes on SQLite, end to end: POST …/invite-batches on
 * the real service, then GET …/invite-batches/{id} until the batch job reports done. The figure
 * is request to done as a client sees it (the job runner's one-second poll included); `extra`
 * gives the job's own time and the check that every code was stored once.
 */
export default async function run(_ctx: BenchContext): Promise<BenchEntry[]> {
  const service = await startService();
  let seconds: number;
  let batch: Record<string, any>;
  try {
    await service.runCli(['create-operator', '--email', 'bench@example.com', '--name', 'Bench', '--workspace', 'Bench', '--plan', 'enterprise', '--password', PASSWORD]);
    const client = new Client(service.url);
    const signedIn = await client.signIn('bench@example.com', PASSWORD);
    if (signedIn.status !== 200) throw new Error(`sign-in failed: ${signedIn.text}`);
    const workspaceId = (await client.get('/api/v1/workspaces')).body.items[0].id as string;
    const started = performance.now();
    const created = await client.post(`/api/v1/workspaces/${workspaceId}/invite-batches`, { count: COUNT, owner: { userId: 'bench-shop' }, purpose: 'referral', validity: 'permanent' });
    if (created.status !== 202) throw new Error(`creating the batch failed: ${created.text}`);
    for (;;) {
      batch = (await client.get(`/api/v1/workspaces/${workspaceId}/invite-batches/${created.body.id}`)).body;
      if (batch.state === 'done') break;
      if (batch.state === 'failed' || batch.state === 'cancelled') throw new Error(`the batch ended ${batch.state}: ${batch.error}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    seconds = (performance.now() - started) / 1000;
  } finally {
    await service.stop({ keepData: true });
  }
  const db = new Database(path.join(service.dataDir, 'db.sqlite'), { readonly: true });
  let stored: { n: number; distinct: number };
  try {
    stored = db.prepare('SELECT count(*) AS n, count(DISTINCT code) AS "distinct" FROM invites WHERE batch_id = ?').get(batch.id) as { n: number; distinct: number };
  } finally {
    db.close();
    service.removeData();
  }
  if (stored.n !== COUNT || stored.distinct !== COUNT) throw new Error(`expected ${COUNT} distinct codes, found ${stored.n} (${stored.distinct} distinct)`);
  const jobSeconds = (Date.parse(batch.finishedAt) - Date.parse(batch.startedAt)) / 1000;
  return [
    {
      name: 'invite.generate_1m_seconds',
      unit: 's',
      value: seconds,
      extra: `POST to done over the API, SQLite; the job itself ran ${jobSeconds.toFixed(1)} s; ${stored.n} codes stored, all distinct`,
    },
  ];
}
