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
 * fdatasync covers the file, whichever descriptor wrote it.
 */
export function createWalSync(databaseFile: string): WalSync {
  let handle: Promise<FileHandle> | null = null;
  const opened = (): Promise<FileHandle> =>
    // Opened on first use: the WAL exists once something was committed to it.
    (handle ??= open(`${databaseFile}-wal`, 'r+').catch((error: unknown) => {
      handle = null;
      throw error;
    }));
  return {
    async sync() {
      await (await opened()).datasync();
    },
    async close() {
      const current = handle;
      handle = null;
      if (current) await (await current.catch(() => null))?.close();
    },
  };
}
