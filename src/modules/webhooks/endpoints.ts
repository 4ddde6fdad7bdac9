import { toIso } from '../../clock.ts';
import type { Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../audit/actor.ts';
import { insertAudit } from '../audit/repository.ts';
import { isEventType } from '../events/event-types.ts';
import { recordEvent } from '../events/outbox.ts';
import * as repo from './repository.ts';
import { newSigningSecret, sealSecret } from './secrets.ts';
import { resolveWebhookTarget } from './url-guard.ts';

export type EndpointStatus = 'active' | 'disabled';

export interface EndpointView {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  status: EndpointStatus;
  failingSince: string | null;
  disabledAt: string | null;
  createdAt: string;
}

export function presentEndpoint(row: repo.EndpointRow): EndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: JSON.parse(row.event_types) as string[],
    status: row.status as EndpointStatus,
    failingSince: toIso(row.failing_since),
    disabledAt: toIso(row.disabled_at),
    createdAt: toIso(row.created_at),
  };
}

/** Known event types, or ['*'] for all of them (including types added later). */
function normalizeEventTypes(types: string[]): string[] {
  if (types.includes('*')) return ['*'];
  const unknown = types.filter((t) => !isEventType(t));
  if (unknown.length > 0) throw new AppError('validation_failed', `Unknown event types: ${unknown.join(', ')}; GET /event-types lists them`);
  if (types.length === 0) throw new AppError('validation_failed', 'Subscribe to at least one event type, or to "*" for all');
  return [...new Set(types)];
}

/** The url as given, once the SSRF guard accepts it. Resolved outside any transaction: DNS can be slow. */
async function checkedUrl(deps: Deps, url: string): Promise<string> {
  await resolveWebhookTarget(url, deps.config.webhookAllowPrivateUrls);
  return url;
}

// Endpoint changes are audited but are not domain events, so recordChange (which takes event
// types as actions) does not fit; the audit row alone is written here.
function audit(tx: Executor, actor: Actor, workspaceId: string, action: string, targetId: string, details: Record<string, unknown>, now: number) {
  return insertAudit(tx, actor, { workspaceId, action, targetType: 'webhook_endpoint', targetId, details }, now);
}

async function requireEndpoint(db: Executor, workspaceId: string, endpointId: string): Promise<repo.EndpointRow> {
  const row = await repo.findEndpoint(db, workspaceId, endpointId);
  if (!row) throw new AppError('not_found', 'No such webhook endpoint');
  return row;
}

/** Creates an endpoint; the signing secret is in the result and nowhere else in clear. */
export async function createWebhookEndpoint(
  deps: Deps,
  actor: Actor,
  workspaceId: string,
  input: { url: string; description?: string; eventTypes: string[] },
): Promise<EndpointView & { secret: string }> {
  const url = await checkedUrl(deps, input.url);
  const eventTypes = normalizeEventTypes(input.eventTypes);
  const now = deps.clock.now();
  const id = newId(now);
  const secret = newSigningSecret();
  const row = {
    id,
    workspace_id: workspaceId,
    url,
    description: input.description ?? '',
    event_types: JSON.stringify(eventTypes),
    secret: sealSecret(deps.config.secretKeys, id, secret),
    status: 'active',
    failing_since: null,
    disabled_at: null,
    created_at: now,
    updated_at: now,
  };
  await deps.db.kysely.transaction().execute(async (tx) => {
    await repo.insertEndpoint(tx, row);
    await audit(tx, actor, workspaceId, 'webhook_endpoint.created', id, { url, eventTypes }, now);
  });
  return { ...presentEndpoint(row), secret };
}

export function listWebhookEndpoints(deps: Deps, workspaceId: string, before: string | undefined, limit: number) {
  return repo.listEndpoints(deps.db.kysely, workspaceId, before, limit);
}

export async function getWebhookEndpoint(deps: Deps, workspaceId: string, endpointId: string): Promise<EndpointView> {
  return presentEndpoint(await requireEndpoint(deps.db.kysely, workspaceId, endpointId));
}

/**
 * Changes an endpoint. Disabling stops its deliveries (they wait); enabling resumes them and
 * starts a fresh failure streak.
 */
export async function updateWebhookEndpoint(
  deps: Deps,
  actor: Actor,
  workspaceId: string,
  endpointId: string,
  input: { url?: string; description?: string; eventTypes?: string[]; status?: EndpointStatus },
): Promise<EndpointView> {
  const url = input.url === undefined ? undefined : await checkedUrl(deps, input.url);
  const eventTypes = input.eventTypes === undefined ? undefined : normalizeEventTypes(input.eventTypes);
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (tx) => {
    const current = await requireEndpoint(tx, workspaceId, endpointId);
    const statusChange =
      input.status === undefined || input.status === current.status
        ? {}
        : input.status === 'active'
          ? { status: 'active', disabled_at: null, failing_since: null }
          : { status: 'disabled', disabled_at: now };
    const changes = {
      ...(url === undefined ? {} : { url }),
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(eventTypes === undefined ? {} : { event_types: JSON.stringify(eventTypes) }),
      ...statusChange,
      updated_at: now,
    };
    await repo.updateEndpoint(tx, workspaceId, endpointId, changes);
    await audit(tx, actor, workspaceId, 'webhook_endpoint.updated', endpointId, { url, description: input.description, eventTypes, status: input.status }, now);
    return presentEndpoint({ ...current, ...changes });
  });
}

/** Deletes an endpoint with its deliveries and their attempt log. */
export async function deleteWebhookEndpoint(deps: Deps, actor: Actor, workspaceId: string, endpointId: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.kysely.transaction().execute(async (tx) => {
    const current = await requireEndpoint(tx, workspaceId, endpointId);
    await repo.deleteEndpoint(tx, workspaceId, endpointId);
    await audit(tx, actor, workspaceId, 'webhook_endpoint.deleted', endpointId, { url: current.url }, now);
  });
}

/** Replaces the signing secret; the old one stops working at once. */
export async function rotateWebhookSecret(deps: Deps, actor: Actor, workspaceId: string, endpointId: string): Promise<{ secret: string }> {
  const secret = newSigningSecret();
  const now = deps.clock.now();
  await deps.db.kysely.transaction().execute(async (tx) => {
    const changed = await repo.updateEndpoint(tx, workspaceId, endpointId, { secret: sealSecret(deps.config.secretKeys, endpointId, secret), updated_at: now });
    if (!changed) throw new AppError('not_found', 'No such webhook endpoint');
    await audit(tx, actor, workspaceId, 'webhook_endpoint.secret_rotated', endpointId, {}, now);
  });
  return { secret };
}

/**
 * Sends a webhook.test event to this one endpoint: the event is recorded already dispatched and
 * its single delivery created with it, so other endpoints never see it. To a disabled endpoint
 * the delivery waits, like its others, until the endpoint is enabled.
 */
export async function sendTestEvent(deps: Deps, workspaceId: string, endpointId: string): Promise<{ deliveryId: string }> {
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (tx) => {
    await requireEndpoint(tx, workspaceId, endpointId);
    const payload = { endpointId, message: 'This is a test event from joincode.' };
    const eventId = await recordEvent(tx, { workspaceId, type: 'webhook.test', payload }, now);
    await repo.markEventsDispatched(tx, [eventId], now);
    const deliveryId = newId(now);
    await repo.insertDeliveries(tx, [repo.newDelivery({ id: deliveryId, workspaceId, endpointId, eventId, eventType: 'webhook.test' }, now)]);
    return { deliveryId };
  });
}
