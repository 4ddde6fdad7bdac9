import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { DEFAULT_DATABASE_FILE, SECRET_KEYS_FILE, type DatabaseConfig } from '../config.ts';

/** A backup that cannot be made; the message says why and what to do instead. */
export class BackupError extends Error {
  override name = 'BackupError';
}

export interface BackupResult {
  directory: string;
  databaseBytes: number;
  /** copied: the generated key ring is in the backup; environment: SECRET_KEYS must be kept with it. */
  keys: 'copied' | 'environment';
}

/**
 * Copies the embedded SQLite database into a new directory, consistently, while the service may
 * be running: `VACUUM INTO` writes the database as one read transaction saw it (WAL readers never
 * block the writer), compacted. Copying the file itself would miss what is still in the -wal file.
 * The copy is checked (integrity_check) and only then takes its name, so a failed backup never
 * looks like a good one. The generated key ring comes along: without it every printed QR code and
 * issued token would stop working after a restore. Both keep the names they have in DATA_DIR.
 */
export function backupSqlite(storage: { database: DatabaseConfig; keyFile: string | null }, target: string): BackupResult {
  const { database } = storage;
  if (database.dialect === 'postgres') {
    throw new BackupError('DATABASE_URL is PostgreSQL: back it up with pg_dump (for example `pg_dump --format=custom "$DATABASE_URL" > joincode.dump`), and keep SECRET_KEYS with it');
  }
  if (database.file === ':memory:') throw new BackupError('DATABASE_URL is :memory:, which keeps nothing to back up');
  if (!existsSync(database.file)) throw new BackupError(`No database at ${database.file}: nothing to back up (is DATA_DIR or DATABASE_URL the one the service uses?)`);
  const directory = path.resolve(target);
  if (existsSync(directory) && (!statSync(directory).isDirectory() || readdirSync(directory).length > 0)) {
    throw new BackupError(`${directory} already exists and is not an empty directory: name a new one, so no earlier backup is overwritten`);
  }
  // The copy holds password hashes and the key ring: for its owner's eyes only.
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const partial = path.join(directory, `.${DEFAULT_DATABASE_FILE}.partial`);
  try {
    const source = new SQLite(database.file, { fileMustExist: true });
    try {
      source.pragma('busy_timeout = 5000');
      source.prepare('VACUUM INTO ?').run(partial);
    } finally {
      source.close();
    }
    checkIntegrity(partial);
    renameSync(partial, path.join(directory, DEFAULT_DATABASE_FILE));
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  let keys: BackupResult['keys'] = 'environment';
  if (storage.keyFile !== null) {
    if (!existsSync(storage.keyFile)) throw new BackupError(`The key ring ${storage.keyFile} is missing: the database was copied, but tokens it issued cannot be checked without the keys`);
    const keyCopy = path.join(directory, SECRET_KEYS_FILE);
    copyFileSync(storage.keyFile, keyCopy);
    chmodSync(keyCopy, 0o600);
    keys = 'copied';
  }
  return { directory, databaseBytes: statSync(path.join(directory, DEFAULT_DATABASE_FILE)).size, keys };
}

function checkIntegrity(file: string): void {
  const copy = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const problems = (copy.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check);
    if (problems.join() !== 'ok') throw new BackupError(`The copy failed its integrity check: ${problems.slice(0, 5).join('; ')}`);
  } finally {
    copy.close();
  }
}
