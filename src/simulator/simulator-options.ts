/**
 * Options of the `/v1/videos` simulator, with every default in one place.
 */
import { randomInt } from 'node:crypto';
import type { Logger } from '../log/logger.ts';
import { silentLogger } from '../log/logger.ts';

/** The wire dialects the simulator can speak (see API-NOTES.md). */
export const SIMULATOR_DIALECTS = [
  'openai',
  'body-remix',
  'form',
  'json-remix-size',
  'gateway',
  // Variations seen in gateways and resellers; the client reads them in its own dialects.
  'form-remix',
  'openrouter',
  'new-api',
  'litellm',
] as const;
export type SimulatorDialect = (typeof SIMULATOR_DIALECTS)[number];

/** Sizes the simulator offers; anything else is refused with `invalid_parameter`. */
export const SIMULATOR_SIZES = ['1280x720', '720x1280', '1024x1792', '1792x1024'] as const;
/** Durations the simulator offers (seconds). */
export const SIMULATOR_SECONDS = [4, 8, 12] as const;

export interface SimulatorTiming {
  /** Time a job with a free slot stays `queued` before it starts. @default 100 */
  queuedMs?: number;
  /** Run time per second of video. @default 50 */
  msPerVideoSecond?: number;
  /** Shortest run time. @default 150 */
  minRunMs?: number;
  /** Run time varies by +/- this fraction (seeded). @default 0.1 */
  jitter?: number;
  /** A completed video expires this long after completion. @default 24 h */
  expiresAfterMs?: number;
}

export interface SimulatorWebhook {
  /** Where `video.completed` / `video.failed` events are POSTed. */
  url: string;
  /** Standard Webhooks secret, `whsec_<base64>`. */
  secret: string;
}

export interface SimulatorOptions {
  /** Wire dialect. @default 'openai' */
  dialect?: SimulatorDialect;
  /** Bearer key required on every route except asset URLs. @default 'sim-key' */
  apiKey?: string;
  /** More keys accepted, each its own account with its own `concurrencyPerKey` (key pools). @default [] */
  extraApiKeys?: readonly string[];
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (any free port) */
  port?: number;
  /** Job timing; defaults are fast, for tests. */
  timing?: SimulatorTiming;
  /** Jobs (queued + in progress) one key may have at once. @default 2 */
  concurrencyPerKey?: number;
  /** Past the limit: refuse create/remix with 429 + Retry-After, or accept and keep queued. @default 'queue' */
  overLimit?: 'reject' | 'queue';
  /** When set, every video answer carries header `openai-poll-after-ms`. @default undefined */
  pollAfterMs?: number;
  /** Seed for ids and jitter (deterministic runs). @default random */
  seed?: number;
  /** Offer remix routes; gateway deployments may lack them (404). @default true */
  remix?: boolean;
  /** Offer `GET /videos/{id}/content`; some `form` vendors only give `assets[].url`. @default true */
  contentEndpoint?: boolean;
  /**
   * Offer `POST /videos/edits`, `POST /videos/extensions` and `/videos/characters` (in the
   * official API since 2026-03); older deployments and many gateways lack them (404). @default true
   */
  editRoutes?: boolean;
  /** POST signed `video.completed` / `video.failed` events here. @default undefined */
  webhook?: SimulatorWebhook;
  /** Label drawn on every card. @default 'SIMULATED' */
  badge?: string;
  /** Passed to the MP4 renderer: a keyframe every N seconds (bigger files). @default undefined (first frame only) */
  keyframeIntervalSeconds?: number;
  /** Rendered media kept in memory, in bytes (LRU). @default 64 MiB */
  mediaCacheBytes?: number;
  /** Largest request body accepted (413 beyond). @default 20 MiB */
  maxBodyBytes?: number;
  /**
   * Keep the job board in this JSON file: loaded on start (jobs resume from their
   * timestamps), saved shortly after each change and on close. One process writes
   * it at a time (`<file>.lock`); a second one reads it but does not save.
   * @default undefined (jobs live in memory only)
   */
  stateFile?: string;
  /** @default silentLogger */
  logger?: Logger;
}

export interface ResolvedSimulatorOptions {
  readonly dialect: SimulatorDialect;
  readonly apiKey: string;
  readonly extraApiKeys: readonly string[];
  readonly host: string;
  readonly port: number;
  readonly timing: Readonly<Required<SimulatorTiming>>;
  readonly concurrencyPerKey: number;
  readonly overLimit: 'reject' | 'queue';
  readonly pollAfterMs: number | undefined;
  readonly seed: number;
  readonly remix: boolean;
  readonly contentEndpoint: boolean;
  readonly editRoutes: boolean;
  readonly webhook: SimulatorWebhook | undefined;
  readonly badge: string;
  readonly keyframeIntervalSeconds: number | undefined;
  readonly mediaCacheBytes: number;
  readonly maxBodyBytes: number;
  readonly stateFile: string | undefined;
  readonly logger: Logger;
}

export const DEFAULT_SIMULATOR_TIMING = {
  queuedMs: 100,
  msPerVideoSecond: 50,
  minRunMs: 150,
  jitter: 0.1,
  expiresAfterMs: 24 * 60 * 60 * 1000,
} as const satisfies Required<SimulatorTiming>;

export const DEFAULT_SIMULATOR_OPTIONS = {
  dialect: 'openai',
  apiKey: 'sim-key',
  host: '127.0.0.1',
  port: 0,
  concurrencyPerKey: 2,
  overLimit: 'queue',
  remix: true,
  contentEndpoint: true,
  editRoutes: true,
  badge: 'SIMULATED',
  mediaCacheBytes: 64 * 1024 * 1024,
  maxBodyBytes: 20 * 1024 * 1024,
} as const satisfies Partial<ResolvedSimulatorOptions>;

/** Fill in defaults and check values that would make the simulator misbehave silently. */
export function resolveSimulatorOptions(options: SimulatorOptions = {}): ResolvedSimulatorOptions {
  const d = DEFAULT_SIMULATOR_OPTIONS;
  const timing = { ...DEFAULT_SIMULATOR_TIMING, ...definedOnly(options.timing ?? {}) };
  for (const [name, value] of Object.entries(timing)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`timing.${name} must be a number >= 0`);
  }
  if (timing.jitter >= 1) throw new RangeError('timing.jitter must be below 1');
  const concurrencyPerKey = options.concurrencyPerKey ?? d.concurrencyPerKey;
  if (!Number.isInteger(concurrencyPerKey) || concurrencyPerKey < 1) {
    throw new RangeError('concurrencyPerKey must be an integer >= 1');
  }
  if (options.dialect !== undefined && !SIMULATOR_DIALECTS.includes(options.dialect)) {
    throw new RangeError(`dialect must be one of ${SIMULATOR_DIALECTS.join(', ')}`);
  }
  if (options.webhook && !options.webhook.secret.startsWith('whsec_')) {
    throw new RangeError('webhook.secret must be a Standard Webhooks secret (whsec_<base64>)');
  }
  return {
    dialect: options.dialect ?? d.dialect,
    apiKey: options.apiKey ?? d.apiKey,
    extraApiKeys: [...(options.extraApiKeys ?? [])],
    host: options.host ?? d.host,
    port: options.port ?? d.port,
    timing,
    concurrencyPerKey,
    overLimit: options.overLimit ?? d.overLimit,
    pollAfterMs: options.pollAfterMs,
    seed: options.seed ?? randomInt(2 ** 31),
    remix: options.remix ?? d.remix,
    contentEndpoint: options.contentEndpoint ?? d.contentEndpoint,
    editRoutes: options.editRoutes ?? d.editRoutes,
    webhook: options.webhook,
    badge: options.badge ?? d.badge,
    keyframeIntervalSeconds: options.keyframeIntervalSeconds,
    mediaCacheBytes: options.mediaCacheBytes ?? d.mediaCacheBytes,
    maxBodyBytes: options.maxBodyBytes ?? d.maxBodyBytes,
    stateFile: options.stateFile,
    logger: options.logger ?? silentLogger,
  };
}

/** `{ a: undefined }` must not override a default. */
function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
