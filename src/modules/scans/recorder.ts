import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { createBatchQueue, type BatchQueueOptions } from '../../db/batch-queue.ts';
import { openDurableBatches } from '../../db/durable-batches.ts';
import type { Database, Db } from '../../db/index.ts';
import type { ScanTable } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { newId } from '../../ids.ts';
import { utcDay } from '../codes/tokens.ts';
import { countEntryScans } from '../live-codes/pool.ts';
import type { UserAgentClass } from './user-agent.ts';

export interface ScanRecord<S = unknown> {
  workspaceId: string;
  codeId: string;
  /** The join code's group, or the group a live code routed the scanner to (null: none, or a link entry). */
  groupId: string | null;
  /** Live codes: the pool entry the scan was routed to; its scan count moves with the batch. */
  entryId?: string | null;
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
 * Where a batch's transaction runs: on PostgreSQL a Kysely transaction; on SQLite the recorder's
 * own connection, in a transaction that holds the database's write lock from its start (`tx` is
 * a Kysely on that connection, for the batch's less frequent writes).
 */
export type BatchDb =
  | { dialect: 'postgres'; tx: Kysely<Database> }
  /** `own`: only scan batches write on this connection (not so for an in-memory database). */
  | { dialect: 'sqlite'; tx: Kysely<Database>; connection: SQLite.Database; own: boolean };

/**
 * Runs inside each batch's transaction before anything is written, and says per scan whether it
 * still stands as judged. Those that do not are left out of the batch and answered 'stale', so the
 * caller judges them again; `committed` runs once the batch is committed.
 */
export type BatchCheck<S> = (db: BatchDb, scans: readonly ScanRecord<S>[]) => Promise<{ stands: boolean[]; committed?: () => void }>;

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

export interface RecorderOptions<S> extends BatchQueueOptions {
  check?: BatchCheck<S>;
}

interface BatchRows {
  scans: ScanTable[];
  events: { id: string; workspace_id: string; type: string; payload: string; created_at: number; dispatched_at: null }[];
  /** Admitted scans per code and UTC day, sorted: two processes' batches lock counter rows in the same order (no deadlock). */
  days: { codeId: string; day: string; n: number }[];
  /** Admitted scans per code, sorted likewise. */
  totals: { codeId: string; n: number }[];
  /** Live codes: admitted scans per pool entry. */
  entries: Map<string, number>;
  now: number;
}

// Scans of one code share their tags object, and scans from one kind of phone their agent's class
// (user-agent.ts): the JSON of each is made once.
const tagsJson = new WeakMap<object, string>();
function jsonOfTags(tags: Record<string, unknown>): string {
  let json = tagsJson.get(tags);
  if (json === undefined) tagsJson.set(tags, (json = JSON.stringify(tags)));
  return json;
}
const uaJson = new WeakMap<UserAgentClass, string>();
function jsonOfAgent(ua: UserAgentClass): string {
  let json = uaJson.get(ua);
  if (json === undefined) uaJson.set(ua, (json = JSON.stringify({ app: ua.app, os: ua.os })));
  return json;
}

/**
 * The code.scanned payload: { codeId, groupId, entryId (live codes), outcome, tags, ua: { app, os },
 * at }. Built from pieces because every scan makes one and the scans of a batch share all but the
 * time and agent.
 */
function scannedPayloads(): (scan: ScanRecord<unknown>) => string {
  const heads = new Map<string, string>();
  let lastAt = NaN;
  let lastIso = '';
  return (s) => {
    const key = `${s.codeId} ${s.groupId} ${s.entryId} ${s.outcome}`;
    let head = heads.get(key);
    if (head === undefined) {
      head = JSON.stringify({ codeId: s.codeId, groupId: s.groupId, ...(s.entryId ? { entryId: s.entryId } : {}), outcome: s.outcome }).slice(0, -1);
      heads.set(key, head);
    }
    if (s.at !== lastAt) lastIso = new Date((lastAt = s.at)).toISOString();
    return `${head},"tags":${jsonOfTags(s.tags)},"ua":${jsonOfAgent(s.ua)},"at":"${lastIso}"}`;
  };
}

function batchRows(scans: readonly ScanRecord<unknown>[], now: number): BatchRows {
  const days = new Map<string, { codeId: string; day: string; n: number }>();
  const totals = new Map<string, { codeId: string; n: number }>();
  const entries = new Map<string, number>();
  for (const scan of scans) {
    if (!scan.admitted) continue;
    if (scan.entryId) entries.set(scan.entryId, (entries.get(scan.entryId) ?? 0) + 1);
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
      entry_id: s.entryId ?? null,
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
    entries,
    now,
  };
}

type BatchWriter = (db: BatchDb, rows: BatchRows) => Promise<void>;

/** PostgreSQL: one multi-row statement per table (one round trip each), then the counters. */
const postgresWriter: BatchWriter = async ({ tx }, rows) => {
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
  // Live codes: link entries retire at their scan threshold, counted with the scans themselves.
  if (rows.entries.size > 0) await countEntryScans(tx, rows.entries, rows.now);
};

/**
 * SQLite: a statement costs no round trip, while building and compiling queries per batch cost
 * more than running them; so single-row statements, prepared once, run synchronously on the
 * connection the batch's transaction holds.
 */
function sqliteWriter(sqlite: SQLite.Database): BatchWriter {
  const insertScan = sqlite.prepare(
    'insert into scans (id, workspace_id, code_id, scanned_at, outcome, tags, ua_app, ua_os, ua_device, bot, network, entry_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertEvent = sqlite.prepare('insert into events (id, workspace_id, type, payload, created_at, dispatched_at) values (?, ?, ?, ?, ?, null)');
  const countDay = sqlite.prepare('insert into code_scan_days (code_id, day, scans) values (?, ?, ?) on conflict (code_id, day) do update set scans = scans + excluded.scans');
  const countTotal = sqlite.prepare('update codes set scans_total = scans_total + ? where id = ?');
  return async ({ tx }, rows) => {
    for (const r of rows.scans) insertScan.run(r.id, r.workspace_id, r.code_id, r.scanned_at, r.outcome, r.tags, r.ua_app, r.ua_os, r.ua_device, r.bot, r.network, r.entry_id);
    for (const r of rows.events) insertEvent.run(r.id, r.workspace_id, r.type, r.payload, r.created_at);
    for (const { codeId, day, n } of rows.days) countDay.run(codeId, day, n);
    for (const { codeId, n } of rows.totals) countTotal.run(n, codeId);
    if (rows.entries.size > 0) await countEntryScans(tx, rows.entries, rows.now);
  };
}

/** A batch's work, inside its transaction. */
type Work<T> = (db: BatchDb) => Promise<T>;

/** Runs a batch's transaction; `durable` settles once the commit is on disk. */
interface Committer {
  writer: BatchWriter;
  commit<T>(work: Work<T>): Promise<{ result: T; durable: Promise<void> }>;
  close(): Promise<void>;
}

/** PostgreSQL syncs at commit (on its side of the socket), so a commit is durable when it returns. */
function postgresCommitter(db: Db): Committer {
  return {
    writer: postgresWriter,
    async commit(work) {
      return { result: await db.kysely.transaction().execute((tx) => work({ dialect: 'postgres', tx })), durable: Promise.resolve() };
    },
    close: async () => undefined,
  };
}

/** SQLite: the batch's transaction runs on the durable batches' connection (durable-batches.ts). */
function sqliteCommitter(deps: Deps): Committer {
  const batches = openDurableBatches(deps.db, deps.logger);
  const { connection, own } = batches;
  return {
    writer: sqliteWriter(connection),
    commit: (work) => batches.transaction((tx) => work({ dialect: 'sqlite', tx, connection, own })),
    close: () => batches.close(),
  };
}

/**
 * Group commit for scans. Each request enqueues its scan and waits; one transaction writes the
 * whole batch — the scans rows, one code.scanned outbox event per scan, and the counter increments
 * (code_scan_days for the daily cap, codes.scans_total, the scans of live-code entries) — and only
 * once it is on disk are the waiting requests answered. So an acknowledged scan is on disk, while
 * the database sees one commit (and one sync) per batch instead of one per scan; batches are
 * scheduled by batch-queue.ts.
 *
 * With a BatchCheck (the scan path's, scan-cache.ts), each scan is checked in the batch's
 * transaction against the state it was judged on, caps included, so the caps hold exactly. A scan
 * without a snapshot (a live code's) stands as judged: its caps were judged against the committed
 * counters before it was enqueued, and scans in flight together may pass a cap by their number.
 */
export function createScanRecorder<S = unknown>(deps: Deps, options: RecorderOptions<S> = {}): ScanRecorder<S> {
  const { check, ...queueOptions } = options;
  const committer = deps.config.database.dialect === 'sqlite' ? sqliteCommitter(deps) : postgresCommitter(deps.db);
  const queue = createBatchQueue<Waiting<S>>(
    {
      async commit(batch) {
        const scans = batch.map((w) => w.scan);
        const { result: checked, durable } = await committer.commit(async (batchDb) => {
          const verdict = check ? await check(batchDb, scans) : null;
          await committer.writer(batchDb, batchRows(verdict ? scans.filter((_, i) => verdict.stands[i]) : scans, deps.clock.now()));
          return verdict;
        });
        checked?.committed?.();
        return async () => {
          await durable;
          batch.forEach((w, i) => w.resolve(!checked || checked.stands[i] ? 'recorded' : 'stale'));
        };
      },
      failed(batch, error) {
        deps.logger.error({ err: error, scans: batch.length }, 'could not record a batch of scans');
        batch.forEach((w) => w.reject(error));
      },
    },
    queueOptions,
  );

  return {
    record(scan) {
      return new Promise<RecordResult>((resolve, reject) => queue.push({ scan, resolve, reject }));
    },
    flush: () => queue.flush(),
    async close() {
      await queue.close();
      await committer.close();
    },
  };
}
