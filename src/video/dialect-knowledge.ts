/**
 * What one client knows about how its upstream wants to be spoken to: the configured dialect,
 * else what the memory holds, else one probe; then every lesson learned from answers, kept in
 * memory under the upstream's base URL. A failing store only costs the memory, never a call.
 */
import type { DialectSetting } from '../config/config.ts';
import type { Logger } from '../log/logger.ts';
import { type DialectMemory, isMissing, type LearnedDialect, withLesson } from './dialect-memory.ts';
import { probeDialect } from './dialect-probe.ts';
import type { UpstreamFeature } from './errors.ts';
import type { CallOptions } from './video.ts';
import type { VideoTransport } from './video-transport.ts';

export interface DialectKnowledgeOptions {
  setting: DialectSetting;
  /** The upstream's base URL, as safe to print: the memory's key. */
  upstream: string;
  memory: DialectMemory | undefined;
  transport: VideoTransport;
  logger: Logger;
  now: () => number;
}

type Lesson = Partial<Omit<LearnedDialect, 'evidence' | 'learnedAt'>>;

export class DialectKnowledge {
  readonly #o: DialectKnowledgeOptions;
  /** Loading what is remembered, or probing; shared by concurrent callers, forgotten on failure. */
  #loading: Promise<LearnedDialect> | undefined;
  #learned: LearnedDialect | undefined;
  /** What this process's probe saw (absent when the dialect was set or remembered). */
  #probeFacts: { listWorks: boolean; sawResultUrls: boolean } | undefined;
  /** Called after every lesson (the client drops what it derived from the old knowledge). */
  onLesson: () => void = () => {};

  constructor(options: DialectKnowledgeOptions) {
    this.#o = options;
  }

  get probeFacts(): { listWorks: boolean; sawResultUrls: boolean } | undefined {
    return this.#probeFacts;
  }

  /** Everything known, loading or probing first when nothing is yet. */
  ready(options: CallOptions = {}): Promise<LearnedDialect> {
    if (this.#learned !== undefined) return Promise.resolve(this.#learned);
    if (this.#loading === undefined) {
      const loading = this.#load(options);
      this.#loading = loading;
      loading.then(
        (learned) => {
          this.#learned ??= learned;
        },
        () => {
          if (this.#loading === loading) this.#loading = undefined;
        },
      );
    }
    return this.#loading;
  }

  /** Whether `feature` is known to be missing now. */
  async isMissing(feature: UpstreamFeature, options: CallOptions = {}): Promise<boolean> {
    return isMissing(await this.ready(options), feature, this.#o.now());
  }

  /** The features known to be missing now. */
  async missing(options: CallOptions = {}): Promise<ReadonlySet<UpstreamFeature>> {
    const learned = await this.ready(options);
    const features = Object.keys(learned.missing ?? {}) as UpstreamFeature[];
    return new Set(features.filter((f) => isMissing(learned, f, this.#o.now())));
  }

  /** Apply a lesson and remember it. */
  async learn(change: Lesson, evidence: string): Promise<void> {
    const next = withLesson(await this.ready(), change, evidence, this.#o.now());
    this.#learned = next;
    this.onLesson();
    this.#o.logger.info('video api dialect learned', { evidence, dialect: next.dialect });
    await this.#save(next);
  }

  /** Remember that `feature`'s route is missing (believed for a while, then tried again). */
  async learnMissing(feature: UpstreamFeature): Promise<void> {
    const missing = { ...(await this.ready()).missing, [feature]: this.#o.now() };
    await this.learn({ missing }, `${feature} route is missing`);
  }

  async #load(options: CallOptions): Promise<LearnedDialect> {
    const { setting, memory, upstream, logger, now } = this.#o;
    const stored = await memory?.load(upstream).catch((err: unknown) => {
      logger.warn('could not read the remembered video api dialect', { err });
      return undefined;
    });
    if (setting !== 'auto') {
      // A fixed dialect is used as set; only the routes it found missing are worth keeping.
      const kept = stored?.fixed === true && stored.dialect === setting ? stored.missing : undefined;
      const missing = kept === undefined ? {} : { missing: kept };
      return {
        dialect: setting,
        fixed: true,
        ...missing,
        evidence: [`dialect set to ${setting}`],
        learnedAt: now(),
      };
    }
    if (stored !== undefined && stored.fixed !== true) {
      logger.info('video api dialect remembered', { dialect: stored.dialect, evidence: stored.evidence });
      return { ...stored, evidence: ['remembered from earlier answers', ...stored.evidence] };
    }
    const probe = await probeDialect(this.#o.transport, logger, options.signal);
    this.#probeFacts = { listWorks: probe.listWorks, sawResultUrls: probe.sawResultUrls };
    const learned: LearnedDialect = { dialect: probe.dialect, evidence: probe.evidence, learnedAt: now() };
    if (probe.listMissing) learned.missing = { list: now() };
    await this.#save(learned);
    return learned;
  }

  async #save(learned: LearnedDialect): Promise<void> {
    // The "remembered" note describes this process's view, not the upstream: not stored.
    const evidence = learned.evidence.filter((e) => e !== 'remembered from earlier answers');
    await this.#o.memory?.save(this.#o.upstream, { ...learned, evidence }).catch((err: unknown) => {
      this.#o.logger.warn('could not remember the video api dialect', { err });
    });
  }
}
