import type { Deps } from '../../deps.ts';
import { newId } from '../../ids.ts';
import { activeEndpointsOf, insertDeliveries, lockUndispatchedEvents, markEventsDispatched, newDelivery } from './repository.ts';

const BATCH = 200;
// Bounds one run well inside the job lease; the next tick, two seconds later, goes on.
const MAX_BATCHES_PER_RUN = 50;

export function subscribes(eventTypes: string[], type: string): boolean {
  return eventTypes.includes('*') || eventTypes.includes(type);
}

/**
 * Turns one batch of outbox events into deliveries: one per active endpoint of the event's
 * workspace that subscribes to its type, inserted in the same transaction that marks the events
 * dispatched. A crash leaves both undone; the unique (endpoint, event) pair makes a rerun harmless.
 */
async function fanOutBatch(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (tx) => {
    const events = await lockUndispatchedEvents(tx, deps.db.dialect, BATCH);
    if (events.length === 0) return 0;
    const workspaceIds = [...new Set(events.flatMap((e) => (e.workspace_id ? [e.workspace_id] : [])))];
    const endpoints = workspaceIds.length > 0 ? await activeEndpointsOf(tx, workspaceIds) : [];
    const subscriptions = endpoints.map((e) => ({ ...e, types: JSON.parse(e.event_types) as string[] }));
    const deliveries = events.flatMap((event) =>
      subscriptions
        .filter((endpoint) => endpoint.workspace_id === event.workspace_id && subscribes(endpoint.types, event.type))
        .map((endpoint) =>
          newDelivery({ id: newId(now), workspaceId: endpoint.workspace_id, endpointId: endpoint.id, eventId: event.id, eventType: event.type }, now),
        ),
    );
    await insertDeliveries(tx, deliveries);
    await markEventsDispatched(
      tx,
      events.map((e) => e.id),
      now,
    );
    return events.length;
  });
}

/** Fans out waiting events, batch by batch, until none wait (or the run's bound); returns how many. */
export async function fanOutEvents(deps: Deps): Promise<number> {
  let total = 0;
  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch += 1) {
    const count = await fanOutBatch(deps);
    total += count;
    if (count < BATCH) break;
  }
  return total;
}
