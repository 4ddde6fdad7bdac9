import type { Executor } from '../../db/index.ts';
import { newId } from '../../ids.ts';
import type { EventType } from './event-types.ts';

export interface NewEvent {
  workspaceId: string | null;
  type: EventType;
  payload: Record<string, unknown>;
}

/**
 * Writes a domain event into the outbox. Call it with the transaction that makes the change, so
 * the event exists exactly when the change does; webhooks and analytics read it from there.
 */
export async function recordEvent(db: Executor, event: NewEvent, now: number): Promise<string> {
  const id = newId(now);
  await db
    .insertInto('events')
    .values({
      id,
      workspace_id: event.workspaceId,
      type: event.type,
      payload: JSON.stringify(event.payload),
      created_at: now,
      dispatched_at: null,
    })
    .execute();
  return id;
}

/** Rows per insert when a change writes many events: well under SQLite's bound-parameter limit. */
const EVENTS_PER_INSERT = 500;

/**
 * Writes the events of a change that touches many rows at once (a bulk revoke), as multi-row
 * inserts in the caller's transaction: the same rows recordEvent writes one by one.
 */
export async function recordEvents(db: Executor, events: NewEvent[], now: number): Promise<void> {
  for (let at = 0; at < events.length; at += EVENTS_PER_INSERT) {
    const rows = events.slice(at, at + EVENTS_PER_INSERT).map((event) => ({
      id: newId(now),
      workspace_id: event.workspaceId,
      type: event.type,
      payload: JSON.stringify(event.payload),
      created_at: now,
      dispatched_at: null,
    }));
    await db.insertInto('events').values(rows).execute();
  }
}

/** Age in ms of the oldest event not yet fanned out to webhooks (0 when none wait). */
export async function outboxLagMs(db: Executor, now: number): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.min('created_at').as('oldest'))
    .where('dispatched_at', 'is', null)
    .executeTakeFirst();
  const oldest = row?.oldest;
  return oldest === null || oldest === undefined ? 0 : Math.max(0, now - Number(oldest));
}
