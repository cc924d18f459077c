/**
 * Build an {@link Engine} from the parsed configuration: opens the store named by
 * `STORE_URL` and a `VideoClient` for the configured upstream (or the simulator's URL).
 */
import type { Config } from '../config/config.ts';
import type { Logger } from '../log/logger.ts';
import { silentLogger } from '../log/logger.ts';
import type { VideoApi } from '../video/video.ts';
import { VideoClient } from '../video/video-client.ts';
import { Engine } from './engine.ts';
import type { EngineOptions } from './engine-options.ts';
import { openStore, type Store } from './store.ts';
import { StoredDialectMemory } from './stored-dialect-memory.ts';
import type { FileShare } from './surface.ts';

export interface EngineDeps {
  logger?: Logger;
  /** Use this client instead of building one (tests, CLI). */
  client?: VideoApi;
  /** Where the built-in simulator listens, when `config.simulated` (`http://127.0.0.1:port/v1`). */
  simulatorBaseUrl?: string;
  simulatorApiKey?: string;
  fileShare?: FileShare;
  /** Use this store instead of opening `STORE_URL` (the app shares it with health checks and metrics). */
  store?: Store;
  /** Extra engine options (timing knobs, clock). */
  overrides?: Partial<EngineOptions>;
}

/** Open the store and build the engine (not started: call `start()`). `stop()` closes the store. */
export async function createEngineFromConfig(config: Config, deps: EngineDeps = {}): Promise<Engine> {
  const logger = deps.logger ?? silentLogger;
  const store = deps.store ?? (await openStore(config.STORE_URL, { logger }));
  const client = deps.client ?? buildClient(config, deps, logger, store);
  const options: EngineOptions = {
    store,
    client,
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
    ...(deps.fileShare ? { fileShare: deps.fileShare } : {}),
    ...deps.overrides,
  };
  return new Engine(options);
}

function buildClient(config: Config, deps: EngineDeps, logger: Logger, store: Store): VideoApi {
  const baseUrl = config.VIDEO_API_BASE_URL ?? deps.simulatorBaseUrl;
  const apiKey = config.VIDEO_API_KEY ?? deps.simulatorApiKey;
  if (!baseUrl || !apiKey) {
    throw new Error(
      'no video upstream: set VIDEO_API_BASE_URL and VIDEO_API_KEY, or start the built-in simulator',
    );
  }
  return buildVideoClient(config, { baseUrl, apiKey, logger, store });
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
