import { monotonicFactory } from 'ulid';

const next = monotonicFactory();

/** A new time-ordered id (ULID), so ids sort by creation and serve as pagination cursors. */
export function newId(now: number = Date.now()): string {
  return next(now);
}
