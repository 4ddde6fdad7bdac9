import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { migrationProvider } from '../src/db/migrations/index.ts';
import { assertNoStackTrace, cli, createScratch, operatorFlags } from './harness/cli.ts';
import { PASSWORD } from './harness/factories.ts';

// create-operator has its own file (cli-create-operator.test.ts): every run here costs a child
// process loading the CLI through tsx, and one file with all of them came near the runner's
// per-file timeout on a loaded machine.
const scratch = createScratch();
after(() => scratch.remove());

describe('the joincode command line', () => {
  test('given --help for the program and each command, when run, then each exits 0 with its usage (an unknown command does not)', async () => {
    const env = scratch.dataDir();
    const [program, start, migrate, createOperator, backup, unknown] = await Promise.all([
      cli(['--help'], env),
      cli(['start', '--help'], env),
      cli(['migrate', '--help'], env),
      cli(['create-operator', '--help'], env),
      cli(['backup', '--help'], env),
      cli(['frobnicate'], env),
    ]);
    for (const run of [program, start, migrate, createOperator, backup]) {
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Usage: joincode/m);
    }
    for (const command of ['start', 'migrate', 'create-operator', 'backup']) assert.match(program.stdout, new RegExp(`\\b${command}\\b`));
    assert.match(start.stdout, /Usage: joincode start/);
    assert.match(migrate.stdout, /Usage: joincode migrate/);
    assert.match(backup.stdout, /Usage: joincode backup \[options\] <directory>/);
    for (const flag of ['--email', '--name', '--workspace', '--plan', '--password', '--password-stdin']) {
      assert.match(createOperator.stdout, new RegExp(`${flag}\\b`));
    }
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    assert.ok(!existsSync(env.DATA_DIR), 'asking for help must not create the data directory');
  });

  test('given a fresh database, when migrate runs twice, then the first run lists every migration and the second has nothing to do', async () => {
    const env = scratch.dataDir();
    const names = Object.keys(await migrationProvider.getMigrations());
    const first = await cli(['migrate'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^Applied: /m);
    for (const name of names) assert.ok(first.stdout.includes(name), `${name} not reported in: ${first.stdout}`);
    const second = await cli(['migrate'], env);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /up to date/);
    assert.doesNotMatch(second.stdout, /Applied/);
  });

  test('given a bad environment, when any command runs, then it exits 1 with one line naming the variable and no stack trace', async () => {
    const env = scratch.dataDir();
    const [badPort, badDatabase] = await Promise.all([
      cli(['migrate'], { ...env, PORT: 'abc' }),
      cli([...operatorFlags('env@example.com'), '--password', PASSWORD], { ...env, DATABASE_URL: 'mysql://x' }),
    ]);
    assert.equal(badPort.code, 1);
    assert.match(badPort.stderr, /^joincode: Invalid configuration: PORT\b/);
    assert.equal(badDatabase.code, 1);
    assert.match(badDatabase.stderr, /^joincode: Invalid configuration: DATABASE_URL\b/);
    for (const run of [badPort, badDatabase]) {
      assertNoStackTrace(run);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    }
    assert.ok(!existsSync(env.DATA_DIR));
  });
});
