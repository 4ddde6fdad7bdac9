import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_VARIABLES } from '../../src/config.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const CLI_TIMEOUT_MS = 60_000;
const RSS_SAMPLE_MS = 100;
const OUTPUT_TAIL_CHARS = 8_000;

export type ChildEnv = Record<string, string>;

export interface ServerProcess {
  url: string;
  pid: number;
  /** The env given to the child on top of what it inherits (childEnv), PORT and HOST included. */
  env: ChildEnv;
  /** Highest VmRSS sampled so far, in MB. */
  peakRssMb(): number;
  /** The tail of what the process printed so far. */
  output(): string;
  /** SIGTERM, wait for exit, remove temp files. Throws if the process had already died on its own. */
  stop(): Promise<void>;
}

export interface Service extends Omit<ServerProcess, 'stop'> {
  dataDir: string;
  /** SIGTERM and wait; the data directory goes too unless keepData (then call removeData()). */
  stop(options?: { keepData?: boolean }): Promise<void>;
  removeData(): void;
  /** runCli() with this service's env (same database, data dir and public URL). */
  runCli(args: string[], env?: ChildEnv): Promise<CliResult>;
}

export interface CliResult {
  stdout: string;
  stderr: string;
}

// Safety net: children and temp dirs left behind when a benchmark throws before stop().
const live = new Map<ChildProcess, string | undefined>();
process.on('exit', () => {
  for (const [child, dir] of live) {
    child.kill('SIGKILL');
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function readRssKb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined; // already exited
  }
}

/**
 * Spawn `node --import tsx <args>` from the repo root with PORT/HOST set, wait until GET readyPath
 * answers 200, and sample its RSS until stop().
 */
export async function spawnServer(options: { args: string[]; env?: ChildEnv; readyPath: string; tempDir?: string }): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://${HOST}:${port}`;
  const env = { ...options.env, PORT: String(port), HOST };
  const child = spawn(process.execPath, ['--import', 'tsx', ...options.args], {
    cwd: REPO_ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.set(child, options.tempDir);

  let output = '';
  // Always drained: a full pipe would block the child.
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  let exitStatus: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitStatus = signal === null ? `code ${code}` : `signal ${signal}`;
      resolve();
    });
  });
  const describe = (what: string): string => `${what} (node --import tsx ${options.args.join(' ')}, ${url})\n--- child output (tail) ---\n${output}`;

  let peakKb = 0;
  const sample = (): void => {
    if (child.pid !== undefined) peakKb = Math.max(peakKb, readRssKb(child.pid) ?? 0);
  };
  const sampler = setInterval(sample, RSS_SAMPLE_MS);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    sample();
    clearInterval(sampler);
    const diedEarly = exitStatus;
    if (diedEarly === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    live.delete(child);
    if (options.tempDir !== undefined) rmSync(options.tempDir, { recursive: true, force: true });
    if (diedEarly !== undefined) throw new Error(describe(`server exited on its own with ${diedEarly}`));
  };

  try {
    await waitUntilReady(`${url}${options.readyPath}`, exited, () => exitStatus);
  } catch (error) {
    await stop().catch(() => undefined);
    throw new Error(describe(error instanceof Error ? error.message : String(error)));
  }
  if (child.pid === undefined) throw new Error(describe('server has no pid'));
  return { url, pid: child.pid, env, peakRssMb: () => peakKb / 1024, output: () => output, stop };
}

async function waitUntilReady(url: string, exited: Promise<void>, exitStatus: () => string | undefined): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const status = exitStatus();
    if (status !== undefined) throw new Error(`server exited with ${status} before GET ${url} answered 200`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 100))]);
  }
  throw new Error(`GET ${url} did not answer 200 within ${READY_TIMEOUT_MS / 1000}s (last: ${last})`);
}

function serviceEnv(dataDir: string, env: ChildEnv = {}): ChildEnv {
  return { DATABASE_URL: path.join(dataDir, 'db.sqlite'), DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env };
}

/**
 * What a child process runs with: this process's environment without any joincode setting, then
 * the test's. A developer's exported REDIS_URL (the README names it for the suite) would otherwise
 * reach every spawned service, which then counted its rate limits in that shared Redis across
 * tests and runs, and refused with 429s.
 */
function childEnv(env: ChildEnv): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !Object.hasOwn(CONFIG_VARIABLES, name)));
  return { ...inherited, ...env };
}

/** Start the real service (`src/main.ts start`) on a free port with a fresh temp data dir. */
export async function startService(env: ChildEnv = {}): Promise<Service> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'joincode-svc-'));
  const removeData = () => rmSync(dataDir, { recursive: true, force: true });
  let server: ServerProcess;
  try {
    server = await spawnServer({ args: ['src/main.ts', 'start'], env: serviceEnv(dataDir, env), readyPath: '/healthz' });
  } catch (error) {
    removeData();
    throw error;
  }
  return {
    ...server,
    dataDir,
    removeData,
    stop: async ({ keepData = false } = {}) => {
      try {
        await server.stop();
      } finally {
        if (!keepData) removeData();
      }
    },
    runCli: (args, extra = {}) => runCli(args, { ...server.env, ...extra }),
  };
}

/** Run `node --import tsx src/main.ts <args>` to completion; throws with its output on a non-zero exit. */
export function runCli(args: string[], env: ChildEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', ...args],
      { cwd: REPO_ROOT, env: childEnv(env), timeout: CLI_TIMEOUT_MS },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`joincode ${args.join(' ')} failed (${error.killed ? 'timed out' : `exit ${error.code ?? error.signal}`}):\n${stdout}${stderr}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}
