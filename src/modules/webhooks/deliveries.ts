import { toIso } from '../../clock.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import type { Actor } from '../audit/actor.ts';
import { insertAudit } from '../audit/repository.ts';
import * as repo from './repository.ts';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface DeliveryView {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
}

export interface AttemptView {
  id: string;
  attemptedAt: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  responseExcerpt: string | null;
}

export function presentDelivery(row: repo.DeliveryRow): DeliveryView {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status as DeliveryStatus,
    attemptCount: row.attempt_count,
    nextAttemptAt: toIso(row.next_attempt_at),
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: toIso(row.created_at),
  };
}

/** Deliveries of one endpoint, newest first; 404 when the endpoint is not in the workspace. */
export async function listEndpointDeliveries(deps: Deps, workspaceId: string, endpointId: string, before: string | undefined, limit: number) {
  if (!(await repo.findEndpoint(deps.db.kysely, workspaceId, endpointId))) throw new AppError('not_found', 'No such webhook endpoint');
  return repo.listDeliveries(deps.db.kysely, workspaceId, endpointId, before, limit);
}

/** One delivery with every attempt, oldest first, and the payload of its event. */
export async function getDeliveryDetail(
  deps: Deps,
  workspaceId: string,
  deliveryId: string,
): Promise<DeliveryView & { attempts: AttemptView[]; payload: Record<string, unknown> }> {
  const db = deps.db.kysely;
  const delivery = await repo.findDelivery(db, workspaceId, deliveryId);
  if (!delivery) throw new AppError('not_found', 'No such webhook delivery');
  const [attempts, event] = await Promise.all([repo.listAttempts(db, deliveryId), repo.findEventPayload(db, delivery.event_id)]);
  return {
    ...presentDelivery(delivery),
    attempts: attempts.map((a) => ({
      id: a.id,
      attemptedAt: toIso(a.attempted_at),
      statusCode: a.status_code,
      error: a.error,
      durationMs: a.duration_ms,
      responseExcerpt: a.response_excerpt,
    })),
    payload: event ? (JSON.parse(event.payload) as Record<string, unknown>) : {},
  };
}

/**
 * Starts a new attempt series for a delivery, due now, with the full retry schedule ahead of it.
 * The attempt count keeps growing so the log stays complete. Refused while the endpoint is
 * disabled (the attempt would never be made) and while an attempt is in flight.
 */
export async function replayDelivery(deps: Deps, actor: Actor, workspaceId: string, deliveryId: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.kysely.transaction().execute(async (tx) => {
    const delivery = await repo.findDelivery(tx, workspaceId, deliveryId);
    if (!delivery) throw new AppError('not_found', 'No such webhook delivery');
    const endpoint = await repo.findEndpoint(tx, workspaceId, delivery.endpoint_id);
    if (endpoint?.status !== 'active') throw new AppError('not_replayable', 'The endpoint is disabled; enable it before replaying its deliveries');
    // Conditional, so a worker leasing the delivery at this moment cannot slip in between.
    const updated = await tx
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', next_attempt_at: now, series_attempts: 0, updated_at: now })
      .where('id', '=', deliveryId)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      throw new AppError('not_replayable', 'An attempt of this delivery is in progress; try again in a minute');
    }
    await insertAudit(
      tx,
      actor,
      { workspaceId, action: 'webhook_delivery.replayed', targetType: 'webhook_delivery', targetId: deliveryId, details: { endpointId: delivery.endpoint_id, eventId: delivery.event_id } },
      now,
    );
  });
}
