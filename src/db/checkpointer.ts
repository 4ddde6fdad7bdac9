import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import type { Logger } from 'pino';

/** WAL pages after which the writer checkpoints by itself while the worker runs: a backstop only. */
export const BACKSTOP_CHECKPOINT_PAGES = 10_000;
/** How often the worker checkpoints when the last one caught up with the log. */
const IDLE_INTERVAL_MS = 100;
/** And how soon it tries again when writers outran it. */
const BUSY_INTERVAL_MS = 5;

// The worker is plain CommonJS, so it runs the same from src/ (tsx) and from the built dist/.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
let timer = null;
function checkpoint() {
  let behind = false;
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    behind = result.log > result.checkpointed;
  } catch (error) {
    parentPort.postMessage(String(error && error.message || error));
  }
  timer = setTimeout(checkpoint, behind ? workerData.busyMs : workerData.idleMs);
}
timer = setTimeout(checkpoint, workerData.idleMs);
parentPort.on('message', () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

// One worker per connection, however many users start it (apps in tests share databases).
const running = new WeakMap<SQLite.Database, { users: number; stop: () => Promise<void> }>();

/**
 * Checkpoints (copying the WAL back into the database file, with two fsyncs) run on a worker
 * thread with its own connection. Left to SQLite, the writing connection checkpoints inside every
 * thousandth page's commit, on the event loop, stalling every request for as long as the disk
 * takes. The writer keeps a far higher automatic threshold as a backstop in case the worker fails.
 */
export function startCheckpointer(sqlite: SQLite.Database, file: string, logger: Logger): Checkpointer {
  let shared = running.get(sqlite);
  if (!shared) {
    shared = { users: 0, stop: startWorker(sqlite, file, logger) };
    running.set(sqlite, shared);
  }
  shared.users += 1;
  const own = shared;
  let stopped = false;
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      own.users -= 1;
      if (own.users > 0) return;
      running.delete(sqlite);
      await own.stop();
    },
  };
}

function startWorker(sqlite: SQLite.Database, file: string, logger: Logger): () => Promise<void> {
  const previous = sqlite.pragma('wal_autocheckpoint', { simple: true }) as number;
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), file, idleMs: IDLE_INTERVAL_MS, busyMs: BUSY_INTERVAL_MS },
  });
  // Never what keeps the process alive.
  worker.unref();
  sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  let exited = false;
  const done = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  worker.on('message', (message: string) => logger.warn({ message }, 'WAL checkpoint failed; the next one retries'));
  worker.on('error', (error) => logger.error({ err: error }, 'the WAL checkpoint worker stopped; the writer checkpoints by itself'));
  void done.then(() => sqlite.open && sqlite.pragma(`wal_autocheckpoint = ${previous}`));
  return async () => {
    if (!exited) {
      // Keep the process alive until the worker has closed its connection.
      worker.ref();
      worker.postMessage('stop');
    }
    await done;
  };
}
