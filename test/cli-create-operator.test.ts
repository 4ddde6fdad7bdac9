import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { closeRuntime, openRuntime } from '../src/runtime.ts';
import { accountRows, assertNoStackTrace, cli, createScratch, interactive, operatorFlags, SCRIPT } from './harness/cli.ts';
import { PASSWORD } from './harness/factories.ts';

const scratch = createScratch();
after(() => scratch.remove());

describe('the joincode command line: create-operator', () => {
  test('given every flag, when create-operator runs without a terminal, then the operator owns a new workspace and can sign in', async () => {
    const env = scratch.dataDir();
    const run = await cli([...operatorFlags('Ada@Example.com'), '--plan', 'pro', '--password', PASSWORD], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Created operator ada@example\.com owning workspace "Book Club"/);
    assert.match(run.stdout, /\/console\//);

    const { staff, memberships, workspaces } = await accountRows(env.DATABASE_URL);
    assert.equal(staff.length, 1);
    assert.equal(staff[0]!.email, 'ada@example.com');
    assert.equal(staff[0]!.display_name, 'Ada Operator');
    assert.ok(!staff[0]!.password_hash.includes(PASSWORD));
    assert.deepEqual(workspaces.map((w) => [w.name, w.plan]), [['Book Club', 'pro']]);
    assert.deepEqual(memberships.map((m) => [m.staff_id, m.workspace_id, m.role]), [[staff[0]!.id, workspaces[0]!.id, 'owner']]);

    // --password-stdin: the piped password, without its trailing newline.
    const piped = await cli([...operatorFlags('piped@example.com'), '--password-stdin'], env, `${PASSWORD}\n`);
    assert.equal(piped.code, 0, piped.stderr);

    const again = await cli([...operatorFlags('ada@example.com'), '--password', PASSWORD], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already has an account/);
    assertNoStackTrace(again);

    // The same data directory, served: both accounts sign in with the password they were given.
    const deps = await openRuntime(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
    const app = await buildApp(deps);
    try {
      for (const email of ['ada@example.com', 'piped@example.com']) {
        const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: PASSWORD } });
        assert.equal(login.statusCode, 200, `${email}: ${login.body}`);
      }
    } finally {
      await app.close();
      await closeRuntime(deps);
    }
  });

  test('given a terminal, when create-operator lacks flags, then it prompts for each and does not echo the password', { skip: !existsSync(SCRIPT) && 'needs util-linux script(1) for a pseudo-terminal' }, async () => {
    const env = scratch.dataDir();
    const run = await interactive(['create-operator'], env, [
      ['Email: ', 'tty@example.com'],
      ['Your name: ', 'Terry Tty'],
      ['Workspace name: ', 'Terminal Club'],
      ['Password (at least 10 characters): ', PASSWORD],
      ['Repeat the password: ', PASSWORD],
    ]);
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /Created operator tty@example\.com owning workspace "Terminal Club"/);
    assert.ok(!run.stdout.includes(PASSWORD), 'the password was echoed');
    const { staff } = await accountRows(env.DATABASE_URL);
    assert.deepEqual(staff.map((s) => [s.email, s.display_name]), [['tty@example.com', 'Terry Tty']]);
  });

  test('given no terminal, when a required flag is missing, then it exits 1 naming the flag and writes nothing', async () => {
    const env = scratch.dataDir();
    const [noEmail, noPassword] = await Promise.all([
      cli(['create-operator', '--name', 'A', '--workspace', 'W', '--password', PASSWORD], env),
      cli(['create-operator', '--email', 'a@example.com', '--name', 'A', '--workspace', 'W'], env),
    ]);
    for (const [run, flag] of [[noEmail, '--email'], [noPassword, '--password']] as const) {
      assert.equal(run.code, 1);
      assert.match(run.stderr, new RegExp(`${flag}\\b.*required`));
      assertNoStackTrace(run);
    }
    assert.ok(!existsSync(env.DATA_DIR), 'nothing may be written when the input is incomplete');
  });

  test('given an invalid email or a weak password, when create-operator runs, then it exits 1 with a clear message and writes nothing', async () => {
    const env = scratch.dataDir();
    const [badEmail, weak, badPlan] = await Promise.all([
      cli([...operatorFlags('not-an-email'), '--password', PASSWORD], env),
      cli([...operatorFlags('weak@example.com'), '--password', 'short'], env),
      cli([...operatorFlags('plan@example.com'), '--plan', 'platinum', '--password', PASSWORD], env),
    ]);
    assert.equal(badEmail.code, 1);
    assert.match(badEmail.stderr, /"not-an-email" is not an email address/);
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /password is too weak.*at least 10 characters/i);
    assert.equal(badPlan.code, 1);
    assert.match(badPlan.stderr, /free, pro, enterprise/);
    for (const run of [badEmail, weak, badPlan]) assertNoStackTrace(run);
    assert.ok(!existsSync(env.DATA_DIR), 'nothing may be written for refused input');
  });
});
