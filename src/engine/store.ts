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
  /**
   * Some top-level fields of every entry whose key starts with `prefix` (a field the entry lacks
   * is absent). On SQLite the database picks the fields out, so big records are never parsed
   * here: a start-up pass over 100,000 jobs reads their states in a fraction of a full scan.
   */
  scanFields<T extends object, K extends keyof T & string>(
    prefix: string,
    fields: readonly K[],
    options?: ScanFieldsOptions,
  ): Promise<Array<[string, Partial<Pick<T, K>>]>>;
  close(): Promise<void>;
}

export interface ScanFieldsOptions {
  /**
   * Leave out entries whose fields, as a tuple in the order asked (`null` for an absent field),
   * equal one of these: e.g. `[['delivered', null]]` skips delivered jobs without the field set.
   * On SQLite the comparison runs in the database, so skipped entries never reach this process.
   */
  skip?: ReadonlyArray<readonly unknown[]>;
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
    return this.#wrap('read', async () => {
      const sqlite = this.#sqlite;
      if (!sqlite) return (await this.#keyv.getMany<T>([...keys])) as Array<T | undefined>;
      // The adapter's own getMany matches rows to keys by a linear search each (quadratic: 10,000
      // keys took over a second); one query and a map instead.
      const rows = (await sqlite.query(
        `SELECT key, value FROM ${sqlite.opts.table} WHERE key IN (SELECT value FROM json_each(?))`,
        JSON.stringify(keys.map((k) => `${NAMESPACE}:${k}`)),
      )) as Array<{ key: string; value: string }>;
      const byKey = new Map(rows.map((r) => [r.key, r.value]));
      return keys.map((k) => {
        const text = byKey.get(`${NAMESPACE}:${k}`);
        return text === undefined ? undefined : (JSON.parse(text) as { value: T }).value;
      });
    });
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
      if (this.#sqlite) {
        // One range query on the primary key instead of Keyv's page-by-page iterator.
        const { lo, hi } = keyRange(`${NAMESPACE}:${prefix}`);
        const rows = (await this.#sqlite.query(
          `SELECT key, value FROM ${this.#sqlite.opts.table} WHERE key >= ? AND key < ?`,
          lo,
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

  async scanFields<T extends object, K extends keyof T & string>(
    prefix: string,
    fields: readonly K[],
    options: ScanFieldsOptions = {},
  ): Promise<Array<[string, Partial<Pick<T, K>>]>> {
    const skip = new Set((options.skip ?? []).map((tuple) => JSON.stringify(tuple)));
    const sqlite = this.#sqlite;
    if (!sqlite) {
      const rows = (await this.scan<T>(prefix)).map(([key, value]): [string, Partial<Pick<T, K>>] => [
        key,
        pick(value, fields),
      ]);
      return rows.filter(([, picked]) => !skip.has(JSON.stringify(fields.map((f) => picked[f] ?? null))));
    }
    for (const f of fields) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(f)) throw new Error(`scanFields: "${f}" is not a field name`);
    }
    return this.#wrap('read', async () => {
      const { lo, hi } = keyRange(`${NAMESPACE}:${prefix}`);
      // `->` yields each field as JSON (NULL when absent) and json_array keeps it JSON, so the
      // tuple compares with the skipped ones as text and parses back with its types intact.
      const tuple = `json_array(${fields.map((f) => `value -> '$.value.${f}'`).join(', ')})`;
      const skipped = skip.size > 0 ? ` AND ${tuple} NOT IN (SELECT value FROM json_each(?))` : '';
      const rows = (await sqlite.query(
        `SELECT key, ${tuple} AS tuple FROM ${sqlite.opts.table} WHERE key >= ? AND key < ?${skipped}`,
        lo,
        hi,
        ...(skip.size > 0 ? [JSON.stringify([...skip])] : []),
      )) as Array<{ key: string; tuple: string }>;
      return rows.map((r) => {
        const values = JSON.parse(r.tuple) as unknown[];
        const out: Partial<Pick<T, K>> = {};
        fields.forEach((f, i) => {
          if (values[i] !== null) out[f] = values[i] as T[K];
        });
        return [r.key.slice(NAMESPACE.length + 1), out];
      });
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

/** The keys starting with `prefix`, as a half-open range on the primary key. */
function keyRange(prefix: string): { lo: string; hi: string } {
  const hi = `${prefix.slice(0, -1)}${String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)}`;
  return { lo: prefix, hi };
}

function pick<T extends object, K extends keyof T & string>(
  value: T,
  fields: readonly K[],
): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const f of fields) if (value && value[f] !== undefined) out[f] = value[f];
  return out;
}
