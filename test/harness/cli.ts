/**
 * The joincode command line run from source as a child process, for the CLI tests. Each run
 * loads the CLI and the modules behind it through tsx (seconds of CPU), so the CLI tests are
 * split across files (cli.test.ts, cli-create-operator.test.ts) that the runner runs side by side.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../src/db/index.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD_TIMEOUT_MS = 90_000;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Scratch {
  /** A data directory of its own, with its SQLite file, for one CLI scenario (not created). */
  dataDir(): { DATA_DIR: string; DATABASE_URL: string };
  remove(): void;
}

export function createScratch(): Scratch {
  const root = mkdtempSync(path.join(tmpdir(), 'joincode-cli-'));
  let dirs = 0;
  return {
    dataDir() {
      dirs += 1;
      const dir = path.join(root, `d${dirs}`);
      return { DATA_DIR: dir, DATABASE_URL: path.join(dir, 'joincode.sqlite') };
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Runs `joincode <args>` from source as a child process; stdin is a pipe, so never a terminal. */
export function cli(args: string[], env: Record<string, string>, input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    // Only what the CLI needs: an inherited DATABASE_URL or PORT must not leak in.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), LOG_LEVEL: 'warn', ...env },
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

export const SCRIPT = '/usr/bin/script';

/** Runs the CLI on a pseudo-terminal (script(1)), typing each answer once its prompt appears. */
export function interactive(args: string[], env: Record<string, string>, answers: [prompt: string, answer: string][]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, '--import', 'tsx', 'src/main.ts', ...args].map((part) => `'${part}'`).join(' ');
    const child = spawn(SCRIPT, ['-qec', command, '/dev/null'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), LOG_LEVEL: 'warn', TERM: 'dumb', ...env },
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

/** The staff, memberships and workspaces rows of a SQLite database the CLI wrote. */
export async function accountRows(databaseUrl: string) {
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

export function assertNoStackTrace(run: Run) {
  assert.doesNotMatch(run.stderr, /^\s+at /m, `a stack trace was printed:\n${run.stderr}`);
}

export const operatorFlags = (email: string) => ['create-operator', '--email', email, '--name', 'Ada Operator', '--workspace', 'Book Club'];
