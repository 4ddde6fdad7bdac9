import type { Kysely } from 'kysely';
import type { Database, Db } from '../../db/index.ts';
import { startCheckpointer } from '../../db/checkpointer.ts';
import { createWalSync } from '../../db/wal-sync.ts';
import type { Deps } from '../../deps.ts';
import { newId } from '../../ids.ts';
import { utcDay } from '../codes/tokens.ts';
import type { UserAgentClass } from './user-agent.ts';

export interface ScanRecord<S = unknown> {
  workspaceId: string;
  codeId: string;
  groupId: string;
  /** ok, password_required, or the refusal */
  outcome: string;
  /** Admitted scans (ok, password_required) count against the code's daily and total caps. */
  admitted: boolean;
  tags: Record<string, unknown>;
  ua: UserAgentClass;
  network: string;
  at: number;
  /** What the scan was judged on, for the recorder's BatchCheck; absent = stands as judged. */
  snapshot?: S;
}

/** recorded: committed. stale: the batch's check found it judged on outdated state; nothing was written. */
export type RecordResult = 'recorded' | 'stale';

/**
 * Runs inside each batch's transaction before anything is written, and says per scan whether it
 * still stands as judged. Those that do not are left out of the batch and answered 'stale', so the
 * caller judges them again; `committed` runs once the batch is on disk.
 */
export type BatchCheck<S> = (db: Kysely<Database>, scans: readonly ScanRecord<S>[]) => Promise<{ stands: boolean[]; committed?: () => void }>;

export interface ScanRecorder<S = unknown> {
  /** Resolves once the scan (row, code.scanned event, counters) is committed, or was found stale; rejects if its batch failed. */
  record(scan: ScanRecord<S>): Promise<RecordResult>;
  /** Writes whatever is waiting now and resolves when everything queued so far is on disk. */
  flush(): Promise<void>;
  /** Drains the queue; later records are written one batch each. Call on shutdown. */
  close(): Promise<void>;
}

interface Waiting<S> {
  scan: ScanRecord<S>;
  resolve: (result: RecordResult) => void;
  reject: (error: unknown) => void;
}

export interface RecorderOptions<S> {
  /** A batch holds at most this many scans. */
  maxBatch?: number;
  /** Start a batch this long after its first scan arrived; 0 (the default): once the event loop has taken in what arrived with it. */
  maxWaitMs?: number;
  /** Batches written and syncing at once (their commits still run one after another). */
  maxInFlight?: number;
  check?: BatchCheck<S>;
}

interface BatchRows {
  scans: {
    id: string;
    workspace_id: string;
    code_id: string;
    scanned_at: number;
    outcome: string;
    tags: string;
    ua_app: string;
    ua_os: string;
    ua_device: string;
    bot: number;
    network: string;
  }[];
  events: { id: string; workspace_id: string; type: string; payload: string; created_at: number; dispatched_at: null }[];
  /** Admitted scans per code and UTC day, sorted: two processes' batches lock counter rows in the same order (no deadlock). */
  days: { codeId: string; day: string; n: number }[];
  /** Admitted scans per code, sorted likewise. */
  totals: { codeId: string; n: number }[];
}

// Scans of one code share their tags object; its JSON is made once.
const tagsJson = new WeakMap<object, string>();
function jsonOfTags(tags: Record<string, unknown>): string {
  let json = tagsJson.get(tags);
  if (json === undefined) tagsJson.set(tags, (json = JSON.stringify(tags)));
  return json;
}

/**
 * The code.scanned payload: { codeId, groupId, outcome, tags, ua: { app, os }, at }. Built from
 * pieces because every scan makes one and the scans of a batch share all but the time and agent.
 */
function scannedPayloads(): (scan: ScanRecord<unknown>) => string {
  const heads = new Map<string, string>();
  let lastAt = NaN;
  let lastIso = '';
  return (s) => {
    const key = `${s.codeId} ${s.groupId} ${s.outcome}`;
    let head = heads.get(key);
    if (head === undefined) heads.set(key, (head = JSON.stringify({ codeId: s.codeId, groupId: s.groupId, outcome: s.outcome }).slice(0, -1)));
    if (s.at !== lastAt) lastIso = new Date((lastAt = s.at)).toISOString();
    return `${head},"tags":${jsonOfTags(s.tags)},"ua":${JSON.stringify({ app: s.ua.app, os: s.ua.os })},"at":"${lastIso}"}`;
  };
}

function batchRows(scans: readonly ScanRecord<unknown>[], now: number): BatchRows {
  const days = new Map<string, { codeId: string; day: string; n: number }>();
  const totals = new Map<string, { codeId: string; n: number }>();
  for (const scan of scans) {
    if (!scan.admitted) continue;
    const day = utcDay(scan.at);
    const key = `${scan.codeId}|${day}`;
    const entry = days.get(key) ?? { codeId: scan.codeId, day, n: 0 };
    entry.n += 1;
    days.set(key, entry);
    const total = totals.get(scan.codeId) ?? { codeId: scan.codeId, n: 0 };
    total.n += 1;
    totals.set(scan.codeId, total);
  }
  const payload = scannedPayloads();
  return {
    scans: scans.map((s) => ({
      id: newId(s.at),
      workspace_id: s.workspaceId,
      code_id: s.codeId,
      scanned_at: s.at,
      outcome: s.outcome,
      tags: jsonOfTags(s.tags),
      ua_app: s.ua.app,
      ua_os: s.ua.os,
      ua_device: s.ua.device,
      bot: s.ua.bot ? 1 : 0,
      network: s.network,
    })),
    events: scans.map((s) => ({
      id: newId(now),
      workspace_id: s.workspaceId,
      type: 'code.scanned',
      payload: payload(s),
      created_at: now,
      dispatched_at: null,
    })),
    days: [...days.values()].sort((a, b) => (a.codeId + a.day).localeCompare(b.codeId + b.day)),
    totals: [...totals.values()].sort((a, b) => a.codeId.localeCompare(b.codeId)),
  };
}

type BatchWriter = (db: Kysely<Database>, rows: BatchRows) => Promise<void>;

/** PostgreSQL: one multi-row statement per table (one round trip each), then the counters. */
const postgresWriter: BatchWriter = async (tx, rows) => {
  if (rows.scans.length > 0) await tx.insertInto('scans').values(rows.scans).execute();
  if (rows.events.length > 0) await tx.insertInto('events').values(rows.events).execute();
  for (const { codeId, day, n } of rows.days) {
    await tx
      .insertInto('code_scan_days')
      .values({ code_id: codeId, day, scans: n })
      .onConflict((oc) => oc.columns(['code_id', 'day']).doUpdateSet((eb) => ({ scans: eb('code_scan_days.scans', '+', n) })))
      .execute();
  }
  for (const { codeId, n } of rows.totals) {
    await tx
      .updateTable('codes')
      .set((eb) => ({ scans_total: eb('scans_total', '+', n) }))
      .where('id', '=', codeId)
      .execute();
  }
};

/**
 * SQLite: a statement costs no round trip, while building and compiling queries per batch cost
 * more than running them; so single-row statements, prepared once, run synchronously on the
 * connection the batch's transaction holds.
 */
function sqliteWriter(sqlite: NonNullable<Db['sqlite']>): BatchWriter {
  const insertScan = sqlite.prepare(
    'insert into scans (id, workspace_id, code_id, scanned_at, outcome, tags, ua_app, ua_os, ua_device, bot, network) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertEvent = sqlite.prepare('insert into events (id, workspace_id, type, payload, created_at, dispatched_at) values (?, ?, ?, ?, ?, null)');
  const countDay = sqlite.prepare('insert into code_scan_days (code_id, day, scans) values (?, ?, ?) on conflict (code_id, day) do update set scans = scans + excluded.scans');
  const countTotal = sqlite.prepare('update codes set scans_total = scans_total + ? where id = ?');
  return async (_db, rows) => {
    for (const r of rows.scans) insertScan.run(r.id, r.workspace_id, r.code_id, r.scanned_at, r.outcome, r.tags, r.ua_app, r.ua_os, r.ua_device, r.bot, r.network);
    for (const r of rows.events) insertEvent.run(r.id, r.workspace_id, r.type, r.payload, r.created_at);
    for (const { codeId, day, n } of rows.days) countDay.run(codeId, day, n);
    for (const { codeId, n } of rows.totals) countTotal.run(n, codeId);
  };
}

/** A batch's work: on PostgreSQL inside a transaction; on SQLite on the connection whose transaction it is. */
type Work<T> = (db: Kysely<Database>) => Promise<T>;

/** Runs a batch's transaction; `durable` settles once the commit is on disk. */
interface Committer {
  commit<T>(work: Work<T>): Promise<{ result: T; durable: Promise<void> }>;
  close(): Promise<void>;
}

/** PostgreSQL syncs at commit (on its side of the socket), so a commit is durable when it returns. */
function postgresCommitter(db: Db): Committer {
  return {
    async commit(work) {
      return { result: await db.kysely.transaction().execute(work), durable: Promise.resolve() };
    },
    close: async () => undefined,
  };
}

/**
 * SQLite syncs at commit on the thread that commits, and better-sqlite3 commits on the event loop:
 * each batch's fsync stalled every request for as long as the disk took. So the batch commits
 * without it (synchronous = NORMAL for that one commit) and the WAL is then synced on libuv's
 * thread pool (wal-sync.ts); the batch counts as written only once that sync is done. The
 * transaction runs on Kysely's connection, held for the batch, with statements prepared once, and
 * checkpoints move to a worker thread (checkpointer.ts) while the recorder runs.
 */
function sqliteCommitter(deps: Deps, sqlite: NonNullable<Db['sqlite']>, file: string): Committer {
  const { db } = deps;
  const onDisk = file !== ':memory:';
  const wal = onDisk ? createWalSync(file) : null;
  const checkpointer = onDisk ? startCheckpointer(sqlite, file, deps.logger) : null;
  const configured = sqlite.pragma('synchronous', { simple: true }) as number;
  const begin = sqlite.prepare('begin');
  const commit = sqlite.prepare('commit');
  const rollback = sqlite.prepare('rollback');
  return {
    async commit(work) {
      const result = await db.kysely.connection().execute(async (connection) => {
        // Set outside the transaction (SQLite refuses inside). exec, not a prepared statement:
        // SQLite applies this pragma when it compiles it.
        sqlite.exec('pragma synchronous = NORMAL');
        try {
          begin.run();
          try {
            const done = await work(connection);
            commit.run();
            return done;
          } catch (error) {
            if (sqlite.inTransaction) rollback.run();
            throw error;
          }
        } finally {
          sqlite.exec(`pragma synchronous = ${configured}`);
        }
      });
      return { result, durable: wal ? wal.sync() : Promise.resolve() };
    },
    async close() {
      await checkpointer?.stop();
      await wal?.close();
    },
  };
}

/**
 * Group commit for scans. Each request enqueues its scan and waits; one transaction writes the
 * whole batch — the scans rows, one code.scanned outbox event per scan, and the counter increments
 * (code_scan_days for the daily cap, codes.scans_total) — and only once it is on disk are the
 * waiting requests answered. So an acknowledged scan is on disk, while the database sees one
 * commit (and one sync) per batch instead of one per scan. A batch starts as soon as the event loop
 * has taken in what arrived together (or after maxWaitMs). Commits run one after another, but a
 * batch may commit while the one before it still waits for the disk (at most maxInFlight batches
 * at once): a scan then waits for about one sync, not the rest of another one first. Scans arriving
 * while that many batches are under way form the next one, so batches grow with the load and with
 * the disk's latency.
 *
 * With a BatchCheck (the scan path's, scan-cache.ts), each scan is checked in the batch's
 * transaction against the state it was judged on, caps included, so the caps hold exactly. Without
 * one, caps are judged against the committed counters before a scan is enqueued, and scans in
 * flight together may pass a cap by up to their number (per process).
 */
export function createScanRecorder<S = unknown>(deps: Deps, options: RecorderOptions<S> = {}): ScanRecorder<S> {
  const maxBatch = options.maxBatch ?? 100;
  const maxWaitMs = options.maxWaitMs ?? 0;
  const maxInFlight = options.maxInFlight ?? 2;
  const check = options.check;
  const { db } = deps;
  const database = deps.config.database;
  const committer = db.sqlite && database.dialect === 'sqlite' ? sqliteCommitter(deps, db.sqlite, database.file) : postgresCommitter(db);
  const writeRows = db.sqlite ? sqliteWriter(db.sqlite) : postgresWriter;
  let queue: Waiting<S>[] = [];
  let cancelWait: (() => void) | null = null;
  /** Batches being written or synced. */
  const inFlight = new Set<Promise<void>>();
  /** Commits run one after another; only their syncs overlap. */
  let committing: Promise<unknown> = Promise.resolve();
  let closed = false;

  async function write(batch: Waiting<S>[]): Promise<void> {
    const scans = batch.map((w) => w.scan);
    const commit = committing.then(() =>
      committer.commit(async (tx) => {
        const verdict = check ? await check(tx, scans) : null;
        await writeRows(tx, batchRows(verdict ? scans.filter((_, i) => verdict.stands[i]) : scans, deps.clock.now()));
        return verdict;
      }),
    );
    committing = commit.catch(() => undefined);
    const { result: checked, durable } = await commit;
    checked?.committed?.();
    await durable;
    batch.forEach((w, i) => w.resolve(!checked || checked.stands[i] ? 'recorded' : 'stale'));
  }

  function schedule(): void {
    if (inFlight.size >= maxInFlight || cancelWait || queue.length === 0) return;
    if (queue.length >= maxBatch || closed) {
      startWrite();
      return;
    }
    if (maxWaitMs > 0) {
      const timer = setTimeout(startWrite, maxWaitMs);
      cancelWait = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(startWrite);
      cancelWait = () => clearImmediate(immediate);
    }
  }

  function startWrite(): void {
    cancelWait?.();
    cancelWait = null;
    if (inFlight.size >= maxInFlight || queue.length === 0) return;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(maxBatch);
    const writing = write(batch).catch((error: unknown) => {
      deps.logger.error({ err: error, scans: batch.length }, 'could not record a batch of scans');
      batch.forEach((w) => w.reject(error));
    });
    inFlight.add(writing);
    void writing.finally(() => {
      inFlight.delete(writing);
      // What arrived meanwhile goes at once: it has waited for a batch already.
      if (queue.length > 0) startWrite();
    });
  }

  async function flush(): Promise<void> {
    while (inFlight.size > 0 || queue.length > 0) {
      if (queue.length > 0) startWrite();
      await Promise.all(inFlight);
      // Let the finally() above run and start the next batch.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  return {
    record(scan) {
      return new Promise<RecordResult>((resolve, reject) => {
        queue.push({ scan, resolve, reject });
        schedule();
      });
    },
    flush,
    async close() {
      closed = true;
      await flush();
      await committer.close();
    },
  };
}
