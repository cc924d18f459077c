/**
 * The bot's Prometheus metrics, fed by the engine's events (state changes, upstream calls,
 * in-flight slots, deliveries, problems), by the {@link meterEngineApi} decorator the
 * platforms receive (refusals, delivery attempts) and by the process itself (memory,
 * event-loop delay). What each metric means is written up in README.md, "Metrics".
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { EngineEvents } from '../engine/engine-events.ts';
import { JOB_STATES, type JobState, type Platform } from '../engine/job.ts';
import type { MediaStats } from '../engine/media-keeper.ts';
import { type Counter, type Gauge, type Histogram, Registry } from './prometheus-registry.ts';

/** What the metrics read from the engine. */
export interface MeteredEngine {
  readonly events: EngineEvents;
  /** Upstream slots held right now. */
  readonly inFlight: number;
  /** Upstream keys refused by the upstream and taken out of the pool. */
  readonly keysDisabled?: number;
}

export interface BotMetricsOptions {
  /** `VIDEO_API_MAX_CONCURRENCY`, shown beside the in-flight gauge. */
  maxConcurrency: number;
  simulated: boolean;
  /** @default the version in package.json */
  version?: string;
}

/**
 * Upstream calls range from a status check (tens of ms) to an MP4 download (tens of seconds).
 * @default 0.05 … 120 s
 */
export const UPSTREAM_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] as const;

export class BotMetrics {
  readonly registry = new Registry();
  readonly #jobs: Gauge;
  readonly #accepted: Counter;
  readonly #latency: Histogram;
  readonly #calls: Counter;
  readonly #errors: Counter;
  readonly #deliveries: Counter;
  readonly #deliveryFailures: Counter;
  readonly #refusals: Counter;
  readonly #problems: Counter;
  readonly #loopDelay = monitorEventLoopDelay({ resolution: 20 });
  #inFlight: () => number = () => 0;
  #keysDisabled: () => number = () => 0;
  #unsubscribe: () => void = () => {};

  constructor(options: BotMetricsOptions) {
    const r = this.registry;
    r.gauge(
      'reelbot_info',
      'Always 1; labels carry the version and whether the simulator is the upstream.',
      (set) => set(1, { version: options.version ?? packageVersion(), simulated: String(options.simulated) }),
    );
    this.#jobs = r.gauge(
      'reelbot_jobs',
      'Stored jobs by state (counted from the store at start, then kept current).',
    );
    for (const state of JOB_STATES) this.#jobs.set(0, { state });
    r.gauge('reelbot_queue_depth', "Jobs waiting in the bot's own fair queue for an upstream slot.", (set) =>
      set(this.#jobs.value({ state: 'waiting' })),
    );
    this.#accepted = r.counter(
      'reelbot_jobs_accepted_total',
      'Jobs accepted since the process started, by platform.',
    );
    r.gauge(
      'reelbot_upstream_in_flight',
      'Upstream jobs the bot holds a concurrency slot for right now.',
      (set) => set(this.#inFlight()),
    );
    r.gauge(
      'reelbot_api_keys_disabled',
      'Upstream API keys the upstream refused (401/403), taken out of the pool: alert above 0.',
      (set) => set(this.#keysDisabled()),
    );
    r.gauge(
      'reelbot_upstream_max_concurrency',
      'VIDEO_API_MAX_CONCURRENCY: the most upstream jobs at once.',
      (set) => set(options.maxConcurrency),
    );
    this.#latency = r.histogram(
      'reelbot_upstream_request_duration_seconds',
      'Duration of upstream /v1/videos calls by operation, successful or not.',
      UPSTREAM_BUCKETS_S,
    );
    this.#calls = r.counter(
      'reelbot_upstream_requests_total',
      'Upstream calls by operation and outcome (ok, error).',
    );
    this.#errors = r.counter(
      'reelbot_upstream_errors_total',
      'Failed upstream calls by operation and error class.',
    );
    this.#deliveries = r.counter(
      'reelbot_deliveries_total',
      'Videos the chat platform confirmed, by platform.',
    );
    this.#deliveryFailures = r.counter(
      'reelbot_delivery_failures_total',
      'Delivery attempts the chat platform refused or that failed (each is retried), by platform.',
    );
    this.#refusals = r.counter(
      'reelbot_submit_refusals_total',
      'Requests refused before anything was charged, by refusal code (quota_*, invalid_parameter, ...).',
    );
    this.#problems = r.counter(
      'reelbot_engine_problems_total',
      'Problems the engine handled and logged, by kind.',
    );
    this.#registerProcessMetrics();
    this.#loopDelay.enable();
  }

  /** Count the jobs already stored, by state. Call once, before {@link observe} and `engine.start()`. */
  seedJobStates(jobs: Iterable<{ state: JobState }>): void {
    for (const job of jobs) this.#jobs.inc({ state: job.state });
  }

  /** Follow the engine's events until {@link close}. */
  observe(engine: MeteredEngine): void {
    this.#unsubscribe();
    this.#inFlight = () => engine.inFlight;
    this.#keysDisabled = () => engine.keysDisabled ?? 0;
    const { events } = engine;
    const onState = (job: { state: JobState; requester: { platform: Platform } }, previous?: JobState) => {
      if (previous === undefined) this.#accepted.inc({ platform: job.requester.platform });
      else this.#jobs.dec({ state: previous });
      this.#jobs.inc({ state: job.state });
    };
    const onUpstream = (call: { op: string; ok: boolean; error?: string; ms: number }) => {
      this.#latency.observe(call.ms / 1000, { op: call.op });
      this.#calls.inc({ op: call.op, outcome: call.ok ? 'ok' : 'error' });
      if (!call.ok) this.#errors.inc({ op: call.op, error: call.error ?? 'Error' });
    };
    const onDelivered = (job: { place: { platform: Platform } }) =>
      this.#deliveries.inc({ platform: job.place.platform });
    const onProblem = (info: { what: string }) => this.#problems.inc({ what: info.what });
    events.on('state', onState);
    events.on('upstream', onUpstream);
    events.on('delivered', onDelivered);
    events.on('problem', onProblem);
    this.#unsubscribe = () => {
      events.off('state', onState);
      events.off('upstream', onUpstream);
      events.off('delivered', onDelivered);
      events.off('problem', onProblem);
    };
  }

  /** Report the gallery's kept media (call once, when the gallery is on). */
  watchMedia(stats: () => MediaStats): void {
    const r = this.registry;
    r.gauge(
      'reelbot_gallery_media_bytes',
      'Bytes of media kept for the gallery, by kind (video, thumbnail).',
      (set) => {
        const s = stats();
        set(s.videoBytes, { kind: 'video' });
        set(s.thumbnailBytes, { kind: 'thumbnail' });
      },
    );
    r.gauge(
      'reelbot_gallery_media_files',
      'Files kept for the gallery, by kind (video, thumbnail).',
      (set) => {
        const s = stats();
        set(s.videos, { kind: 'video' });
        set(s.thumbnails, { kind: 'thumbnail' });
      },
    );
    r.gauge(
      'reelbot_gallery_retention_seconds',
      'GALLERY_RETENTION_DAYS: how long an MP4 stays playable.',
      (set) => set(stats().retentionMs / 1000),
    );
    r.gauge('reelbot_gallery_max_bytes', 'GALLERY_MAX_MB: the disk cap of the kept MP4s.', (set) =>
      set(stats().maxBytes),
    );
  }

  /** A request was refused (nothing charged). */
  refused(code: string): void {
    this.#refusals.inc({ code });
  }

  /** A delivery attempt to a platform failed (the engine retries it). */
  deliveryFailed(platform: Platform): void {
    this.#deliveryFailures.inc({ platform });
  }

  /** The page `/metrics` serves. */
  render(): string {
    return this.registry.render();
  }

  /** Stop listening and stop the event-loop monitor. */
  close(): void {
    this.#unsubscribe();
    this.#unsubscribe = () => {};
    this.#loopDelay.disable();
  }

  #registerProcessMetrics(): void {
    const r = this.registry;
    const startS = Math.round((Date.now() - process.uptime() * 1000) / 1000);
    r.gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch.', (set) =>
      set(startS),
    );
    r.gauge('process_resident_memory_bytes', 'Resident set size of the process.', (set) =>
      set(process.memoryUsage.rss()),
    );
    r.gauge('nodejs_heap_used_bytes', 'V8 heap in use.', (set) => set(process.memoryUsage().heapUsed));
    // Delay percentiles since the previous scrape: a stall shows once, then the window restarts.
    r.gauge(
      'nodejs_eventloop_delay_seconds',
      'Event-loop delay since the previous scrape, by quantile.',
      (set) => {
        const h = this.#loopDelay;
        const s = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0);
        set(s(h.mean), { quantile: 'mean' });
        set(s(h.percentile(50)), { quantile: '0.5' });
        set(s(h.percentile(99)), { quantile: '0.99' });
        set(s(h.max), { quantile: 'max' });
        h.reset();
      },
    );
  }
}

/** The version in package.json (two levels up from both `src/app` and `dist/app`). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
