import type { Deps } from '../../deps.ts';
import { decodeCursor, PageOf, PageQuery, pageLimit, toPage } from '../../http/pagination.ts';
import { NoContent, WorkspaceAnd, WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { EVENT_TYPES } from '../events/event-types.ts';
import { getDeliveryDetail, listEndpointDeliveries, presentDelivery, replayDelivery } from './deliveries.ts';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  presentEndpoint,
  rotateWebhookSecret,
  sendTestEvent,
  updateWebhookEndpoint,
} from './endpoints.ts';
import { CreateEndpoint, Delivery, DeliveryAccepted, DeliveryDetail, Endpoint, EndpointWithSecret, EventTypeList, SecretOnly, UpdateEndpoint } from './schema.ts';

const tags = ['Webhooks'];
const EndpointParams = WorkspaceAnd('endpointId');
const DeliveryParams = WorkspaceAnd('deliveryId');

/** Webhook endpoints, their delivery log, replay and test events; plus the event type catalogue. */
export async function webhookRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.get(
    '/event-types',
    { config: { access: 'public' }, schema: { tags, summary: 'Event types a webhook endpoint can subscribe to', security: [], response: { 200: EventTypeList } } },
    async () => ({ items: Object.entries(EVENT_TYPES).map(([type, description]) => ({ type, description })) }),
  );

  app.get(
    '/workspaces/:workspaceId/webhooks',
    { config: { access: 'webhooks:read' }, schema: { tags, summary: 'List webhook endpoints', params: WorkspaceParams, querystring: PageQuery, response: { 200: PageOf(Endpoint) } } },
    async (request) => {
      const limit = pageLimit(request.query);
      const rows = await listWebhookEndpoints(deps, request.params.workspaceId, decodeCursor(request.query.cursor), limit + 1);
      return toPage(rows, limit, presentEndpoint);
    },
  );

  app.post(
    '/workspaces/:workspaceId/webhooks',
    {
      config: { access: 'webhooks:manage', idempotent: true },
      schema: {
        tags,
        summary: 'Create a webhook endpoint',
        description: 'The signing secret is in this response and in rotate-secret responses only. The URL is refused (422 unsafe_webhook_url) when it resolves to a loopback, private or link-local address.',
        params: WorkspaceParams,
        body: CreateEndpoint,
        response: { 201: EndpointWithSecret },
      },
    },
    async (request, reply) => reply.status(201).send(await createWebhookEndpoint(deps, request.actor, request.params.workspaceId, request.body)),
  );

  app.get(
    '/workspaces/:workspaceId/webhooks/:endpointId',
    { config: { access: 'webhooks:read' }, schema: { tags, summary: 'Get a webhook endpoint', params: EndpointParams, response: { 200: Endpoint } } },
    async (request) => getWebhookEndpoint(deps, request.params.workspaceId, request.params.endpointId),
  );

  app.patch(
    '/workspaces/:workspaceId/webhooks/:endpointId',
    {
      config: { access: 'webhooks:manage' },
      schema: { tags, summary: 'Change a webhook endpoint, or disable / re-enable it', params: EndpointParams, body: UpdateEndpoint, response: { 200: Endpoint } },
    },
    async (request) => updateWebhookEndpoint(deps, request.actor, request.params.workspaceId, request.params.endpointId, request.body),
  );

  app.delete(
    '/workspaces/:workspaceId/webhooks/:endpointId',
    { config: { access: 'webhooks:manage' }, schema: { tags, summary: 'Delete a webhook endpoint and its delivery log', params: EndpointParams, response: { 204: NoContent } } },
    async (request, reply) => {
      await deleteWebhookEndpoint(deps, request.actor, request.params.workspaceId, request.params.endpointId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/workspaces/:workspaceId/webhooks/:endpointId/rotate-secret',
    {
      config: { access: 'webhooks:manage' },
      schema: { tags, summary: 'Replace the signing secret', description: 'The old secret stops working at once.', params: EndpointParams, response: { 200: SecretOnly } },
    },
    async (request) => rotateWebhookSecret(deps, request.actor, request.params.workspaceId, request.params.endpointId),
  );

  app.post(
    '/workspaces/:workspaceId/webhooks/:endpointId/test',
    {
      config: { access: 'webhooks:manage', idempotent: true },
      schema: { tags, summary: 'Send a webhook.test event to this endpoint only', params: EndpointParams, response: { 202: DeliveryAccepted } },
    },
    async (request, reply) => reply.status(202).send(await sendTestEvent(deps, request.params.workspaceId, request.params.endpointId)),
  );

  app.get(
    '/workspaces/:workspaceId/webhooks/:endpointId/deliveries',
    { config: { access: 'webhooks:read' }, schema: { tags, summary: "An endpoint's deliveries, newest first", params: EndpointParams, querystring: PageQuery, response: { 200: PageOf(Delivery) } } },
    async (request) => {
      const { workspaceId, endpointId } = request.params;
      const limit = pageLimit(request.query);
      const rows = await listEndpointDeliveries(deps, workspaceId, endpointId, decodeCursor(request.query.cursor), limit + 1);
      return toPage(rows, limit, presentDelivery);
    },
  );

  app.get(
    '/workspaces/:workspaceId/webhook-deliveries/:deliveryId',
    { config: { access: 'webhooks:read' }, schema: { tags, summary: 'A delivery with its attempts and the event payload', params: DeliveryParams, response: { 200: DeliveryDetail } } },
    async (request) => getDeliveryDetail(deps, request.params.workspaceId, request.params.deliveryId),
  );

  app.post(
    '/workspaces/:workspaceId/webhook-deliveries/:deliveryId/replay',
    {
      config: { access: 'webhooks:manage' },
      schema: {
        tags,
        summary: 'Send a delivery again, with a fresh retry schedule',
        description: 'Refused (422 not_replayable) while the endpoint is disabled or an attempt is in flight.',
        params: DeliveryParams,
        response: { 202: DeliveryAccepted },
      },
    },
    async (request, reply) => {
      await replayDelivery(deps, request.actor, request.params.workspaceId, request.params.deliveryId);
      return reply.status(202).send({ deliveryId: request.params.deliveryId });
    },
  );
}
