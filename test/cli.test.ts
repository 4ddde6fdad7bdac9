import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/index.ts';
import { migrationProvider } from '../src/db/migrations/index.ts';
import { closeRuntime, openRuntime } from '../src/runtime.ts';
import { PASSWORD } from './harness/factories.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD_TIMEOUT_MS = 90_000;
const scratch = mkdtempSync(path.join(tmpdir(), 'joincode-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let dirs = 0;
/** A data directory of its own, with its SQLite file, for one CLI scenario. */
function dataDir() {
  dirs += 1;
  const dir = path.join(scratch, `d${dirs}`);
  return { DATA_DIR: dir, DATABASE_URL: path.join(dir, 'joincode.sqlite') };
}

/** Runs `joincode <args>` from source as a child process; stdin is a pipe, so never a terminal. */
function cli(args: string[], env: Record<string, string>, input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    // Only what the CLI needs: an inherited DATABASE_URL or PORT must not leak in.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? scratch, LOG_LEVEL: 'warn', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

const SCRIPT = '/usr/bin/script';

/** Runs the CLI on a pseudo-terminal (script(1)), typing each answer once its prompt appears. */
function interactive(args: string[], env: Record<string, string>, answers: [prompt: string, answer: string][]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, '--import', 'tsx', 'src/main.ts', ...args].map((part) => `'${part}'`).join(' ');
    const child = spawn(SCRIPT, ['-qec', command, '/dev/null'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? scratch, LOG_LEVEL: 'warn', TERM: 'dumb', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let next = 0;
    let seen = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const pending = answers[next];
      // eslint-disable-next-line no-control-regex -- readline draws prompts with cursor escapes
      const at = pending ? stdout.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').indexOf(pending[0], seen) : -1;
      if (pending && at >= 0) {
        next += 1;
        seen = at + pending[0].length;
        child.stdin.write(`${pending[1]}\r`);
      }
    });
    // A prompt that never comes must fail the test, not hang it.
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr: '' });
    });
  });
}

async function rows(databaseUrl: string) {
  const db = openDatabase({ dialect: 'sqlite', file: databaseUrl });
  try {
    const staff = await db.kysely.selectFrom('staff').selectAll().execute();
    const memberships = await db.kysely.selectFrom('memberships').selectAll().execute();
    const workspaces = await db.kysely.selectFrom('workspaces').selectAll().execute();
    return { staff, memberships, workspaces };
  } finally {
    await db.close();
  }
}

function assertNoStackTrace(run: Run) {
  assert.doesNotMatch(run.stderr, /^\s+at /m, `a stack trace was printed:\n${run.stderr}`);
}

const operatorFlags = (email: string) => ['create-operator', '--email', email, '--name', 'Ada Operator', '--workspace', 'Book Club'];

describe('the joincode command line', () => {
  test('given --help for the program and each command, when run, then each exits 0 with its usage (an unknown command does not)', async () => {
    const env = dataDir();
    const [program, start, migrate, createOperator, unknown] = await Promise.all([
      cli(['--help'], env),
      cli(['start', '--help'], env),
      cli(['migrate', '--help'], env),
      cli(['create-operator', '--help'], env),
      cli(['frobnicate'], env),
    ]);
    for (const run of [program, start, migrate, createOperator]) {
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Usage: joincode/m);
    }
    for (const command of ['start', 'migrate', 'create-operator']) assert.match(program.stdout, new RegExp(`\\b${command}\\b`));
    assert.match(start.stdout, /Usage: joincode start/);
    assert.match(migrate.stdout, /Usage: joincode migrate/);
    for (const flag of ['--email', '--name', '--workspace', '--plan', '--password', '--password-stdin']) {
      assert.match(createOperator.stdout, new RegExp(`${flag}\\b`));
    }
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    assert.ok(!existsSync(env.DATA_DIR), 'asking for help must not create the data directory');
  });

  test('given a fresh database, when migrate runs twice, then the first run lists every migration and the second has nothing to do', async () => {
    const env = dataDir();
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

  test('given every flag, when create-operator runs without a terminal, then the operator owns a new workspace and can sign in', async () => {
    const env = dataDir();
    const run = await cli([...operatorFlags('Ada@Example.com'), '--plan', 'pro', '--password', PASSWORD], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Created operator ada@example\.com owning workspace "Book Club"/);
    assert.match(run.stdout, /\/console\//);

    const { staff, memberships, workspaces } = await rows(env.DATABASE_URL);
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
    const env = dataDir();
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
    const { staff } = await rows(env.DATABASE_URL);
    assert.deepEqual(staff.map((s) => [s.email, s.display_name]), [['tty@example.com', 'Terry Tty']]);
  });

  test('given no terminal, when a required flag is missing, then it exits 1 naming the flag and writes nothing', async () => {
    const env = dataDir();
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
    const env = dataDir();
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

  test('given a bad environment, when any command runs, then it exits 1 with one line naming the variable and no stack trace', async () => {
    const env = dataDir();
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
