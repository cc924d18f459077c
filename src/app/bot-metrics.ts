/**
 * The bot's Prometheus metrics, fed by the engine's events (state changes, upstream calls,
 * in-flight slots, deliveries, problems), by the {@link meterEngineApi} decorator the
 * platforms receive (refusals, delivery attempts) and by the process itself (memory,
 * event-loop delay). What each metric means is written up in docs/operations.md, "Metrics".
 *
 * Built on `prom-client` with a registry of its own per bot (never the library's global
 * one), so two bots in one process (tests, benchmarks) never share or collide on a series.
 * Its default process collectors are not used: they cannot be stopped per registry, and the
 * few process figures the bot shows are read at scrape time below.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineEvents } from '../engine/engine-events.ts';
import { JOB_STATES, type JobState, type Platform } from '../engine/job.ts';
import type { MediaStats } from '../engine/media-keeper.ts';

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

type Set = (value: number, labels?: Record<string, string>) => void;

export class BotMetrics {
  readonly registry = new Registry();
  /** Jobs by state: kept here so the queue-depth gauge can read it synchronously. */
  readonly #jobCounts = new Map<JobState, number>(JOB_STATES.map((s) => [s, 0]));
  readonly #accepted: Counter<'platform'>;
  readonly #latency: Histogram<'op'>;
  readonly #calls: Counter<'op' | 'outcome'>;
  readonly #errors: Counter<'error' | 'op'>;
  readonly #deliveries: Counter<'platform'>;
  readonly #deliveryFailures: Counter<'platform'>;
  readonly #refusals: Counter<'code'>;
  readonly #problems: Counter<'what'>;
  readonly #loopDelay = monitorEventLoopDelay({ resolution: 20 });
  #inFlight: () => number = () => 0;
  #keysDisabled: () => number = () => 0;
  #unsubscribe: () => void = () => {};

  constructor(options: BotMetricsOptions) {
    const version = options.version ?? packageVersion();
    this.#gauge(
      'reelbot_info',
      'Always 1; labels carry the version and whether the simulator is the upstream.',
      ['simulated', 'version'],
      (set) => set(1, { simulated: String(options.simulated), version }),
    );
    this.#gauge(
      'reelbot_jobs',
      'Stored jobs by state (counted from the store at start, then kept current).',
      ['state'],
      (set) => {
        for (const [state, n] of this.#jobCounts) set(n, { state });
      },
    );
    this.#gauge(
      'reelbot_queue_depth',
      "Jobs waiting in the bot's own fair queue for an upstream slot.",
      [],
      (set) => set(this.#jobCounts.get('waiting') ?? 0),
    );
    this.#accepted = this.#counter(
      'reelbot_jobs_accepted_total',
      'Jobs accepted since the process started, by platform.',
      ['platform'],
    );
    this.#gauge(
      'reelbot_upstream_in_flight',
      'Upstream jobs the bot holds a concurrency slot for right now.',
      [],
      (set) => set(this.#inFlight()),
    );
    this.#gauge(
      'reelbot_api_keys_disabled',
      'Upstream API keys the upstream refused (401/403), taken out of the pool: alert above 0.',
      [],
      (set) => set(this.#keysDisabled()),
    );
    this.#gauge(
      'reelbot_upstream_max_concurrency',
      'VIDEO_API_MAX_CONCURRENCY: the most upstream jobs at once.',
      [],
      (set) => set(options.maxConcurrency),
    );
    this.#latency = new Histogram({
      name: 'reelbot_upstream_request_duration_seconds',
      help: 'Duration of upstream /v1/videos calls by operation, successful or not.',
      labelNames: ['op'],
      buckets: [...UPSTREAM_BUCKETS_S],
      registers: [this.registry],
    });
    this.#calls = this.#counter(
      'reelbot_upstream_requests_total',
      'Upstream calls by operation and outcome (ok, error).',
      ['op', 'outcome'],
    );
    this.#errors = this.#counter(
      'reelbot_upstream_errors_total',
      'Failed upstream calls by operation and error class.',
      ['error', 'op'],
    );
    this.#deliveries = this.#counter(
      'reelbot_deliveries_total',
      'Videos the chat platform confirmed, by platform.',
      ['platform'],
    );
    this.#deliveryFailures = this.#counter(
      'reelbot_delivery_failures_total',
      'Delivery attempts the chat platform refused or that failed (each is retried), by platform.',
      ['platform'],
    );
    this.#refusals = this.#counter(
      'reelbot_submit_refusals_total',
      'Requests refused before anything was charged, by refusal code (quota_*, invalid_parameter, ...).',
      ['code'],
    );
    this.#problems = this.#counter(
      'reelbot_engine_problems_total',
      'Problems the engine handled and logged, by kind.',
      ['what'],
    );
    this.#registerProcessMetrics();
    this.#loopDelay.enable();
  }

  /** Count the jobs already stored, by state. Call once, before {@link observe} and `engine.start()`. */
  countStoredJobs(jobs: Iterable<{ state: JobState }>): void {
    for (const job of jobs) this.#addJobs(job.state, 1);
  }

  /** Follow the engine's events until {@link close}. */
  observe(engine: MeteredEngine): void {
    this.#unsubscribe();
    this.#inFlight = () => engine.inFlight;
    this.#keysDisabled = () => engine.keysDisabled ?? 0;
    const { events } = engine;
    const onState = (job: { state: JobState; requester: { platform: Platform } }, previous?: JobState) => {
      if (previous === undefined) this.#accepted.inc({ platform: job.requester.platform });
      else this.#addJobs(previous, -1);
      this.#addJobs(job.state, 1);
    };
    const onUpstream = (call: { op: string; ok: boolean; error?: string; ms: number }) => {
      this.#latency.observe({ op: call.op }, call.ms / 1000);
      this.#calls.inc({ op: call.op, outcome: call.ok ? 'ok' : 'error' });
      if (!call.ok) this.#errors.inc({ error: call.error ?? 'Error', op: call.op });
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
    this.#gauge(
      'reelbot_gallery_media_bytes',
      'Bytes of media kept for the gallery, by kind (video, thumbnail).',
      ['kind'],
      (set) => {
        const s = stats();
        set(s.videoBytes, { kind: 'video' });
        set(s.thumbnailBytes, { kind: 'thumbnail' });
      },
    );
    this.#gauge(
      'reelbot_gallery_media_files',
      'Files kept for the gallery, by kind (video, thumbnail).',
      ['kind'],
      (set) => {
        const s = stats();
        set(s.videos, { kind: 'video' });
        set(s.thumbnails, { kind: 'thumbnail' });
      },
    );
    this.#gauge(
      'reelbot_gallery_retention_seconds',
      'GALLERY_RETENTION_DAYS: how long an MP4 stays playable.',
      [],
      (set) => set(stats().retentionMs / 1000),
    );
    this.#gauge('reelbot_gallery_max_bytes', 'GALLERY_MAX_MB: the disk cap of the kept MP4s.', [], (set) =>
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

  /** The page `/metrics` serves, in the Prometheus text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** Stop listening and stop the event-loop monitor. */
  close(): void {
    this.#unsubscribe();
    this.#unsubscribe = () => {};
    this.#loopDelay.disable();
  }

  #addJobs(state: JobState, by: number): void {
    this.#jobCounts.set(state, (this.#jobCounts.get(state) ?? 0) + by);
  }

  #counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** A gauge whose values are read at scrape time. */
  #gauge(name: string, help: string, labelNames: string[], read: (set: Set) => void): void {
    const gauge: Gauge = new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect: () => read((value, labels) => (labels ? gauge.set(labels, value) : gauge.set(value))),
    });
  }

  #registerProcessMetrics(): void {
    const startS = Math.round((Date.now() - process.uptime() * 1000) / 1000);
    this.#gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch.', [], (set) =>
      set(startS),
    );
    this.#gauge('process_resident_memory_bytes', 'Resident set size of the process.', [], (set) =>
      set(process.memoryUsage.rss()),
    );
    this.#gauge('nodejs_heap_used_bytes', 'V8 heap in use.', [], (set) =>
      set(process.memoryUsage().heapUsed),
    );
    // Delay percentiles since the previous scrape: a stall shows once, then the window restarts.
    this.#gauge(
      'nodejs_eventloop_delay_seconds',
      'Event-loop delay since the previous scrape, by quantile.',
      ['quantile'],
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

/**
 * The version in reelbot's package.json: the nearest one above this module, which sits in
 * `src/app/` (sources), or in `dist/` (the build bundles modules into chunks).
 */
function packageVersion(): string {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === 'reelbot') return typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      // none here: look one level up
    }
    if (dir.pathname === '/') return 'unknown';
  }
}
