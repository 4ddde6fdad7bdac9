import { CompiledQuery, type Insertable, type Transaction } from 'kysely';
import type { Database, Dialect } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { newId } from '../../ids.ts';
import { utcDay } from '../codes/tokens.ts';
import { countEntryScans } from '../live-codes/pool.ts';
import type { UserAgentClass } from './user-agent.ts';

export interface ScanRecord {
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
}

export interface ScanRecorder {
  /** Resolves once the scan (row, code.scanned event, counters) is committed; rejects if its batch failed. */
  record(scan: ScanRecord): Promise<void>;
  /** Writes whatever is waiting now and resolves when everything queued so far is on disk. */
  flush(): Promise<void>;
  /** Drains the queue; later records are written one batch each. Call on shutdown. */
  close(): Promise<void>;
}

interface Waiting {
  scan: ScanRecord;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface RecorderOptions {
  /** Flush as soon as this many scans wait. */
  maxBatch?: number;
  /** Otherwise flush this long after the first scan of a batch arrived. */
  maxWaitMs?: number;
}

/**
 * Group commit for scans. Each request enqueues its scan and waits; one transaction writes the
 * whole batch — the scans rows, one code.scanned outbox event per scan, and the counter increments
 * (code_scan_days for the daily cap, codes.scans_total, the scans of live-code entries) — and only
 * then are the waiting requests answered. So an acknowledged scan is on disk, while the database
 * sees one commit (one fsync) per batch instead of one per scan. Batches are written one after
 * another: scans arriving while a batch commits form the next one.
 *
 * Caps are judged against the committed counters before a scan is enqueued, so scans that are in
 * flight together may pass the cap by up to the number in flight (per process): the cap is
 * approximate within a batch, exact across batches.
 */
/**
 * Inserts a batch. PostgreSQL takes one multi-row statement (one round trip). On SQLite, where a
 * statement costs no round trip, building and preparing a 100-row statement of a new size for each
 * batch cost far more than running it: there, one single-row statement compiled once runs per row.
 */
async function insertRows<T extends 'scans' | 'events'>(tx: Transaction<Database>, dialect: Dialect, table: T, rows: Insertable<Database[T]>[]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  if (dialect === 'postgres') {
    await tx.insertInto(table).values(rows as never).execute();
    return;
  }
  const { sql } = tx.insertInto(table).values(first as never).compile();
  const columns = Object.keys(first) as (keyof typeof first)[];
  for (const row of rows) await tx.executeQuery(CompiledQuery.raw(sql, columns.map((column) => row[column])));
}

export function createScanRecorder(deps: Deps, options: RecorderOptions = {}): ScanRecorder {
  const maxBatch = options.maxBatch ?? 100;
  const maxWaitMs = options.maxWaitMs ?? 3;
  let queue: Waiting[] = [];
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> | null = null;
  let closed = false;

  async function write(batch: Waiting[]): Promise<void> {
    const scans = batch.map((w) => w.scan);
    const now = deps.clock.now();
    const days = new Map<string, { codeId: string; day: string; n: number }>();
    const totals = new Map<string, number>();
    const entries = new Map<string, number>();
    for (const scan of scans) {
      if (!scan.admitted) continue;
      if (scan.entryId) entries.set(scan.entryId, (entries.get(scan.entryId) ?? 0) + 1);
      const day = utcDay(scan.at);
      const key = `${scan.codeId}|${day}`;
      const entry = days.get(key) ?? { codeId: scan.codeId, day, n: 0 };
      entry.n += 1;
      days.set(key, entry);
      totals.set(scan.codeId, (totals.get(scan.codeId) ?? 0) + 1);
    }
    const scanRows = scans.map((s) => ({
      id: newId(s.at),
      workspace_id: s.workspaceId,
      code_id: s.codeId,
      scanned_at: s.at,
      outcome: s.outcome,
      tags: JSON.stringify(s.tags),
      ua_app: s.ua.app,
      ua_os: s.ua.os,
      ua_device: s.ua.device,
      bot: s.ua.bot ? 1 : 0,
      network: s.network,
      entry_id: s.entryId ?? null,
    }));
    const eventRows = scans.map((s) => ({
      id: newId(now),
      workspace_id: s.workspaceId,
      type: 'code.scanned',
      payload: JSON.stringify({ codeId: s.codeId, groupId: s.groupId, ...(s.entryId ? { entryId: s.entryId } : {}), outcome: s.outcome, tags: s.tags, ua: { app: s.ua.app, os: s.ua.os }, at: new Date(s.at).toISOString() }),
      created_at: now,
      dispatched_at: null,
    }));
    await deps.db.kysely.transaction().execute(async (tx) => {
      await insertRows(tx, deps.db.dialect, 'scans', scanRows);
      await insertRows(tx, deps.db.dialect, 'events', eventRows);
      // Sorted, so two processes' batches lock counter rows in the same order (no deadlock).
      for (const { codeId, day, n } of [...days.values()].sort((a, b) => (a.codeId + a.day).localeCompare(b.codeId + b.day))) {
        await tx
          .insertInto('code_scan_days')
          .values({ code_id: codeId, day, scans: n })
          .onConflict((oc) => oc.columns(['code_id', 'day']).doUpdateSet((eb) => ({ scans: eb('code_scan_days.scans', '+', n) })))
          .execute();
      }
      for (const [codeId, n] of [...totals.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        await tx
          .updateTable('codes')
          .set((eb) => ({ scans_total: eb('scans_total', '+', n) }))
          .where('id', '=', codeId)
          .execute();
      }
      // Live codes: link entries retire at their scan threshold, counted with the scans themselves.
      if (entries.size > 0) await countEntryScans(tx, entries, now);
    });
  }

  function schedule(): void {
    if (writing || queue.length === 0) return;
    if (queue.length >= maxBatch || closed) {
      startWrite();
      return;
    }
    timer ??= setTimeout(startWrite, maxWaitMs);
  }

  function startWrite(): void {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (writing || queue.length === 0) return;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(maxBatch);
    writing = write(batch).then(
      () => batch.forEach((w) => w.resolve()),
      (error: unknown) => {
        deps.logger.error({ err: error, scans: batch.length }, 'could not record a batch of scans');
        batch.forEach((w) => w.reject(error));
      },
    );
    void writing.finally(() => {
      writing = null;
      // What arrived meanwhile goes at once: it has waited for this batch already.
      if (queue.length > 0) startWrite();
    });
  }

  async function flush(): Promise<void> {
    while (writing || queue.length > 0) {
      if (!writing) startWrite();
      await writing;
      // Let the finally() above run and start the next batch.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  return {
    record(scan) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ scan, resolve, reject });
        schedule();
      });
    },
    flush,
    async close() {
      closed = true;
      await flush();
    },
  };
}
