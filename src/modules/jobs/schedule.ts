import { CronExpressionParser } from 'cron-parser';

/** A recurring job: every N seconds (aligned to the epoch) or on a cron expression in UTC. */
export interface Schedule {
  name: string;
  every: { seconds: number } | { cron: string };
  /** The defined job each tick runs. */
  job: string;
  payload?: unknown;
}

/**
 * Start of the slot that contains `now`: the latest tick at or before it. Every process computes
 * the same value for the same moment, which is what makes a tick's job id deterministic.
 */
export function slotStart(every: Schedule['every'], now: number): number {
  if ('seconds' in every) {
    const period = every.seconds * 1000;
    return Math.floor(now / period) * period;
  }
  // prev() is strictly before currentDate; one ms later makes a tick exactly at `now` count.
  return CronExpressionParser.parse(every.cron, { currentDate: new Date(now + 1), tz: 'UTC' }).prev().getTime();
}

export const TICK_PREFIX = 'sched:';

/** The job id of one tick: two processes inserting the same tick collide on it, so one row wins. */
export function tickId(scheduleName: string, slot: number): string {
  return `${TICK_PREFIX}${scheduleName}:${slot}`;
}

/** Throws on a schedule that could never tick, so a typo fails at start-up rather than silently. */
export function assertValidSchedule(schedule: Schedule): void {
  // No _ or %: the name goes into LIKE patterns unescaped.
  if (!/^[a-z0-9.-]+$/i.test(schedule.name)) throw new Error(`schedule name "${schedule.name}" must match [a-z0-9.-]+`);
  if ('seconds' in schedule.every) {
    const { seconds } = schedule.every;
    if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`schedule ${schedule.name}: every.seconds must be a positive integer`);
    return;
  }
  CronExpressionParser.parse(schedule.every.cron, { tz: 'UTC', strict: false });
}
