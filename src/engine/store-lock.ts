/**
 * One process per SQLite store. The embedded mode keeps its per-key locks, fair queue and poll loop in
 * memory, so a second process on the same file would resume the first one's jobs and could submit
 * one twice. The first process to open the store holds an exclusive lock on `<file>.lock`; a second
 * is refused with a sentence that names the holder.
 *
 * The lock is SQLite's own (an fcntl lock the kernel drops when the process dies, however it dies), so
 * a lock left by a killed process is never stale: the next start simply gets it, and says that the
 * previous holder did not stop cleanly. `<file>.owner` only describes the holder for messages.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import sqlite3 from 'sqlite3';
import type { Logger } from '../log/logger.ts';
import { StoreError } from './store-error.ts';

/** Another process holds the store. */
export class StoreLockedError extends StoreError {
  override name = 'StoreLockedError';
}

export interface StoreLock {
  release(): Promise<void>;
}

interface Holder {
  pid: number;
  host: string;
  since: string;
  command: string;
}

/** Take the exclusive lock for the SQLite store at `file` (an absolute path), or throw {@link StoreLockedError}. */
export async function lockStore(file: string, logger: Logger): Promise<StoreLock> {
  const lockFile = `${file}.lock`;
  const ownerFile = `${file}.owner`;
  const db = await openDatabase(lockFile);
  try {
    // EXCLUSIVE locking mode keeps the lock after the transaction until the connection closes.
    await exec(db, 'PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;');
  } catch (err) {
    await close(db);
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') {
      throw new StoreError(
        `the lock file ${lockFile} could not be used: ${(err as Error).message} — check disk space and permissions`,
        file,
        { cause: err },
      );
    }
    throw new StoreLockedError(lockedSentence(file, await readHolder(ownerFile)), file, { cause: err });
  }
  const previous = await readHolder(ownerFile);
  if (previous !== undefined) {
    logger.warn('store lock taken over from a process that did not stop cleanly', {
      previousPid: previous.pid,
      previousHost: previous.host,
      since: previous.since,
    });
  }
  const me: Holder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    command: process.argv.slice(1, 3).join(' '),
  };
  await writeFile(ownerFile, `${JSON.stringify(me)}\n`, { mode: 0o600 });
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await rm(ownerFile, { force: true });
      await close(db);
    },
  };
}

function lockedSentence(file: string, holder: Holder | undefined): string {
  const who =
    holder === undefined
      ? 'another reelbot process'
      : `another reelbot process (pid ${holder.pid} on ${holder.host}, running since ${holder.since})`;
  return (
    `the bot's database at ${file} is in use by ${who}. One process per SQLite store: stop the other ` +
    'process first, give this one its own STORE_URL, or set REDIS_URL to run several instances together'
  );
}

async function readHolder(ownerFile: string): Promise<Holder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(ownerFile, 'utf8')) as Partial<Holder>;
    if (typeof parsed.pid !== 'number') return undefined;
    return {
      pid: parsed.pid,
      host: String(parsed.host ?? '?'),
      since: String(parsed.since ?? '?'),
      command: String(parsed.command ?? ''),
    };
  } catch {
    return undefined;
  }
}

function openDatabase(path: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(path, (err) => (err ? reject(err) : resolve(db)));
  });
}

function exec(db: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));
}

function close(db: sqlite3.Database): Promise<void> {
  return new Promise((resolve) => db.close(() => resolve()));
}
