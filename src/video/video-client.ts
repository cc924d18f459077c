/**
 * The video API client: one typed client for every `/v1/videos` dialect, over undici.
 * Normalises answers, validates input before spending credit, retries only what is safe,
 * and never puts the API key anywhere but the Authorization header of its own origin.
 */
import type { Dispatcher } from 'undici';
import type { DialectSetting } from '../config/config.ts';
import { type Logger, registerSecret, silentLogger } from '../log/logger.ts';
import { assertCompleted } from './assert-completed.ts';
import {
  encodingRefused,
  isRefusal,
  nextRemixDialect,
  routeMissingAnswer,
  routeRefused,
  type WrongGuess,
} from './dialect-fallback.ts';
import { type DialectMemory, isMissing, type LearnedDialect, withLesson } from './dialect-memory.ts';
import { PROBE_VIDEO_ID, probeDialect } from './dialect-probe.ts';
import { createRequest, remixRequest } from './dialect-requests.ts';
import { malformedResponse } from './error-from-response.ts';
import {
  DialectMismatchError,
  UnsupportedFeatureError,
  type UpstreamFeature,
  VideoApiError,
} from './errors.ts';
import { normalizeDeleted, normalizeVideo, normalizeVideoList, VideoShapeError } from './normalize-video.ts';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.ts';
import { type RequestLimits, validateCreateInput, validateRemixInput } from './validate-request.ts';
import type {
  CallOptions,
  Capabilities,
  CreateVideoInput,
  DownloadVariant,
  PollHint,
  RemixVideoInput,
  ResolvedDialect,
  Video,
  VideoApi,
  VideoDownload,
  VideoList,
} from './video.ts';
import { openDownload } from './video-download.ts';
import { VIDEO_ERROR_MESSAGES as MSG } from './video-error-messages.ts';
import { videoPath } from './video-id.ts';
import { type JsonAnswer, type SendOptions, VideoTransport } from './video-transport.ts';

export interface VideoClientOptions {
  /** Upstream base URL including the version prefix, e.g. `https://host/v1`. */
  baseUrl: string;
  /** Bearer key. Registered with the logger's redaction on construction. */
  apiKey: string;
  /** Wire dialect, or `auto` to probe once (harmless requests only). @default 'auto' */
  dialect?: DialectSetting;
  /** Per-attempt timeout for API calls; for downloads, the wait for headers. @default 30000 */
  timeoutMs?: number;
  /** Downloads fail when no byte arrives for this long (no total limit). @default 30000 */
  downloadIdleTimeoutMs?: number;
  /** @default defaultRetryPolicy */
  retry?: RetryPolicy;
  /** undici dispatcher (tests inject one). @default undici's global dispatcher */
  dispatcher?: Dispatcher;
  /** @default silentLogger */
  logger?: Logger;
  /** @default 'reelbot/0.1' */
  userAgent?: string;
  /** Local checks on create/remix input. @default {} (prompt ≤ 4000 chars, any WxH size) */
  limits?: RequestLimits;
  /** Keeps what was learned about the upstream across restarts. @default undefined (this process only) */
  memory?: DialectMemory;
  /** @default Date.now */
  now?: () => number;
}

export const DEFAULT_VIDEO_CLIENT_OPTIONS = {
  dialect: 'auto',
  timeoutMs: 30_000,
  downloadIdleTimeoutMs: 30_000,
  retry: defaultRetryPolicy,
  logger: silentLogger,
  userAgent: 'reelbot/0.1',
  limits: {},
  now: Date.now,
} as const satisfies Omit<Required<VideoClientOptions>, 'baseUrl' | 'apiKey' | 'dispatcher' | 'memory'>;

type VideoAnswer = Video & PollHint;

/** {@link VideoApi} over undici for every dialect in {@link ResolvedDialect}. */
export class VideoClient implements VideoApi {
  readonly #transport: VideoTransport;
  readonly #setting: DialectSetting;
  readonly #logger: Logger;
  readonly #limits: RequestLimits;
  readonly #idleTimeoutMs: number;
  readonly #memory: DialectMemory | undefined;
  readonly #now: () => number;
  /** Loading what is remembered, or probing; shared by concurrent callers, forgotten on failure. */
  #loading: Promise<LearnedDialect> | undefined;
  /** What is known about the upstream. An explicit dialect is fixed; missing routes are still learned. */
  #learned: LearnedDialect | undefined;
  /** Whether the remembered dialect came from this process's probe (else from memory or config). */
  #probedHere = false;
  #probeFacts: { listWorks: boolean; sawResultUrls: boolean } | undefined;
  #capabilities: Promise<Capabilities> | undefined;

  constructor(options: VideoClientOptions) {
    const o = {
      ...DEFAULT_VIDEO_CLIENT_OPTIONS,
      ...definedOnly(options),
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
    };
    registerSecret(options.apiKey);
    this.#setting = o.dialect;
    this.#logger = o.logger;
    this.#limits = o.limits;
    this.#idleTimeoutMs = o.downloadIdleTimeoutMs;
    this.#memory = options.memory;
    this.#now = o.now;
    this.#transport = new VideoTransport({
      baseUrl: o.baseUrl,
      apiKey: o.apiKey,
      timeoutMs: o.timeoutMs,
      retry: o.retry,
      dispatcher: options.dispatcher,
      logger: o.logger,
      userAgent: o.userAgent,
    });
  }

  /** The base URL as safe to print (no credentials). */
  get baseUrl(): string {
    return this.#transport.safeBaseUrl;
  }

  /**
   * Create a video. In `auto`, a create without an image refused because its body was not read
   * (415, or a "prompt is required" for a prompt we sent) is tried once in the other encoding,
   * and what worked is remembered.
   */
  async create(input: CreateVideoInput, options: CallOptions = {}): Promise<VideoAnswer> {
    validateCreateInput(input, this.#limits);
    const learned = await this.#ready(options);
    const as = learned.createAs ?? (learned.dialect === 'form' ? 'form' : 'json');
    try {
      return await this.#video({ ...createRequest(learned.dialect, input, as), signal: options.signal });
    } catch (err) {
      const canSwitch = this.#setting === 'auto' && input.inputReference === undefined;
      if (!canSwitch || !isRefusal(err) || !encodingRefused(err)) throw err;
      const other = as === 'json' ? 'form' : 'json';
      this.#logger.info('video api create refused its encoding, trying the other one', { encoding: other });
      try {
        const video = await this.#video({
          ...createRequest(learned.dialect, input, other),
          signal: options.signal,
        });
        await this.#learn({ createAs: other }, `create works as ${other} (${as} was refused: ${err.status})`);
        return video;
      } catch (second) {
        if (isRefusal(second) && encodingRefused(second)) throw mismatch('create', second);
        throw second;
      }
    }
  }

  async retrieve(id: string, options: CallOptions = {}): Promise<VideoAnswer> {
    return this.#video({ method: 'GET', path: videoPath(id), signal: options.signal });
  }

  async list(
    params: { after?: string; limit?: number; order?: 'asc' | 'desc' } = {},
    options: CallOptions = {},
  ): Promise<VideoList> {
    await this.#refuseMissing('list', options);
    const answer = await this.#featureCall('list', {
      method: 'GET',
      path: '/videos',
      query: { after: params.after, limit: params.limit, order: params.order },
      signal: options.signal,
    });
    return this.#shaped(answer, 'GET /videos', () => normalizeVideoList(answer.body));
  }

  async delete(id: string, options: CallOptions = {}): Promise<{ id: string; deleted: boolean }> {
    await this.#refuseMissing('delete', options);
    const answer = await this.#featureCall(
      'delete',
      { method: 'DELETE', path: videoPath(id), signal: options.signal },
      id,
    );
    return this.#shaped(answer, 'DELETE /videos/{id}', () => normalizeDeleted(answer.body, id));
  }

  /**
   * Remix a completed video. In `auto`, a remix refused because we guessed its spelling wrong (a
   * missing route, or a body the route did not read) is tried in the other spellings before giving
   * up, and what worked is remembered; when no route exists, remix is remembered as missing and
   * later remixes are refused before anything is sent. `json-remix-size` needs the source's size:
   * when the caller did not give it, the source is retrieved first.
   */
  async remix(input: RemixVideoInput, options: CallOptions = {}): Promise<VideoAnswer> {
    const learned = await this.#ready(options);
    await this.#refuseMissing('remix', options);
    let via = learned.remixAs ?? learned.dialect;
    validateRemixInput(input, via, this.#limits);
    const request: RemixVideoInput = { ...input };
    if (via === 'json-remix-size' && request.size === undefined) {
      const size = assertCompleted(await this.retrieve(input.videoId, options)).size;
      if (size !== undefined) request.size = size;
    }
    const tried: ResolvedDialect[] = [];
    const why: WrongGuess[] = [];
    for (;;) {
      try {
        const video = await this.#video({ ...remixRequest(via, request), signal: options.signal });
        if (tried.length > 0) {
          await this.#learn(
            { remixAs: via },
            `remix works as ${via} (${tried.join(', ')} refused: ${why.join(', ')})`,
          );
        }
        return video;
      } catch (err) {
        const wrong = await this.#wrongGuess(err, request, options);
        if (wrong === undefined) throw err;
        tried.push(via);
        why.push(wrong);
        const next = this.#setting === 'auto' ? nextRemixDialect(tried, wrong) : undefined;
        if (next !== undefined) {
          this.#logger.info('video api remix refused, trying another spelling', {
            tried: via,
            next,
            why: wrong,
          });
          via = next;
          continue;
        }
        if (why.every((w) => w === 'route')) {
          await this.#learn(
            { missing: { ...this.#learned?.missing, remix: this.#now() } },
            'remix route is missing',
          );
          throw unsupported('remix', err);
        }
        throw mismatch('remix', err as VideoApiError);
      }
    }
  }

  async download(
    video: Video | string,
    variant: DownloadVariant = 'video',
    options: CallOptions = {},
  ): Promise<VideoDownload> {
    // Without `/content`, only a link the upstream gave can be fetched (never a thumbnail).
    const viaContent = typeof video === 'string' || variant !== 'video' || video.result?.kind !== 'url';
    if (viaContent) await this.#refuseMissing('content', options);
    try {
      return await openDownload(this.#transport, video, variant, {
        signal: options.signal,
        idleTimeoutMs: this.#idleTimeoutMs,
      });
    } catch (err) {
      // Only "no such route" for a video the upstream still calls finished proves the route is missing.
      if (typeof video === 'string' || !viaContent || !(err instanceof VideoApiError)) throw err;
      const route = routeRefused(err);
      if (route === 'no') throw err;
      if (route === 'maybe' && (await this.retrieve(video.id, options)).status !== 'completed') throw err;
      await this.#learn(
        { missing: { ...this.#learned?.missing, content: this.#now() } },
        'content route is missing',
      );
      throw unsupported('content', err);
    }
  }

  /** The dialect in use: the configured one, or (for `auto`) remembered or probed once. */
  async dialect(options: CallOptions = {}): Promise<ResolvedDialect> {
    return (await this.#ready(options)).dialect;
  }

  /** Features this upstream is known to lack (their routes answered "no such route"). */
  async missingFeatures(options: CallOptions = {}): Promise<ReadonlySet<UpstreamFeature>> {
    const learned = await this.#ready(options);
    const features = Object.keys(learned.missing ?? {}) as UpstreamFeature[];
    return new Set(features.filter((f) => isMissing(learned, f, this.#now())));
  }

  /** What the upstream supports (probes a little when asked; remembered). For `cli probe`. */
  async capabilities(options: CallOptions = {}): Promise<Capabilities> {
    this.#capabilities ??= this.#findCapabilities(options);
    this.#capabilities.catch(() => {
      this.#capabilities = undefined;
    });
    return this.#capabilities;
  }

  /**
   * What is known: the configured dialect, else what the memory holds, else a probe (saved).
   * Concurrent callers share one load; a failed probe is forgotten so the next call retries.
   */
  #ready(options: CallOptions): Promise<LearnedDialect> {
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

  async #load(options: CallOptions): Promise<LearnedDialect> {
    const stored = await this.#memory?.load(this.baseUrl).catch((err: unknown) => {
      this.#logger.warn('could not read the remembered video api dialect', { err });
      return undefined;
    });
    if (this.#setting !== 'auto') {
      // A fixed dialect is used as set; only the routes found missing are worth keeping.
      const missing = stored?.missing === undefined ? {} : { missing: stored.missing };
      return {
        dialect: this.#setting,
        ...missing,
        evidence: [`dialect set to ${this.#setting}`],
        learnedAt: this.#now(),
      };
    }
    if (stored !== undefined) {
      this.#logger.info('video api dialect remembered', {
        dialect: stored.dialect,
        evidence: stored.evidence,
      });
      return stored;
    }
    const probe = await probeDialect(this.#transport, this.#logger, options.signal);
    this.#probedHere = true;
    this.#probeFacts = { listWorks: probe.listWorks, sawResultUrls: probe.sawResultUrls };
    const learned: LearnedDialect = {
      dialect: probe.dialect,
      evidence: probe.evidence,
      learnedAt: this.#now(),
    };
    if (probe.listMissing) learned.missing = { list: this.#now() };
    await this.#save(learned);
    return learned;
  }

  /** Apply a lesson and remember it (a failing store only costs the memory, never the call). */
  async #learn(
    change: Partial<Omit<LearnedDialect, 'evidence' | 'learnedAt'>>,
    evidence: string,
  ): Promise<void> {
    const base = this.#learned ?? (await this.#ready({}));
    const next = withLesson(base, change, evidence, this.#now());
    this.#learned = next;
    this.#capabilities = undefined;
    this.#logger.info('video api dialect learned', { evidence, dialect: next.dialect });
    await this.#save(next);
  }

  async #save(learned: LearnedDialect): Promise<void> {
    await this.#memory?.save(this.baseUrl, learned).catch((err: unknown) => {
      this.#logger.warn('could not remember the video api dialect', { err });
    });
  }

  /** Refuse at once, sending nothing, when `feature` is known to be missing. */
  async #refuseMissing(feature: UpstreamFeature, options: CallOptions): Promise<void> {
    const learned = await this.#ready(options);
    if (isMissing(learned, feature, this.#now())) throw unsupported(feature);
  }

  /**
   * A call of an optional feature: a "no such route" answer marks the feature missing. A bare 404
   * on a route with an id may be about the video, so the video is looked up to tell.
   */
  async #featureCall(feature: UpstreamFeature, request: SendOptions, videoId?: string): Promise<JsonAnswer> {
    try {
      return await this.#transport.json(request);
    } catch (err) {
      if (!(err instanceof VideoApiError)) throw err;
      const route = routeRefused(err);
      if (route === 'no') throw err;
      if (route === 'maybe' && videoId !== undefined)
        await this.retrieve(videoId, request.signal ? { signal: request.signal } : {});
      await this.#learn(
        { missing: { ...this.#learned?.missing, [feature]: this.#now() } },
        `${feature} route is missing`,
      );
      throw unsupported(feature, err);
    }
  }

  async #video(request: SendOptions): Promise<VideoAnswer> {
    const answer = await this.#transport.json(request);
    const video: VideoAnswer = this.#shaped(answer, `${request.method} ${request.path}`, () =>
      normalizeVideo(answer.body),
    );
    if (answer.pollAfterMs !== undefined) video.pollAfterMs = answer.pollAfterMs;
    return video;
  }

  #shaped<T>(answer: JsonAnswer, what: string, read: () => T): T {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof VideoShapeError)) throw err;
      throw malformedResponse(answer.meta, answer.status, `${what}: ${err.message}`, err);
    }
  }

  /**
   * Whether a refused remix says we wrote it wrong rather than that the video or prompt is bad.
   * Only answers that prove nothing was started qualify. A bare 404 may mean an unknown source
   * (some vendors answer that way), so the source is looked up to tell.
   */
  async #wrongGuess(
    err: unknown,
    input: RemixVideoInput,
    options: CallOptions,
  ): Promise<WrongGuess | undefined> {
    if (!isRefusal(err)) return undefined;
    if (encodingRefused(err)) return 'encoding';
    const route = routeRefused(err);
    if (route === 'no') return undefined;
    if (route === 'maybe') await this.retrieve(input.videoId, options); // throws VideoNotFoundError when it is the video
    return 'route';
  }

  async #findCapabilities(options: CallOptions): Promise<Capabilities> {
    const learned = await this.#ready(options);
    const { dialect } = learned;
    const notes = [...learned.evidence];
    if (!this.#probedHere && this.#setting === 'auto') notes.unshift('remembered from earlier answers');
    const now = this.#now();
    const known = (feature: UpstreamFeature, request: Omit<SendOptions, 'signal'>, facts?: boolean) =>
      isMissing(learned, feature, now)
        ? Promise.resolve(false)
        : facts === true
          ? Promise.resolve(true)
          : this.#answers(request, options);
    const list = await known(
      'list',
      { method: 'GET', path: '/videos', query: { limit: 1 } },
      this.#probeFacts?.listWorks,
    );
    const remixVia = learned.remixAs ?? dialect;
    const pathRemix = videoPath(PROBE_VIDEO_ID, '/remix');
    const [first, second] =
      remixVia === 'body-remix' ? ['/videos/remix', pathRemix] : [pathRemix, '/videos/remix'];
    let remix = await known('remix', { method: 'POST', path: first, json: {} });
    if (!remix && !isMissing(learned, 'remix', now) && this.#setting === 'auto') {
      // Probing guesses; the other route answering means remix is there and will be learned.
      remix = await this.#answers({ method: 'POST', path: second, json: {} }, options);
      if (remix) notes.push(`remix answers at POST ${second.replace(PROBE_VIDEO_ID, '{id}')}`);
    }
    const del = await known('delete', { method: 'DELETE', path: videoPath(PROBE_VIDEO_ID) });
    const urls = this.#probeFacts?.sawResultUrls === true;
    // form vendors hand out asset links (some also keep /content); gateways add video_url beside /content.
    const results = dialect === 'form' ? 'url' : dialect === 'gateway' || urls ? 'both' : 'content-endpoint';
    if (learned.remixAs !== undefined && learned.remixAs !== dialect)
      notes.push(`remix is written as ${learned.remixAs}`);
    if (learned.createAs !== undefined) notes.push(`create is sent as ${learned.createAs}`);
    for (const [feature, present] of [
      ['remix', remix],
      ['list', list],
      ['delete', del],
    ] as const) {
      if (!present) notes.push(`${feature} route is missing: ${FEATURE_OFF[feature]}`);
    }
    return { dialect, remix, delete: del, list, results, notes: [...new Set(notes)] };
  }

  /** Whether a harmless request reached a real route (validation or not-found envelopes count). */
  async #answers(request: Omit<SendOptions, 'signal'>, options: CallOptions): Promise<boolean> {
    const answer = await this.#transport.attempt({ ...request, signal: options.signal });
    return !routeMissingAnswer(answer.status, answer.text) && answer.status < 500;
  }
}

/** What turns off when a feature is missing, for `cli probe`. */
const FEATURE_OFF: Readonly<Record<UpstreamFeature, string>> = {
  remix: 'Remix buttons and /remix are refused before anything is charged',
  list: 'an unknown create outcome cannot be looked up, so such jobs fail refunded',
  delete: 'cancelling stops following the job but cannot stop it upstream',
  content: 'results are fetched only from the links the upstream gives',
};

function unsupported(feature: UpstreamFeature, cause?: unknown): UnsupportedFeatureError {
  const status = cause instanceof VideoApiError ? cause.status : undefined;
  return new UnsupportedFeatureError(feature, FEATURE_MESSAGES[feature], {
    ...(cause === undefined ? {} : { cause }),
    ...(status === undefined ? {} : { status }),
  });
}

const FEATURE_MESSAGES: Readonly<Record<UpstreamFeature, string>> = {
  remix: MSG.remixUnsupported,
  list: 'This video service does not offer a list of videos.',
  delete: 'This video service does not offer stopping or deleting a video.',
  content: 'This video service does not offer downloads from /content.',
};

/** Every way we know of writing `what` was refused as unreadable: the bot's mismatch. */
function mismatch(what: 'create' | 'remix', cause: VideoApiError): DialectMismatchError {
  return new DialectMismatchError(MSG.dialectMismatch, {
    ...(cause.status === undefined ? {} : { status: cause.status }),
    ...(cause.upstreamMessage === undefined ? {} : { upstreamMessage: cause.upstreamMessage }),
    code: `${what}_dialect_mismatch`,
    cause,
  });
}

/** `{ a: undefined }` must not override a default. */
function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
