/**
 * Build an {@link Engine} from the parsed configuration: opens the store (`REDIS_URL` when set,
 * else `STORE_URL`) and a `VideoClient` for the configured upstream (or the simulator's URL).
 * `REDIS_URL` also turns on the distributed mode (BullMQ scheduling, quotas in Redis).
 */
import type { Config } from '../config/config.ts';
import type { Logger } from '../log/logger.ts';
import { silentLogger } from '../log/logger.ts';
import type { VideoApi } from '../video/video.ts';
import { VideoClient } from '../video/video-client.ts';
import { Engine } from './engine.ts';
import type { EngineOptions } from './engine-options.ts';
import type { MediaKeeper } from './media-keeper.ts';
import type { BackendFactory } from './scheduling/backends.ts';
import { openStore, type Store } from './store.ts';
import { StoredDialectMemory } from './stored-dialect-memory.ts';
import type { FileShare } from './surface.ts';
import { keyFingerprint } from './video-key-pool.ts';

export interface EngineDeps {
  logger?: Logger;
  /** Use this client instead of building one (tests, CLI). */
  client?: VideoApi;
  /** Where the built-in simulator listens, when `config.simulated` (`http://127.0.0.1:port/v1`). */
  simulatorBaseUrl?: string;
  simulatorApiKey?: string;
  fileShare?: FileShare;
  /** Keeps delivered media for the gallery (`GALLERY_SECRET` set). */
  media?: MediaKeeper;
  /**
   * Use this store instead of opening one (the app shares it with health checks and metrics).
   * With `REDIS_URL` it must be `openStore(config.REDIS_URL)`: every instance shares the records.
   */
  store?: Store;
  /** Extra engine options (timing knobs, clock). */
  overrides?: Partial<EngineOptions>;
}

/** Open the store and build the engine (not started: call `start()`). `stop()` closes the store. */
export async function createEngineFromConfig(config: Config, deps: EngineDeps = {}): Promise<Engine> {
  const logger = deps.logger ?? silentLogger;
  const store = deps.store ?? (await openStore(storeUrlOf(config), { logger }));
  const clients = deps.client ? [deps.client] : buildClients(config, deps, logger, store);
  const keys = deps.client ? [] : apiKeysOf(config, deps);
  const options: EngineOptions = {
    store,
    client: clients[0]!,
    extraKeyClients: clients.slice(1),
    keyFingerprints: keys.map(keyFingerprint),
    logger,
    dataDir: config.DATA_DIR,
    choices: { models: config.VIDEO_MODELS, sizes: config.VIDEO_SIZES, seconds: config.VIDEO_SECONDS },
    simulated: config.simulated,
    limits: {
      dailyVideos: config.QUOTA_DAILY_VIDEOS,
      dailySeconds: config.QUOTA_DAILY_SECONDS,
      activeJobs: config.QUOTA_ACTIVE_JOBS,
      workspaceDailyVideos: config.QUOTA_WORKSPACE_DAILY_VIDEOS,
      timeZone: config.QUOTA_TIMEZONE,
      adminUsers: config.ADMIN_USERS,
      adminRoles: config.ADMIN_ROLES,
    },
    maxConcurrency: config.VIDEO_API_MAX_CONCURRENCY,
    jobDeadlineMs: config.VIDEO_JOB_DEADLINE_MINUTES * 60_000,
    timing: { progressIntervalMs: config.PROGRESS_EDIT_INTERVAL_MS },
    closeStoreOnStop: true,
    ...(config.REDIS_URL
      ? {
          backend: await distributedBackend(config.REDIS_URL),
          distributed: { lockMs: config.REDIS_LOCK_MS },
        }
      : {}),
    ...(deps.fileShare ? { fileShare: deps.fileShare } : {}),
    ...(deps.media ? { media: deps.media } : {}),
    ...deps.overrides,
  };
  return new Engine(options);
}

/** Loaded only in distributed mode: BullMQ and the Redis clients are not needed otherwise. */
async function distributedBackend(redisUrl: string): Promise<BackendFactory> {
  const { redisBackend } = await import('./scheduling/redis-backend.ts');
  return redisBackend(redisUrl);
}

/** Where the records live: Redis in distributed mode (no instance needs a local store), else `STORE_URL`. */
export function storeUrlOf(config: Pick<Config, 'REDIS_URL' | 'STORE_URL'>): string {
  return config.REDIS_URL ?? config.STORE_URL;
}

function apiKeysOf(config: Config, deps: EngineDeps): readonly string[] {
  if (config.VIDEO_API_KEYS.length > 0) return config.VIDEO_API_KEYS;
  return deps.simulatorApiKey ? [deps.simulatorApiKey] : [];
}

/** One client per key of the pool (`VIDEO_API_KEY=k1,k2,...`). */
function buildClients(config: Config, deps: EngineDeps, logger: Logger, store: Store): VideoApi[] {
  const baseUrl = config.VIDEO_API_BASE_URL ?? deps.simulatorBaseUrl;
  const keys = apiKeysOf(config, deps);
  if (!baseUrl || keys.length === 0) {
    throw new Error(
      'no video upstream: set VIDEO_API_BASE_URL and VIDEO_API_KEY, or start the built-in simulator',
    );
  }
  return keys.map((apiKey) => buildVideoClient(config, { baseUrl, apiKey, logger, store }));
}

/**
 * The `VideoClient` for the configured upstream, remembering what it learns about the upstream's
 * dialect in `store` (except for the built-in simulator, which listens on a new port each start).
 */
export function buildVideoClient(
  config: Config,
  upstream: { baseUrl: string; apiKey: string; logger: Logger; store: Store },
): VideoClient {
  return new VideoClient({
    baseUrl: upstream.baseUrl,
    apiKey: upstream.apiKey,
    dialect: config.VIDEO_API_DIALECT,
    timeoutMs: config.VIDEO_API_TIMEOUT_MS,
    logger: upstream.logger,
    limits: { sizes: config.VIDEO_SIZES, seconds: config.VIDEO_SECONDS, models: config.VIDEO_MODELS },
    ...(config.simulated ? {} : { memory: new StoredDialectMemory(upstream.store) }),
  });
}
