import { createHash, timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { outboxLagMs } from '../modules/events/outbox.ts';
import { workerPoolLoads } from '../infra/workers/pool.ts';
import type { AppInstance } from './types.ts';

export interface MetricsSources {
  /** Job counts by status, from the job runner, when this process runs jobs. */
  jobCounts?: () => Promise<Record<string, number>>;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether an Authorization header may scrape: any, without a token; compared in constant time with one. */
function scrapeCheck(token: string | null): (authorization: string | undefined) => boolean {
  if (token === null) return () => true;
  const expected = digest(`Bearer ${token}`);
  return (authorization) => authorization !== undefined && timingSafeEqual(digest(authorization), expected);
}

/**
 * Prometheus metrics at /metrics: HTTP latency by route, outbox lag, job counts, the worker-thread
 * backlog (images drawn and decoded) and the process's own figures. One registry per app instance
 * so tests can build several apps side by side.
 */
export function registerMetrics(app: AppInstance, deps: Deps, sources: MetricsSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'joincode_' });

  const latency = new Histogram({
    name: 'joincode_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'joincode_http_server_errors_total',
    help: 'Responses with status 5xx',
    labelNames: ['route'],
    registers: [registry],
  });
  new Gauge({
    name: 'joincode_outbox_lag_seconds',
    help: 'Age of the oldest event not yet dispatched to webhooks',
    registers: [registry],
    async collect() {
      this.set((await outboxLagMs(deps.db.kysely, deps.clock.now())) / 1000);
    },
  });
  new Gauge({
    name: 'joincode_jobs',
    help: 'Jobs by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      const counts = (await sources.jobCounts?.()) ?? {};
      for (const [status, count] of Object.entries(counts)) this.set({ status }, count);
    },
  });

  new Gauge({
    name: 'joincode_worker_jobs',
    help: 'Jobs in worker threads by kind (render: QR and poster images; qr_decode: uploaded group QR images), running and waiting for a worker',
    labelNames: ['kind', 'state'],
    registers: [registry],
    collect() {
      for (const load of workerPoolLoads()) {
        this.set({ kind: load.kind, state: 'running' }, load.running);
        this.set({ kind: load.kind, state: 'queued' }, load.queued);
      }
    },
  });

  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern, not the raw URL, so ids do not explode the label set.
    const route = request.routeOptions.url ?? 'unmatched';
    latency.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 500) errors.inc({ route });
    done();
  });

  const allowed = scrapeCheck(deps.config.metricsToken);
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['Operations'],
        summary: 'Prometheus metrics',
        description: 'With METRICS_TOKEN set, only for requests with Authorization: Bearer <token> (401 otherwise).',
        response: { 200: { type: 'string' } },
      },
      config: { access: 'public' },
    },
    async (request, reply) => {
      if (!allowed(request.headers.authorization)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new AppError('unauthenticated', 'Send the METRICS_TOKEN as Authorization: Bearer <token>');
      }
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
  return registry;
}
