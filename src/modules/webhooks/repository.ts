import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db, Dialect, Executor } from '../../db/index.ts';
import type { WebhookDeliveryTable, WebhookEndpointTable } from '../../db/schema.ts';

export type EndpointRow = Selectable<WebhookEndpointTable>;
export type DeliveryRow = Selectable<WebhookDeliveryTable>;

export function insertEndpoint(db: Executor, row: Insertable<WebhookEndpointTable>) {
  return db.insertInto('webhook_endpoints').values(row).execute();
}

export function findEndpoint(db: Executor, workspaceId: string, endpointId: string) {
  return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', endpointId).where('workspace_id', '=', workspaceId).executeTakeFirst();
}

export function listEndpoints(db: Executor, workspaceId: string, before: string | undefined, limit: number) {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .$if(before !== undefined, (q) => q.where('id', '<', before!))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function updateEndpoint(db: Executor, workspaceId: string, endpointId: string, changes: Updateable<WebhookEndpointTable>): Promise<boolean> {
  const result = await db.updateTable('webhook_endpoints').set(changes).where('id', '=', endpointId).where('workspace_id', '=', workspaceId).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteEndpoint(db: Executor, workspaceId: string, endpointId: string): Promise<boolean> {
  const result = await db.deleteFrom('webhook_endpoints').where('id', '=', endpointId).where('workspace_id', '=', workspaceId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Oldest events not yet fanned out; on PostgreSQL locked so a concurrent fan-out takes the next ones. */
export function lockUndispatchedEvents(tx: Executor, dialect: Dialect, limit: number) {
  return tx
    .selectFrom('events')
    .select(['id', 'workspace_id', 'type'])
    .where('dispatched_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .$if(dialect === 'postgres', (q) => q.forUpdate().skipLocked())
    .execute();
}

export function markEventsDispatched(tx: Executor, eventIds: string[], now: number) {
  return tx.updateTable('events').set({ dispatched_at: now }).where('id', 'in', eventIds).execute();
}

export function activeEndpointsOf(tx: Executor, workspaceIds: string[]) {
  return tx.selectFrom('webhook_endpoints').select(['id', 'workspace_id', 'event_types']).where('workspace_id', 'in', workspaceIds).where('status', '=', 'active').execute();
}

/** A new delivery, due now. The unique (endpoint, event) pair makes a repeated insert a no-op. */
export function newDelivery(input: { id: string; workspaceId: string; endpointId: string; eventId: string; eventType: string }, now: number): Insertable<WebhookDeliveryTable> {
  return {
    id: input.id,
    workspace_id: input.workspaceId,
    endpoint_id: input.endpointId,
    event_id: input.eventId,
    event_type: input.eventType,
    status: 'pending',
    attempt_count: 0,
    series_attempts: 0,
    next_attempt_at: now,
    locked_until: null,
    last_status_code: null,
    last_error: null,
    created_at: now,
    updated_at: now,
  };
}

// 15 columns a row; well under SQLite's limit of 32,766 bound parameters a statement.
const INSERT_CHUNK = 500;

export async function insertDeliveries(tx: Executor, rows: Insertable<WebhookDeliveryTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await tx
      .insertInto('webhook_deliveries')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
      .execute();
  }
}

/**
 * Leases due deliveries of active endpoints in one statement. A delivery whose lease lapsed (its
 * worker died mid-attempt) is due again. Deliveries of disabled endpoints wait, untouched, until
 * the endpoint is enabled again.
 */
export function claimDueDeliveries(db: Db, now: number, leaseMs: number, limit: number) {
  const due = db.kysely
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .where('endpoint_id', 'in', (eb) => eb.selectFrom('webhook_endpoints').select('id').where('status', '=', 'active'))
    .orderBy('next_attempt_at')
    .limit(limit)
    .$if(db.dialect === 'postgres', (q) => q.forUpdate().skipLocked());
  return db.kysely.updateTable('webhook_deliveries').set({ locked_until: now + leaseMs }).where('id', 'in', due).returningAll().execute();
}

/** What an attempt needs besides the delivery: where to send and what. */
export function findAttemptContext(db: Executor, deliveryId: string) {
  return db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
    .innerJoin('events', 'events.id', 'webhook_deliveries.event_id')
    .select(['webhook_endpoints.url', 'webhook_endpoints.secret', 'events.type', 'events.payload', 'events.created_at'])
    .where('webhook_deliveries.id', '=', deliveryId)
    .executeTakeFirst();
}

export function listDeliveries(db: Executor, workspaceId: string, endpointId: string, before: string | undefined, limit: number) {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .where('workspace_id', '=', workspaceId)
    .$if(before !== undefined, (q) => q.where('id', '<', before!))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export function findDelivery(db: Executor, workspaceId: string, deliveryId: string) {
  return db.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).where('workspace_id', '=', workspaceId).executeTakeFirst();
}

export function findEventPayload(db: Executor, eventId: string) {
  return db.selectFrom('events').select('payload').where('id', '=', eventId).executeTakeFirst();
}

export function listAttempts(db: Executor, deliveryId: string) {
  return db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('id').execute();
}

/** Owners of a workspace are told when one of its endpoints is disabled. */
export async function ownerEmails(db: Executor, workspaceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('staff', 'staff.id', 'memberships.staff_id')
    .select('staff.email')
    .where('memberships.workspace_id', '=', workspaceId)
    .where('memberships.role', '=', 'owner')
    .execute();
  return rows.map((r) => r.email);
}
