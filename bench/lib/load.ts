import autocannon from 'autocannon';

export type LoadOptions = Omit<autocannon.Options, 'url' | 'connections' | 'duration'>;

export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  total2xx: number;
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
  connections: number;
  durationSec: number;
}

const CONNECTIONS = 50;

function benchDuration(): number {
  const raw = process.env.BENCH_DURATION;
  if (raw === undefined || raw === '') return 10;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`BENCH_DURATION must be a whole number of seconds >= 1, got "${raw}"`);
  return seconds;
}

/** The standard load: autocannon, 50 connections, BENCH_DURATION seconds (default 10), loopback only. */
export async function load(url: string, options: LoadOptions = {}): Promise<LoadResult> {
  if (new URL(url).hostname !== '127.0.0.1') throw new Error(`load: refusing non-loopback target ${url}; benchmarks only hit 127.0.0.1`);
  const duration = benchDuration();
  const result = await autocannon({ ...options, url, connections: CONNECTIONS, duration });
  return {
    requestsPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    connections: CONNECTIONS,
    durationSec: duration,
  };
}

/** One-line summary for an entry's "extra" field. */
export function describeLoad(result: LoadResult): string {
  return `${result.connections} connections, ${result.durationSec}s: ${result.total2xx} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors`;
}
