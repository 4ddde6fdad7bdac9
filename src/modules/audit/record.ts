import type { Executor } from '../../db/index.ts';
import type { EventType } from '../events/event-types.ts';
import { recordEvent } from '../events/outbox.ts';
import type { Actor } from './actor.ts';
import { insertAudit } from './repository.ts';

export interface Change {
  workspaceId: string | null;
  action: EventType;
  targetType: string;
  targetId: string;
  /** Goes to the audit log and, with `event`, into the event payload. */
  details?: Record<string, unknown>;
  /** The event's payload when the change is also a domain event (webhooks, analytics). */
  event?: Record<string, unknown>;
}

/**
 * Records a change made by an actor: an audit row and, when asked, the domain event. Call it
 * inside the transaction that makes the change, so neither can exist without the other.
 */
export async function recordChange(db: Executor, actor: Actor, change: Change, now: number): Promise<void> {
  await insertAudit(db, actor, change, now);
  if (change.event) {
    await recordEvent(db, { workspaceId: change.workspaceId, type: change.action, payload: change.event }, now);
  }
}
