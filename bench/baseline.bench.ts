import type { BenchContext, BenchEntry } from './lib/context.ts';
import { describeLoad, load } from './lib/load.ts';
import { startService } from '../test/harness/process.ts';

export default async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const empty = await ctx.baseline();
  const service = await startService();
  let healthz;
  try {
    healthz = await load(`${service.url}/healthz`);
  } finally {
    await service.stop();
  }
  return [
    { name: 'baseline.empty_route.requests_per_sec', unit: 'requests/s', value: empty.requestsPerSec, extra: describeLoad(empty) },
    { name: 'baseline.empty_route.p50_ms', unit: 'ms', value: empty.p50Ms },
    { name: 'baseline.empty_route.p99_ms', unit: 'ms', value: empty.p99Ms },
    { name: 'healthz.requests_per_sec', unit: 'requests/s', value: healthz.requestsPerSec, extra: describeLoad(healthz) },
    { name: 'healthz.p50_ms', unit: 'ms', value: healthz.p50Ms },
    { name: 'healthz.p99_ms', unit: 'ms', value: healthz.p99Ms },
    { name: 'healthz.ratio_to_empty_route', unit: 'ratio', value: healthz.requestsPerSec / empty.requestsPerSec },
    { name: 'healthz.peak_rss_mb', unit: 'MB', value: service.peakRssMb() },
  ];
}
