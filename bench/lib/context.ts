import { load, type LoadResult } from './load.ts';
import { spawnServer } from '../../test/harness/process.ts';

/** One github-action-benchmark "custom" entry. */
export interface BenchEntry {
  name: string;
  unit: string;
  value: number;
  extra?: string;
}

export interface BenchContext {
  /** The empty Fastify route under the standard load; measured once per run, on first call. */
  baseline(): Promise<LoadResult>;
}

export type Benchmark = (ctx: BenchContext) => Promise<BenchEntry[]>;

async function measureEmptyRoute(): Promise<LoadResult> {
  const server = await spawnServer({ args: ['bench/fixtures/empty-server.ts'], readyPath: '/' });
  try {
    return await load(`${server.url}/`);
  } finally {
    await server.stop();
  }
}

export function createContext(): BenchContext {
  let baseline: Promise<LoadResult> | undefined;
  return { baseline: () => (baseline ??= measureEmptyRoute()) };
}
