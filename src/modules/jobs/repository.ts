import type { Selectable } from 'kysely';
import type { Db, Executor } from '../../db/index.ts';
import type { JobTable } from '../../db/schema.ts';
import { TICK_PREFIX } from './schedule.ts';

export type JobRow = Selectable<JobTable>;
export const JOB_STATUSES = ['pending', 'running', 'done', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface NewJob {
  id: string;
  name: string;
  payload: unknown;
  runAt: number;
  maxAttempts: number;
}

/** Inserts a job unless one with the same id exists (a schedule tick or an idempotent enqueue). */
export async function insertJob(db: Executor, job: NewJob, now: number): Promise<void> {
  await db
    .insertInto('jobs')
    .values({
      id: job.id,
      name: job.name,
      payload: JSON.stringify(job.payload ?? null),
      status: 'pending',
      run_at: job.runAt,
      attempts: 0,
      max_attempts: job.maxAttempts,
      locked_by: null,
      locked_until: null,
      last_error: null,
      created_at: now,
      finished_at: null,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** True while a tick of the schedule waits or runs: the next tick is not started on top of it. */
export async function hasUnfinishedTick(db: Executor, scheduleName: string): Promise<boolean> {
  const row = await db
    .selectFrom('jobs')
    .select('id')
    .where('status', 'in', ['pending', 'running'])
    .where('id', 'like', `${TICK_PREFIX}${scheduleName}:%`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Claims the most overdue job among `names` in one statement: due pending jobs, and running jobs
 * whose worker let the lease lapse (it crashed). PostgreSQL's SKIP LOCKED lets several processes
 * claim side by side without waiting on each other; SQLite has a single writer anyway.
 */
export async function claimNextJob(db: Db, names: string[], workerId: string, now: number, leaseMs: number): Promise<JobRow | undefined> {
  const next = db.kysely
    .selectFrom('jobs')
    .select('id')
    .where('name', 'in', names)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', now)]),
        eb.and([eb('status', '=', 'running'), eb('locked_until', '<', now)]),
      ]),
    )
    .orderBy('run_at')
    .limit(1)
    .$if(db.dialect === 'postgres', (q) => q.forUpdate().skipLocked());
  return db.kysely
    .updateTable('jobs')
    .set((eb) => ({ status: 'running', locked_by: workerId, locked_until: now + leaseMs, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', next)
    .returningAll()
    .executeTakeFirst();
}

export type JobOutcome =
  | { status: 'done' }
  | { status: 'pending'; runAt: number; error: string }
  | { status: 'failed'; error: string };

/**
 * Records how a claimed run ended. Only the claim that is still current may write: a worker that
 * outlived its lease finds its job reclaimed (other worker or attempt count) and changes nothing.
 */
export async function finishJob(db: Executor, job: JobRow, outcome: JobOutcome, now: number): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({
      status: outcome.status,
      locked_by: null,
      locked_until: null,
      run_at: outcome.status === 'pending' ? outcome.runAt : job.run_at,
      last_error: outcome.status === 'done' ? job.last_error : outcome.error,
      finished_at: outcome.status === 'pending' ? null : now,
    })
    .where('id', '=', job.id)
    .where('locked_by', '=', job.locked_by)
    .where('attempts', '=', job.attempts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Deletes finished jobs older than the retention, and done schedule ticks as soon as no process
 * could still compute their slot as current — except the `keep` ticks, which a process whose clock
 * lags could still insert and run a second time if their row were gone.
 */
export async function purgeJobs(db: Executor, input: { finishedBefore: number; ticksBefore: number; keep: string[] }): Promise<number> {
  const result = await db
    .deleteFrom('jobs')
    .$if(input.keep.length > 0, (q) => q.where('id', 'not in', input.keep))
    .where((eb) =>
      eb.or([
        eb.and([eb('status', 'in', ['done', 'failed']), eb('finished_at', '<', input.finishedBefore)]),
        eb.and([eb('status', '=', 'done'), eb('id', 'like', `${TICK_PREFIX}%`), eb('run_at', '<', input.ticksBefore)]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function countJobs(db: Executor): Promise<Record<JobStatus, number>> {
  const rows = await db
    .selectFrom('jobs')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('count')])
    .groupBy('status')
    .execute();
  const counts: Record<JobStatus, number> = { pending: 0, running: 0, done: 0, failed: 0 };
  for (const row of rows) {
    if ((JOB_STATUSES as readonly string[]).includes(row.status)) counts[row.status as JobStatus] = Number(row.count);
  }
  return counts;
}
