import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { loadStorageConfig } from '../src/config.ts';
import { backupSqlite } from '../src/db/backup.ts';
import { assertNoStackTrace, cli, createScratch } from './harness/cli.ts';
import { Client } from './harness/client.ts';
import { PASSWORD } from './harness/factories.ts';
import { startService, type Service } from './harness/process.ts';

const scratch = createScratch();
const services: Service[] = [];
after(async () => {
  await Promise.all(services.map((s) => s.stop()));
  scratch.remove();
});

describe('joincode backup', () => {
  test('given a running service, when backed up and restored into a new data directory, then the printed QR still opens its landing page and the operator still signs in', async () => {
    const running = await startService();
    services.push(running);
    await running.runCli(['create-operator', '--email', 'ops@example.com', '--name', 'Ops', '--workspace', 'Club', '--password', PASSWORD]);
    const owner = new Client(running.url);
    assert.equal((await owner.signIn('ops@example.com', PASSWORD)).status, 200);
    const workspaceId = (await owner.get('/api/v1/workspaces')).body.items[0].id as string;
    const group = await owner.post(`/api/v1/workspaces/${workspaceId}/groups`, { kind: 'hosted', name: 'Backup Camp' });
    const code = await owner.post(`/api/v1/workspaces/${workspaceId}/codes`, { groupId: group.body.id });
    assert.equal(code.status, 201, code.text);
    const landing = new URL(code.body.url as string).pathname;

    const target = path.join(scratch.dataDir().DATA_DIR, 'backup');
    const { stdout } = await running.runCli(['backup', target]);
    assert.match(stdout, /Backed up the database \([\d.]+ MiB, integrity checked\) to .*joincode\.sqlite\./);
    assert.match(stdout, /The key ring is in .*secret\.keys/);
    assert.equal(statSync(target).mode & 0o777, 0o700, 'the backup directory is its owner’s only');
    assert.equal(statSync(path.join(target, 'secret.keys')).mode & 0o777, 0o600);
    assert.equal(readFileSync(path.join(target, 'secret.keys'), 'utf8'), readFileSync(path.join(running.dataDir, 'secret.keys'), 'utf8'));
    // The code was committed moments before: a copy of the file alone could have missed it in the -wal file.
    const copy = new SQLite(path.join(target, 'joincode.sqlite'), { readonly: true });
    assert.deepEqual(copy.prepare('select name from groups').all(), [{ name: 'Backup Camp' }]);
    copy.close();

    const restored = scratch.dataDir().DATA_DIR;
    mkdirSync(restored, { recursive: true });
    for (const file of ['joincode.sqlite', 'secret.keys']) copyFileSync(path.join(target, file), path.join(restored, file));
    await running.stop();
    const again = await startService({ DATA_DIR: restored, DATABASE_URL: path.join(restored, 'joincode.sqlite') });
    services.push(again);
    const page = await new Client(again.url).get(landing);
    assert.equal(page.status, 200, page.text.slice(0, 300));
    assert.match(page.text, /Backup Camp/);
    assert.equal((await new Client(again.url).signIn('ops@example.com', PASSWORD)).status, 200);
  });

  test('given a target that is not empty, PostgreSQL, or no database yet, when backup runs, then it is refused with a clear reason and writes nothing', () => {
    const env = scratch.dataDir();
    mkdirSync(env.DATA_DIR, { recursive: true });
    new SQLite(env.DATABASE_URL).close();
    const occupied = path.join(env.DATA_DIR, 'occupied');
    mkdirSync(occupied);
    writeFileSync(path.join(occupied, 'joincode.sqlite'), 'an earlier backup');
    assert.throws(() => backupSqlite(loadStorageConfig(env), occupied), { name: 'BackupError', message: /already exists and is not an empty directory/ });
    assert.equal(readFileSync(path.join(occupied, 'joincode.sqlite'), 'utf8'), 'an earlier backup', 'an earlier backup is never overwritten');

    const postgres = { ...env, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', SECRET_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}` };
    assert.throws(() => backupSqlite(loadStorageConfig(postgres), path.join(env.DATA_DIR, 'pg')), { name: 'BackupError', message: /PostgreSQL: back it up with pg_dump/ });
    assert.ok(!existsSync(path.join(env.DATA_DIR, 'pg')));

    const fresh = scratch.dataDir();
    assert.throws(() => backupSqlite(loadStorageConfig(fresh), path.join(fresh.DATA_DIR, 'copy')), { name: 'BackupError', message: /No database at .*nothing to back up/ });
    assert.ok(!existsSync(fresh.DATA_DIR), 'no data directory or key ring is made by a backup');
  });

  test('given a refused backup on the command line, then it exits 1 with one line and no stack trace', async () => {
    const fresh = scratch.dataDir();
    const run = await cli(['backup', path.join(fresh.DATA_DIR, 'copy')], fresh);
    assert.equal(run.code, 1, run.stderr);
    assertNoStackTrace(run);
    assert.match(run.stderr, /^joincode: No database at .*nothing to back up.*\n$/);
  });
});
