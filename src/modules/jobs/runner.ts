import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Transaction } from 'kysely';
import type { Database, Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { newId } from '../../ids.ts';
import { createPoller } from '../../infra/poller.ts';
import { claimNextJob, countJobs, finishJob, hasUnfinishedTick, insertJob, purgeJobs, type JobOutcome, type JobRow, type JobStatus } from './repository.ts';
import { assertValidSchedule, slotStart, tickId, type Schedule } from './schedule.ts';

export type { Schedule } from './schedule.ts';

export interface JobContext {
  deps: Deps;
  jobId: string;
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
}

export interface GaveUpContext {
  deps: Deps;
  /**
   * The transaction that marks the job failed. Write through it, never through deps.db: the job
   * is failed exactly when the owner's reaction is committed, so a crash in between loses neither.
   */
  tx: Transaction<Database>;
  jobId: string;
  /** The attempts the job was allowed, all used. */
  attempts: number;
  /** True when the worker running the last attempt stopped before finishing it (it died or outlived its lease): the runner gives up without running the handler again. */
  lost: boolean;
  /** What the last attempt threw; undefined when lost. */
  error: unknown;
}

export interface JobDefinition<P = unknown> {
  name: string;
  handler(payload: P, context: JobContext): Promise<void>;
  /** Runs before the job is marked failed; default 5, with exponential back-off between them. */
  maxAttempts?: number;
  /**
   * Called once when the runner gives up on a job (its last attempt threw or was lost), in the
   * transaction that marks it failed. If it throws, or the process dies before that transaction
   * commits, the job stays claimed and, once the lease lapses, is given up again (as lost) and the
   * hook runs again: the owner always hears of a job that died.
   */
  onGaveUp?(payload: P, context: GaveUpContext): Promise<void>;
}

export interface JobRunner {
  define<P>(definition: JobDefinition<P>): void;
  schedule(schedule: Schedule): void;
  /** Queues a job inside the caller's transaction, so it exists exactly when the change does. A given id makes it idempotent. */
  enqueue(db: Executor, name: string, payload: unknown, options?: { runAt?: number; id?: string }): Promise<string>;
  start(): void;
  /** Stops polling and waits for running handlers to finish. */
  stop(): Promise<void>;
  /** Claims and runs, one after another, every job due now (schedule ticks included); for tests. */
  runDueOnce(): Promise<number>;
  counts(): Promise<Record<JobStatus, number>>;
}

const DEFAULT_MAX_ATTEMPTS = 5;
/** A handler must finish within its lease; after that the job counts as lost and is run again. */
export const JOB_LEASE_MS = 5 * 60 * 1000;
const MAX_CONCURRENT = 4;
const RETRY_BASE_MS = 10 * 1000;
const RETRY_MAX_MS = 60 * 60 * 1000;
const RETENTION_MS = 7 * 24 * 3600 * 1000;
/** How far apart the clocks of two processes may be without a schedule tick running twice. */
export const SCHEDULE_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Delay before retry n (n = attempts made so far): 10 s, 20 s, 40 s, … capped at an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(RETRY_BASE_MS * 2 ** (attempts - 1), RETRY_MAX_MS);
}

/**
 * A database-backed job runner, the same on SQLite (one process) and PostgreSQL (several): jobs
 * are rows, a run is an atomic claim with a lease, and each schedule tick is a row with a
 * deterministic id, so every tick runs once however many processes compute it. Ticks of one
 * schedule never overlap: a tick is only started once the previous one has finished.
 */
export function createJobRunner(deps: Deps, options: { workerId?: string; pollMs?: number } = {}): JobRunner {
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const pollMs = options.pollMs ?? 1000;
  const logger = deps.logger.child({ module: 'jobs', workerId });
  const definitions = new Map<string, JobDefinition<never>>();
  const schedules = new Map<string, Schedule>();
  // Only saves repeated no-op inserts; the database decides whether a tick exists.
  const insertedSlots = new Map<string, number>();

  function maxAttemptsOf(name: string): number {
    const definition = definitions.get(name);
    if (!definition) throw new Error(`no job named "${name}" is defined`);
    return definition.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  }

  async function insertTicks(now: number): Promise<void> {
    for (const schedule of schedules.values()) {
      const slot = slotStart(schedule.every, now);
      if (insertedSlots.get(schedule.name) === slot) continue;
      // A tick still unfinished holds the next one back (checked again at the next poll), so a
      // slow handler never runs twice side by side and never piles up a backlog of stale ticks.
      if (await hasUnfinishedTick(deps.db.kysely, schedule.name)) continue;
      const job = { id: tickId(schedule.name, slot), name: schedule.job, payload: schedule.payload, runAt: slot, maxAttempts: maxAttemptsOf(schedule.job) };
      await insertJob(deps.db.kysely, job, now);
      insertedSlots.set(schedule.name, slot);
    }
  }

  function outcomeOf(job: JobRow, error: unknown, now: number): JobOutcome {
    const message = error instanceof Error ? error.message : String(error);
    if (job.attempts >= job.max_attempts) return { status: 'failed', error: message.slice(0, 2000) };
    return { status: 'pending', runAt: now + retryDelayMs(job.attempts), error: message.slice(0, 2000) };
  }

  /** Runs one claimed job and records the outcome; never throws, so one bad job cannot stop the loop. */
  async function execute(job: JobRow): Promise<void> {
    const log = logger.child({ jobId: job.id, job: job.name, attempt: job.attempts });
    const definition = definitions.get(job.name)!;
    const lost = job.attempts > job.max_attempts;
    let outcome: JobOutcome;
    let error: unknown;
    if (lost) {
      outcome = { status: 'failed', error: 'the worker running the last attempt stopped before finishing it' };
    } else {
      try {
        await definition.handler(JSON.parse(job.payload) as never, { deps, jobId: job.id, attempt: job.attempts });
        outcome = { status: 'done' };
      } catch (thrown) {
        error = thrown;
        outcome = outcomeOf(job, thrown, deps.clock.now());
        log.error({ err: thrown, next: outcome.status === 'pending' ? new Date(outcome.runAt).toISOString() : 'failed' }, 'job failed');
      }
    }
    try {
      const recorded =
        outcome.status === 'failed' && definition.onGaveUp
          ? await giveUp(job, definition, outcome, { lost, error })
          : await finishJob(deps.db.kysely, job, outcome, deps.clock.now());
      if (!recorded) log.warn('job was reclaimed after its lease expired; outcome dropped');
    } catch (thrown) {
      log.error({ err: thrown }, 'could not record the outcome of a job; it is claimed again once its lease lapses');
    }
  }

  /** Marks the job failed and runs its owner's hook in one transaction: both happen or neither. */
  function giveUp(job: JobRow, definition: JobDefinition<never>, outcome: JobOutcome, failure: { lost: boolean; error: unknown }): Promise<boolean> {
    return deps.db.kysely.transaction().execute(async (tx) => {
      if (!(await finishJob(tx, job, outcome, deps.clock.now()))) return false;
      const attempts = Math.min(job.attempts, job.max_attempts);
      await definition.onGaveUp!(JSON.parse(job.payload) as never, { deps, tx, jobId: job.id, attempts, ...failure });
      return true;
    });
  }

  function claim(): Promise<JobRow | undefined> {
    return claimNextJob(deps.db, [...definitions.keys()], workerId, deps.clock.now(), JOB_LEASE_MS);
  }

  async function poll(): Promise<void> {
    try {
      await insertTicks(deps.clock.now());
      while (!poller.stopped && poller.inFlight < MAX_CONCURRENT) {
        const job = await claim();
        if (!job) break;
        poller.track(execute(job));
      }
    } catch (error) {
      logger.error({ err: error }, 'job poll failed');
    }
  }

  const poller = createPoller(poll, pollMs);

  const runner: JobRunner = {
    define(definition) {
      if (definitions.has(definition.name)) throw new Error(`job "${definition.name}" is defined twice`);
      definitions.set(definition.name, definition as JobDefinition<never>);
    },
    schedule(schedule) {
      assertValidSchedule(schedule);
      maxAttemptsOf(schedule.job);
      if (schedules.has(schedule.name)) throw new Error(`schedule "${schedule.name}" is defined twice`);
      schedules.set(schedule.name, schedule);
    },
    async enqueue(db, name, payload, { runAt, id } = {}) {
      const now = deps.clock.now();
      const job = { id: id ?? newId(now), name, payload, runAt: runAt ?? now, maxAttempts: maxAttemptsOf(name) };
      await insertJob(db, job, now);
      return job.id;
    },
    start: () => poller.start(),
    stop: () => poller.stop(),
    async runDueOnce() {
      await insertTicks(deps.clock.now());
      let count = 0;
      for (let job = await claim(); job; job = await claim()) {
        await execute(job);
        count += 1;
      }
      return count;
    },
    counts: () => countJobs(deps.db.kysely),
  };

  runner.define({
    name: 'jobs.purge',
    maxAttempts: 1,
    handler: async () => {
      const now = deps.clock.now();
      const keep = [...schedules.values()].map((s) => tickId(s.name, slotStart(s.every, now - SCHEDULE_CLOCK_SKEW_MS)));
      const purged = await purgeJobs(deps.db.kysely, { finishedBefore: now - RETENTION_MS, ticksBefore: now - SCHEDULE_CLOCK_SKEW_MS, keep });
      if (purged > 0) logger.info({ purged }, 'purged finished jobs');
    },
  });
  runner.schedule({ name: 'jobs.purge', every: { seconds: 3600 }, job: 'jobs.purge' });
  return runner;
}
