/**
 * Everything the engine is built from, with the defaults in one place.
 */
import type { Logger } from '../log/logger.ts';
import type { VideoApi } from '../video/video.ts';
import type { MediaKeeper } from './media-keeper.ts';
import { type PollTiming, webhookPollTiming } from './poll-schedule.ts';
import type { QuotaLimits } from './quota.ts';
import type { BackendFactory } from './scheduling/backends.ts';
import type { Store } from './store.ts';
import type { FileShare } from './surface.ts';

/** Fits an image to a `WIDTHxHEIGHT` size for image-to-video. @default fitImage from `src/video/image-fit.ts` */
export type ImageFitter = (
  data: Uint8Array,
  size: string,
) => Promise<{ data: Uint8Array; contentType: 'image/png' | 'image/jpeg' | 'image/webp' }>;

export interface EngineTiming {
  /** Least time between two progress edits of one message. @default 3000 */
  progressIntervalMs: number;
  /** Poll interval knobs (see `poll-schedule.ts`). */
  poll: PollTiming;
  /** Most status checks running at once. @default 4 */
  maxConcurrentPolls: number;
  /** Pause of submissions after a 429 that named no wait. @default 10000 */
  rateLimitBackoffMs: number;
  /** How long a create whose outcome is unknown is looked for upstream before it fails (refunded). @default 60000 */
  unknownSubmitGraceMs: number;
  /** Between two looks for such a create. @default 5000 */
  unknownSubmitCheckMs: number;
  /** Delivery retry backoff. @default 2000 / 3600000 */
  deliveryRetryBaseMs: number;
  deliveryRetryMaxMs: number;
  /** Retry backoff of other surface calls (accepted, failed, cancelled). @default 1000 / 60000 */
  surfaceRetryBaseMs: number;
  surfaceRetryMaxMs: number;
  /** Expected run time per video-second before any job finished (ETA and first poll). @default 10000 */
  fallbackMsPerVideoSecond: number;
  /** Sweep of expired shared files. @default 3600000 */
  sharedSweepMs: number;
}

export const DEFAULT_TIMING = {
  progressIntervalMs: 3000,
  poll: {
    firstMinMs: 2000,
    firstFraction: 0.25,
    minMs: 1000,
    maxMs: 30_000,
    jitter: 0.1,
    errorBaseMs: 2000,
    errorMaxMs: 60_000,
  },
  maxConcurrentPolls: 4,
  rateLimitBackoffMs: 10_000,
  unknownSubmitGraceMs: 60_000,
  unknownSubmitCheckMs: 5000,
  deliveryRetryBaseMs: 2000,
  deliveryRetryMaxMs: 3_600_000,
  surfaceRetryBaseMs: 1000,
  surfaceRetryMaxMs: 60_000,
  fallbackMsPerVideoSecond: 10_000,
  sharedSweepMs: 3_600_000,
} as const satisfies Required<EngineTiming>;

export interface EngineOptions {
  store: Store;
  /** The upstream client (of the pool's first key). */
  client: VideoApi;
  /**
   * Clients of the pool's further keys (`VIDEO_API_KEY=k1,k2,...`), each with its own
   * `maxConcurrency`. @default []
   */
  extraKeyClients?: readonly VideoApi[];
  /** Short fingerprints of the keys, in pool order, for logs (see `keyFingerprint`). */
  keyFingerprints?: readonly string[];
  logger?: Logger;
  /** Downloads go to `<dataDir>/videos`, fitted images to `<dataDir>/images`. */
  dataDir: string;
  choices: { models: readonly string[]; sizes: readonly string[]; seconds: readonly number[] };
  /** The built-in simulator is the upstream. @default false */
  simulated?: boolean;
  limits: QuotaLimits;
  /** Upstream jobs in flight at most, per key (`VIDEO_API_MAX_CONCURRENCY`). @default 2 */
  maxConcurrency?: number;
  /** Give up following a job this long after it was accepted (`VIDEO_JOB_DEADLINE_MINUTES`). @default 3600000 */
  jobDeadlineMs?: number;
  /** @default 4000 */
  maxPromptChars?: number;
  timing?: Partial<Omit<EngineTiming, 'poll'>> & { poll?: Partial<PollTiming> };
  /** Keep downloaded MP4s after delivery. @default false */
  keepFiles?: boolean;
  /** Publishes files too big for a platform (`DeliveredVideo.share()`). */
  fileShare?: FileShare;
  /** Keeps delivered media (thumbnail, MP4 for a while) for the gallery. @default none */
  media?: MediaKeeper;
  /** Image fitting for image-to-video. @default fitImage */
  fitImage?: ImageFitter;
  /** Scan every stored job on start to repair the active index. @default true */
  repairScan?: boolean;
  /** Close the store in `stop()` (when the engine opened it). @default false */
  closeStoreOnStop?: boolean;
  /**
   * The upstream's webhooks reach this bot (`WEBHOOK_SECRET` set): scheduled polls relax to a
   * safety net (see `webhookPollTiming`) and a webhook triggers the check (`Engine.pollNow`).
   * @default false
   */
  webhooks?: boolean;
  /**
   * How jobs are scheduled. @default one process (fair queue and poll loop in memory).
   * Distributed mode: `redisBackend(REDIS_URL)` from `scheduling/redis-backend.ts` (quotas, the
   * active index and delivery claims in Redis, BullMQ runs the jobs; the store should be Redis
   * too: `openStore(REDIS_URL)`), so any number of instances share the work.
   */
  backend?: BackendFactory;
  /** Distributed-mode knobs (tests lower the takeover time and isolate queues by prefix). */
  distributed?: { lockMs?: number; prefix?: string; deliveryConcurrency?: number };
  /** Injectable clock. @default Date.now */
  now?: () => number;
  /** Injectable randomness for jitter. @default Math.random */
  random?: () => number;
}

export interface ResolvedTiming extends EngineTiming {}

/** Defaults merged with `t`; with `webhooks`, the poll timing relaxed by {@link webhookPollTiming}. */
export function resolveTiming(t: EngineOptions['timing'], webhooks = false): ResolvedTiming {
  const poll = { ...DEFAULT_TIMING.poll, ...t?.poll };
  return { ...DEFAULT_TIMING, ...t, poll: webhooks ? webhookPollTiming(poll) : poll };
}

/**
 * Distributed mode: how long a job, a result claim or a key slot of an instance that stopped
 * renewing it (killed) stays its own. Another instance takes over within 1.5 of these.
 */
export const DEFAULT_LOCK_MS = 20_000;
