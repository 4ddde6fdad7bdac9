import { Type } from 'typebox';
import { NullableTimestamp, Timestamp } from '../../http/schemas.ts';
import { EVENT_TYPES } from '../events/event-types.ts';

const EventTypeName = Type.Union(
  ['*', ...Object.keys(EVENT_TYPES)].map((t) => Type.Literal(t)),
  { description: 'An event type from GET /event-types, or "*" for every type (including ones added later)' },
);
const EventTypes = Type.Array(EventTypeName, { minItems: 1, maxItems: 100, uniqueItems: true });
const Url = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'https:// (or http://) URL that must resolve to public addresses unless WEBHOOK_ALLOW_PRIVATE_URLS is set',
});
const Description = Type.String({ maxLength: 500 });
const Secret = Type.String({ description: 'Standard Webhooks signing secret (whsec_…); shown only on create and rotate' });
const EndpointStatus = Type.Union([Type.Literal('active'), Type.Literal('disabled')]);

export const EventTypeList = Type.Object({ items: Type.Array(Type.Object({ type: Type.String(), description: Type.String() })) });

export const Endpoint = Type.Object({
  id: Type.String(),
  url: Type.String(),
  description: Type.String(),
  eventTypes: Type.Array(Type.String()),
  status: EndpointStatus,
  failingSince: NullableTimestamp,
  disabledAt: NullableTimestamp,
  createdAt: Timestamp,
});

export const EndpointWithSecret = Type.Intersect([Endpoint, Type.Object({ secret: Secret })]);
export const SecretOnly = Type.Object({ secret: Secret });

export const CreateEndpoint = Type.Object({ url: Url, description: Type.Optional(Description), eventTypes: EventTypes }, { additionalProperties: false });

export const UpdateEndpoint = Type.Object(
  {
    url: Type.Optional(Url),
    description: Type.Optional(Description),
    eventTypes: Type.Optional(EventTypes),
    // "active" re-enables a disabled endpoint: its waiting deliveries resume.
    status: Type.Optional(EndpointStatus),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const DeliveryAccepted = Type.Object({ deliveryId: Type.String() });

export const Delivery = Type.Object({
  id: Type.String(),
  endpointId: Type.String(),
  eventId: Type.String({ description: 'Also the webhook-id header, the same on every attempt' }),
  eventType: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  attemptCount: Type.Integer(),
  nextAttemptAt: NullableTimestamp,
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
});

const Attempt = Type.Object({
  id: Type.String(),
  attemptedAt: Timestamp,
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Integer(),
  responseExcerpt: Type.Union([Type.String(), Type.Null()], { description: 'The first 4 KiB of the response body' }),
});

export const DeliveryDetail = Type.Intersect([
  Delivery,
  Type.Object({ attempts: Type.Array(Attempt), payload: Type.Record(Type.String(), Type.Unknown({ description: "The event's data" })) }),
]);
