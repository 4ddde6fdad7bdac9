import { Webhook } from 'standardwebhooks';
import { toIso } from '../../clock.ts';

export interface OutgoingEvent {
  id: string;
  type: string;
  workspaceId: string;
  createdAt: number;
  /** The event's payload as stored (JSON text of an object). */
  payload: string;
}

export const USER_AGENT = 'joincode-webhooks/1';

/**
 * The request for one attempt, per the Standard Webhooks spec: body { type, timestamp, data },
 * webhook-id = the event id (the same on every retry, so receivers can deduplicate),
 * webhook-timestamp = the moment of this attempt, and a v1 HMAC signature over id.timestamp.body.
 */
export function signedMessage(secret: string, event: OutgoingEvent, now: number): { body: string; headers: Record<string, string> } {
  const data = { ...(JSON.parse(event.payload) as Record<string, unknown>), workspaceId: event.workspaceId };
  const body = JSON.stringify({ type: event.type, timestamp: toIso(event.createdAt), data });
  const sentAt = new Date(now);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'webhook-id': event.id,
      'webhook-timestamp': String(Math.floor(now / 1000)),
      'webhook-signature': new Webhook(secret).sign(event.id, sentAt, body),
    },
  };
}
