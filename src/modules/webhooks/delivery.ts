import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { createPoller } from '../../infra/poller.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { noteFailure, noteSuccess } from './endpoint-health.ts';
import { signedMessage } from './message.ts';
import { claimDueDeliveries, findAttemptContext, type DeliveryRow } from './repository.ts';
import { openSecret } from './secrets.ts';
import { postWebhook, type PostResult } from './transport.ts';
import { resolveWebhookTarget } from './url-guard.ts';

/**
 * Waits after each failed attempt of a series, as Standard Webhooks / Svix do: the first attempt
 * is immediate, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — eight attempts over about 27 hours.
 */
export const RETRY_DELAYS_MS = [5e3, 5 * 60e3, 30 * 60e3, 2 * 3600e3, 5 * 3600e3, 10 * 3600e3, 10 * 3600e3];
export const ATTEMPTS_PER_SERIES = RETRY_DELAYS_MS.length + 1;
/** Longer than a whole attempt (connect + response timeouts) plus recording it. */
const DELIVERY_LEASE_MS = 60 * 1000;
const MAX_IN_FLIGHT = 32;

/**
 * The wait after failed attempt n of a series, plus up to 10% jitter so deliveries that failed
 * together do not all retry in the same instant. The jitter comes from the delivery id, so it is
 * the same on every process and in tests.
 */
export function retryDelayMs(deliveryId: string, seriesAttempt: number): number {
  const base = RETRY_DELAYS_MS[seriesAttempt - 1];
  if (base === undefined) throw new Error(`no retry after attempt ${seriesAttempt}`);
  const fraction = createHash('sha256').update(`${deliveryId}:${seriesAttempt}`).digest().readUInt32BE(0) / 2 ** 32;
  return base + Math.floor(base * 0.1 * fraction);
}

function isSuccess(result: PostResult): boolean {
  return result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
}

/**
 * Writes the outcome of one attempt: the attempt row, the delivery's next state and the
 * endpoint's health, together. Only the lease holder may write; a worker that overran its lease
 * (another may be retrying already) changes nothing.
 */
async function recordAttempt(deps: Deps, delivery: DeliveryRow, attemptedAt: number, result: PostResult): Promise<boolean> {
  const now = deps.clock.now();
  const succeeded = isSuccess(result);
  const seriesAttempt = delivery.series_attempts + 1;
  const retry = !succeeded && seriesAttempt < ATTEMPTS_PER_SERIES;
  return deps.db.kysely.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable('webhook_deliveries')
      .set({
        status: succeeded ? 'succeeded' : retry ? 'pending' : 'failed',
        next_attempt_at: retry ? now + retryDelayMs(delivery.id, seriesAttempt) : null,
        attempt_count: sql<number>`attempt_count + 1`,
        series_attempts: seriesAttempt,
        locked_until: null,
        last_status_code: result.statusCode,
        last_error: result.error,
        updated_at: now,
      })
      .where('id', '=', delivery.id)
      .where('locked_until', '=', delivery.locked_until)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return false;
    await tx
      .insertInto('webhook_attempts')
      .values({
        id: newId(now),
        delivery_id: delivery.id,
        attempted_at: attemptedAt,
        status_code: result.statusCode,
        error: result.error,
        duration_ms: result.durationMs,
        response_excerpt: result.responseExcerpt,
      })
      .execute();
    if (succeeded) await noteSuccess(tx, delivery.endpoint_id, now);
    else await noteFailure(tx, deps, delivery.endpoint_id, result.statusCode, now);
    return true;
  });
}

/** Makes one attempt of a leased delivery: check the URL again, sign, POST, record. */
async function attemptDelivery(deps: Deps, delivery: DeliveryRow): Promise<void> {
  const attemptedAt = deps.clock.now();
  const context = await findAttemptContext(deps.db.kysely, delivery.id);
  if (!context) return; // the endpoint was deleted, and its deliveries with it
  let result: PostResult;
  try {
    const target = await resolveWebhookTarget(context.url, deps.config.webhookAllowPrivateUrls);
    const secret = openSecret(deps.config.secretKeys, delivery.endpoint_id, context.secret);
    const event = { id: delivery.event_id, type: context.type, workspaceId: delivery.workspace_id, createdAt: context.created_at, payload: context.payload };
    const { body, headers } = signedMessage(secret, event, attemptedAt);
    result = await postWebhook(target, headers, body);
  } catch (error) {
    const message = error instanceof AppError ? (error.detail ?? error.message) : error instanceof Error ? error.message : String(error);
    result = { statusCode: null, error: message, durationMs: 0, responseExcerpt: null };
  }
  if (!(await recordAttempt(deps, delivery, attemptedAt, result))) {
    deps.logger.warn({ deliveryId: delivery.id }, 'webhook attempt outlived its lease; its outcome was not recorded');
  }
}

/**
 * Leases a batch of due deliveries and attempts them side by side; resolves when all are
 * recorded. Returns how many were attempted. The worker below does the same continuously.
 */
export async function deliverDueWebhooks(deps: Deps): Promise<number> {
  const claimed = await claimDueDeliveries(deps.db, deps.clock.now(), DELIVERY_LEASE_MS, MAX_IN_FLIGHT);
  const outcomes = await Promise.allSettled(claimed.map((delivery) => attemptDelivery(deps, delivery)));
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') deps.logger.error({ err: outcome.reason }, 'could not record a webhook attempt');
  }
  return claimed.length;
}

export interface DeliveryWorker {
  start(): void;
  /** Stops claiming and waits for attempts in flight to be recorded. */
  stop(): Promise<void>;
}

/**
 * Each process runs one worker: it keeps up to MAX_IN_FLIGHT attempts going, topping up from the
 * due deliveries every poll, so one slow receiver never holds up the others. Processes share the
 * work through the delivery leases.
 */
export function createDeliveryWorker(deps: Deps, options: { pollMs?: number } = {}): DeliveryWorker {
  const pollMs = options.pollMs ?? 1000;

  async function poll(): Promise<void> {
    try {
      const free = MAX_IN_FLIGHT - poller.inFlight;
      if (free <= 0) return;
      const claimed = await claimDueDeliveries(deps.db, deps.clock.now(), DELIVERY_LEASE_MS, free);
      for (const delivery of claimed) {
        poller.track(
          attemptDelivery(deps, delivery).catch((error: unknown) =>
            deps.logger.error({ err: error, deliveryId: delivery.id }, 'could not record a webhook attempt'),
          ),
        );
      }
    } catch (error) {
      deps.logger.error({ err: error }, 'webhook delivery poll failed');
    }
  }

  const poller = createPoller(poll, pollMs);
  return { start: () => poller.start(), stop: () => poller.stop() };
}
