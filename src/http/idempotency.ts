import { createHash } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { isUniqueViolation } from '../db/index.ts';
import { AppError } from '../errors.ts';
import { createSealer } from '../infra/sealing.ts';
import type { JobRunner } from '../modules/jobs/runner.ts';
import type { AppInstance } from './types.ts';

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
/** A reservation without a response this old belongs to a request whose process died. */
const ABANDONED_AFTER_MS = 60 * 1000;
/** How long a key is remembered; an hourly job forgets older ones. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { scope: string; key: string } | null;
  }
}

function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${url}\n${JSON.stringify(body ?? null)}`).digest('hex');
}

/** A response header as stored for replay (the Location of a 202). */
function headerText(value: string | number | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/**
 * Idempotency-Key on creating POSTs: the first request reserves the key, its response (any non-5xx)
 * is stored, and a retry with the same key and body gets that response again instead of creating
 * a second thing. The same key with a different body is refused; a retry while the first is still
 * running gets 409.
 */
export function registerIdempotency(app: AppInstance, deps: Deps): void {
  app.decorateRequest('idempotency', null);
  // Stored responses can hold secrets shown once (an API key, an invitation link): sealed at rest.
  const sealer = createSealer(deps.config.secretKeys, 'idempotency');

  app.addHook('preHandler', async (request, reply) => {
    if (!request.routeOptions.config.idempotent) return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    if (typeof header !== 'string' || !KEY_FORMAT.test(header)) {
      throw new AppError('validation_failed', 'Idempotency-Key must be 1-255 visible ASCII characters');
    }
    const principal = request.principal;
    const who = principal?.kind === 'api_key' ? principal.keyId : principal?.kind === 'staff' ? principal.staffId : request.ip;
    const scope = `${who}:${request.routeOptions.url}`;
    const hash = requestHash(request.method, request.url, request.body);
    const db = deps.db.kysely;
    try {
      await db
        .insertInto('idempotency_keys')
        .values({ scope, key: header, request_hash: hash, status_code: null, response_body: null, response_location: null, created_at: deps.clock.now() })
        .execute();
      request.idempotency = { scope, key: header };
      return;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const stored = await db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', header).executeTakeFirstOrThrow();
    if (stored.request_hash !== hash) throw new AppError('idempotency_key_reused');
    if (stored.status_code === null) {
      if (deps.clock.now() - stored.created_at < ABANDONED_AFTER_MS) throw new AppError('idempotency_in_progress');
      // The first request died with its process; whoever takes the reservation over runs it again.
      const takeover = await db
        .updateTable('idempotency_keys')
        .set({ created_at: deps.clock.now() })
        .where('scope', '=', scope)
        .where('key', '=', header)
        .where('status_code', 'is', null)
        .where('created_at', '=', stored.created_at)
        .executeTakeFirst();
      if (Number(takeover.numUpdatedRows) === 0) throw new AppError('idempotency_in_progress');
      request.idempotency = { scope, key: header };
      return;
    }
    if (stored.response_location !== null) reply.header('location', stored.response_location);
    return reply
      .status(stored.status_code)
      .header('idempotent-replayed', 'true')
      .type(stored.status_code >= 400 ? 'application/problem+json; charset=utf-8' : 'application/json; charset=utf-8')
      .send(stored.response_body === null ? '' : (sealer.open(stored.response_body) ?? ''));
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const reservation = request.idempotency;
    if (!reservation) return payload;
    request.idempotency = null;
    const where = deps.db.kysely;
    if (reply.statusCode >= 500) {
      // Nothing was created; let the client retry with the same key.
      await where.deleteFrom('idempotency_keys').where('scope', '=', reservation.scope).where('key', '=', reservation.key).execute();
    } else {
      await where
        .updateTable('idempotency_keys')
        .set({
          status_code: reply.statusCode,
          response_body: typeof payload === 'string' ? sealer.seal(payload) : null,
          response_location: headerText(reply.getHeader('location')),
        })
        .where('scope', '=', reservation.scope)
        .where('key', '=', reservation.key)
        .execute();
    }
    return payload;
  });
}

export function registerIdempotencyJobs(runner: JobRunner): void {
  runner.define({
    name: 'idempotency.purge',
    maxAttempts: 1,
    handler: async (_payload, { deps }) => {
      await deps.db.kysely.deleteFrom('idempotency_keys').where('created_at', '<', deps.clock.now() - IDEMPOTENCY_TTL_MS).execute();
    },
  });
  runner.schedule({ name: 'idempotency.purge', every: { cron: '23 * * * *' }, job: 'idempotency.purge' });
}
