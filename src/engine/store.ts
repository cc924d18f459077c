/**
 * The bot's durable store: one Keyv over `@keyv/sqlite` (or memory), keys grouped by
 * prefix into namespaces (`jobs:`, `quotas:`, `lineage:`, `settings:`, `index:`).
 *
 * With SQLite a single process owns the store: the per-key locks that make read-modify-write
 * safe (`KeyedMutex`) live in that process, so opening one takes an exclusive lock beside the file
 * (see `store-lock.ts`) and a second process is refused. With `redis://` (distributed mode) every
 * instance shares it; what must be atomic across instances (quota charges, delivery claims) is done
 * by Redis itself, not through Keyv.
 *
 * Keyv swallows adapter errors unless `throwOnErrors` is set; it is, and every failure is
 * rethrown as a {@link StoreError} that says what to check.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import type { Logger } from '../log/logger.ts';
import { silentLogger } from '../log/logger.ts';
import { StoreError } from './store-error.ts';
import { lockStore, type StoreLock } from './store-lock.ts';

export { StoreError } from './store-error.ts';
export { StoreLockedError } from './store-lock.ts';

/** Minimal key-value surface the engine needs. */
export interface Store {
  /** Where the data lives, for messages (`sqlite:///abs/path`, `memory:`). */
  readonly location: string;
  get<T>(key: string): Promise<T | undefined>;
  getMany<T>(keys: readonly string[]): Promise<Array<T | undefined>>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every entry whose key starts with `prefix` (one query on SQLite). */
  scan<T>(prefix: string): Promise<Array<[string, T]>>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  logger?: Logger;
  /**
   * Take the store's exclusive lock (SQLite). Only tools that read a store while its bot is stopped
   * or to inspect it (tests, benchmarks) pass `false`. @default true
   */
  exclusive?: boolean;
}

const NAMESPACE = 'reelbot';

/**
 * Open the store named by `STORE_URL` (`sqlite://path`, `memory:`) or `REDIS_URL`
 * (`redis://`, `rediss://`). Creates the directory of a SQLite file.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const logger = options.logger ?? silentLogger;
  if (/^memory:?$/.test(url)) return new KeyvStore(new Keyv({ namespace: NAMESPACE }), 'memory:', logger);
  if (/^rediss?:\/\//.test(url)) return openRedisStore(url, logger);
  const match = /^sqlite:\/\/(.+)$/.exec(url);
  if (!match?.[1]) throw new StoreError(`STORE_URL "${url}" is not sqlite://path or memory:`, url);
  const file = resolve(match[1]);
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (err) {
    throw new StoreError(
      `the bot's database directory ${dirname(file)} could not be created: ${(err as Error).message} — check permissions`,
      file,
      { cause: err },
    );
  }
  const lock = options.exclusive === false ? undefined : await lockStore(file, logger);
  const adapter = new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: 5000, iterationLimit: 1000 });
  const store = new KeyvStore(new Keyv({ store: adapter, namespace: NAMESPACE }), file, logger, {
    sqlite: adapter,
    lock,
  });
  try {
    // Touch the database now so a bad path fails at start, not at the first user's request.
    await store.get('index:probe');
  } catch (err) {
    await store.close();
    throw err;
  }
  try {
    // WAL + synchronous=NORMAL: a write survives a killed process (kill -9) without an fsync per
    // write; only a power cut may lose the last moments. Several times faster per submit.
    await adapter.query('PRAGMA journal_mode=WAL');
    await adapter.query('PRAGMA synchronous=NORMAL');
  } catch (err) {
    await store.close();
    throw new StoreError(
      `the bot's database at ${file} could not be opened: ${(err as Error).message} — check disk space and permissions`,
      file,
      { cause: err },
    );
  }
  return store;
}

async function openRedisStore(url: string, logger: Logger): Promise<Store> {
  // The location never shows the password of the URL.
  const location = url.replace(/\/\/[^@/]*@/, '//***@');
  // Loaded only for Redis: the client is not needed by a bot on SQLite.
  const { default: KeyvRedis } = await import('@keyv/redis');
  const adapter = new KeyvRedis(url, { throwOnErrors: true, throwOnConnectError: true });
  const store = new KeyvStore(new Keyv({ store: adapter, namespace: NAMESPACE }), location, logger);
  // Connect now so a wrong URL fails at start, not at the first user's request.
  await store.get('index:probe');
  return store;
}

class KeyvStore implements Store {
  readonly #keyv: Keyv;
  readonly #sqlite: KeyvSqlite | undefined;
  readonly #lock: StoreLock | undefined;
  readonly #logger: Logger;

  constructor(
    keyv: Keyv,
    readonly location: string,
    logger: Logger,
    sqlite: { sqlite?: KeyvSqlite | undefined; lock?: StoreLock | undefined } = {},
  ) {
    this.#keyv = keyv;
    this.#sqlite = sqlite.sqlite;
    this.#lock = sqlite.lock;
    this.#logger = logger;
    keyv.throwOnErrors = true;
    // Plain JSON: the scan below parses rows itself, and our values never hold Buffers.
    keyv.serialize = (data) => JSON.stringify(data);
    keyv.deserialize = (text) => JSON.parse(text);
    keyv.on('error', (err: unknown) => this.#logger.debug('store adapter error', { err }));
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.#wrap('read', () => this.#keyv.get<T>(key));
  }

  async getMany<T>(keys: readonly string[]): Promise<Array<T | undefined>> {
    if (keys.length === 0) return [];
    return this.#wrap('read', async () => (await this.#keyv.getMany<T>([...keys])) as Array<T | undefined>);
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.#wrap('written', async () => {
      const ok = await this.#keyv.set(key, value);
      if (ok === false) throw new Error('the write was not accepted');
    });
  }

  async delete(key: string): Promise<void> {
    await this.#wrap('written', () => this.#keyv.delete(key));
  }

  async scan<T>(prefix: string): Promise<Array<[string, T]>> {
    return this.#wrap('read', async () => {
      const full = `${NAMESPACE}:${prefix}`;
      if (this.#sqlite) {
        // One range query on the primary key instead of Keyv's page-by-page iterator.
        const hi = `${full.slice(0, -1)}${String.fromCharCode(full.charCodeAt(full.length - 1) + 1)}`;
        const rows = (await this.#sqlite.query(
          `SELECT key, value FROM ${this.#sqlite.opts.table} WHERE key >= ? AND key < ?`,
          full,
          hi,
        )) as Array<{ key: string; value: string }>;
        return rows.map((r) => [
          r.key.slice(NAMESPACE.length + 1),
          (JSON.parse(r.value) as { value: T }).value,
        ]);
      }
      const out: Array<[string, T]> = [];
      if (!this.#keyv.iterator) return out;
      for await (const [key, value] of this.#keyv.iterator(undefined)) {
        if (typeof key === 'string' && key.startsWith(prefix)) out.push([key, value as T]);
      }
      return out;
    });
  }

  async close(): Promise<void> {
    try {
      await this.#keyv.disconnect();
    } catch (err) {
      this.#logger.warn('store close failed', { err });
    }
    await this.#lock?.release();
  }

  async #wrap<T>(verb: 'read' | 'written', fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof StoreError) throw err;
      const detail = err instanceof Error ? err.message : String(err);
      throw new StoreError(
        `the bot's database at ${this.location} could not be ${verb}: ${detail} — check disk space and permissions`,
        this.location,
        { cause: err },
      );
    }
  }
}
