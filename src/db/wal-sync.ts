import { open, type FileHandle } from 'node:fs/promises';

export interface WalSync {
  /** Resolves once everything committed to the WAL before the call is on disk. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * fdatasync of a SQLite database's write-ahead log on libuv's thread pool, so a commit made
 * without its own sync (synchronous = NORMAL) becomes as durable as a synchronous = FULL one —
 * which syncs exactly that file at commit — without stalling the event loop for the disk.
 * fdatasync covers the file, whichever descriptor wrote it. One sync runs at a time: callers that
 * arrive while one runs (their commits may have missed it) share the next one, so a burst of
 * commits costs two syncs, not one each.
 */
export function createWalSync(databaseFile: string, openFile: (path: string, flags: string) => Promise<Pick<FileHandle, 'datasync' | 'close'>> = open): WalSync {
  let handle: ReturnType<typeof openFile> | null = null;
  const opened = (): ReturnType<typeof openFile> =>
    // Opened on first use: the WAL exists once something was committed to it.
    (handle ??= openFile(`${databaseFile}-wal`, 'r+').catch((error: unknown) => {
      handle = null;
      throw error;
    }));
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;

  function sync(): Promise<void> {
    if (running) {
      next ??= running
        .catch(() => undefined)
        .then(() => {
          next = null;
          return sync();
        });
      return next;
    }
    const current = (async () => (await opened()).datasync())().finally(() => {
      running = null;
    });
    running = current;
    return current;
  }

  return {
    sync,
    async close() {
      await (next ?? running)?.catch(() => undefined);
      const current = handle;
      handle = null;
      if (current) await (await current.catch(() => null))?.close();
    },
  };
}
