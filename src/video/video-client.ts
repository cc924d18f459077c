/**
 * The video API client: one typed client for every `/v1/videos` dialect, over undici.
 * Normalises answers, validates input before spending credit, retries only what is safe,
 * and never puts the API key anywhere but the Authorization header of its own origin.
 */
import type { Dispatcher } from 'undici';
import type { DialectSetting } from '../config/config.ts';
import { type Logger, silentLogger } from '../log/logger.ts';
import { assertCompleted } from './assert-completed.ts';
import {
  characterError,
  characterPath,
  createCharacterRequest,
  DERIVED_FEATURES,
  type DerivedFeature,
  derivedCapabilities,
  editRequest,
  extendRequest,
  offered,
} from './derived-requests.ts';
import {
  encodingRefused,
  isRefusal,
  nextRemixDialect,
  routeMissingAnswer,
  routeRefused,
  type WrongGuess,
} from './dialect-fallback.ts';
import { DialectKnowledge } from './dialect-knowledge.ts';
import { type DialectMemory, isMissing } from './dialect-memory.ts';
import { PROBE_VIDEO_ID } from './dialect-probe.ts';
import { createRequest, remixRequest } from './dialect-requests.ts';
import { malformedResponse } from './error-from-response.ts';
import {
  DialectMismatchError,
  UnsupportedFeatureError,
  type UpstreamFeature,
  VideoApiError,
} from './errors.ts';
import {
  normalizeCharacter,
  normalizeDeleted,
  normalizeVideo,
  normalizeVideoList,
  VideoShapeError,
} from './normalize-video.ts';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.ts';
import {
  type RequestLimits,
  validateCharacterInput,
  validateCreateInput,
  validateEditInput,
  validateExtendInput,
  validateRemixInput,
} from './validate-request.ts';
import type {
  CallOptions,
  Capabilities,
  CreateCharacterInput,
  CreateVideoInput,
  DownloadVariant,
  EditVideoInput,
  ExtendVideoInput,
  PollHint,
  RemixVideoInput,
  ResolvedDialect,
  Video,
  VideoApi,
  VideoCharacter,
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
  /** Bearer key. Redacted from everything this client logs and from its errors' upstream text. */
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
  readonly #apiKey: string;
  readonly #limits: RequestLimits;
  readonly #idleTimeoutMs: number;
  readonly #now: () => number;
  /** What is known about the upstream. An explicit dialect is fixed; missing routes are still learned. */
  readonly #known: DialectKnowledge;
  #capabilities: Promise<Capabilities> | undefined;
  #derivedRoutes: Promise<{ extensions: boolean; edits: boolean }> | undefined;

  constructor(options: VideoClientOptions) {
    const o = {
      ...DEFAULT_VIDEO_CLIENT_OPTIONS,
      ...definedOnly(options),
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
    };
    const logger = o.logger.withSecrets([options.apiKey]);
    this.#setting = o.dialect;
    this.#logger = logger;
    this.#apiKey = options.apiKey;
    this.#limits = o.limits;
    this.#idleTimeoutMs = o.downloadIdleTimeoutMs;
    this.#now = o.now;
    this.#transport = new VideoTransport({
      baseUrl: o.baseUrl,
      apiKey: o.apiKey,
      timeoutMs: o.timeoutMs,
      retry: o.retry,
      dispatcher: options.dispatcher,
      logger,
      userAgent: o.userAgent,
    });
    this.#known = new DialectKnowledge({
      setting: o.dialect,
      upstream: this.#transport.safeBaseUrl,
      memory: options.memory,
      transport: this.#transport,
      logger: o.logger,
      now: o.now,
    });
    this.#known.onLesson = () => {
      this.#capabilities = undefined;
    };
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
    const learned = await this.#known.ready(options);
    const as = learned.createAs ?? (learned.dialect === 'form' ? 'form' : 'json');
    try {
      return await this.#video({ ...createRequest(learned.dialect, input, as), signal: options.signal });
    } catch (err) {
      if (!isRefusal(err) || !encodingRefused(err)) throw err;
      // A fixed dialect, or an image (multipart is the only way to send one): nothing else to try.
      if (this.#setting !== 'auto' || input.inputReference !== undefined) throw mismatch('create', err);
      const other = as === 'json' ? 'form' : 'json';
      this.#logger.info('video api create refused its encoding, trying the other one', { encoding: other });
      try {
        const video = await this.#video({
          ...createRequest(learned.dialect, input, other),
          signal: options.signal,
        });
        await this.#known.learn(
          { createAs: other },
          `create works as ${other} (${as} was refused: ${err.status})`,
        );
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
    const learned = await this.#known.ready(options);
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
          await this.#known.learn(
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
          await this.#known.learnMissing('remix');
          throw unsupported('remix', err);
        }
        throw mismatch('remix', err as VideoApiError);
      }
    }
  }

  /** `POST /videos/edits` (never retried); `edits_unsupported` when the upstream has no such route. */
  async edit(input: EditVideoInput, options: CallOptions = {}): Promise<VideoAnswer> {
    validateEditInput(input, this.#limits);
    return this.#derived('edits', editRequest(await this.dialect(options), input), input.videoId, options);
  }

  /** `POST /videos/extensions` (never retried): the answer's `seconds` is the stitched total. */
  async extend(input: ExtendVideoInput, options: CallOptions = {}): Promise<VideoAnswer> {
    validateExtendInput(input, this.#limits);
    const request = extendRequest(await this.dialect(options), input);
    return this.#derived('extensions', request, input.videoId, options);
  }

  /** `POST /videos/characters` (never retried); `characters_unsupported` when missing. */
  async createCharacter(input: CreateCharacterInput, options: CallOptions = {}): Promise<VideoCharacter> {
    validateCharacterInput(input);
    return offered('characters', () =>
      this.#character({ ...createCharacterRequest(input), signal: options.signal }),
    );
  }

  async retrieveCharacter(id: string, options: CallOptions = {}): Promise<VideoCharacter> {
    const path = characterPath(id);
    return offered('characters', () =>
      this.#character({ method: 'GET', path, signal: options.signal }).catch((err: unknown) => {
        throw characterError(err);
      }),
    );
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
      await this.#known.learnMissing('content');
      throw unsupported('content', err);
    }
  }

  /** The dialect in use: the configured one, or (for `auto`) remembered or probed once. */
  async dialect(options: CallOptions = {}): Promise<ResolvedDialect> {
    return (await this.#known.ready(options)).dialect;
  }

  /** Features this upstream is known to lack (their routes answered "no such route"). */
  missingFeatures(options: CallOptions = {}): Promise<ReadonlySet<UpstreamFeature>> {
    return this.#known.missing(options);
  }

  async derivedRoutes(options: CallOptions = {}): Promise<{ extensions: boolean; edits: boolean }> {
    const missing = await this.missingFeatures(options);
    // The same harmless empty POSTs as `capabilities()`, for these two routes only.
    const has = (feature: 'extensions' | 'edits') =>
      this.#answers({ method: 'POST', path: DERIVED_FEATURES[feature].path, json: {} }, options);
    this.#derivedRoutes ??= Promise.all([has('extensions'), has('edits')]).then(([extensions, edits]) => ({
      extensions,
      edits,
    }));
    const found = await this.#derivedRoutes.catch((err: unknown) => {
      this.#derivedRoutes = undefined;
      throw err;
    });
    return {
      extensions: found.extensions && !missing.has('extensions'),
      edits: found.edits && !missing.has('edits'),
    };
  }

  /** What the upstream supports (probes a little when asked; remembered). For `cli probe`. */
  async capabilities(options: CallOptions = {}): Promise<Capabilities> {
    this.#capabilities ??= this.#findCapabilities(options);
    this.#capabilities.catch(() => {
      this.#capabilities = undefined;
    });
    return this.#capabilities;
  }

  /** Refuse at once, sending nothing, when `feature` is known to be missing. */
  async #refuseMissing(feature: UpstreamFeature, options: CallOptions): Promise<void> {
    if (await this.#known.isMissing(feature, options)) throw unsupported(feature);
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
      await this.#known.learnMissing(feature);
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

  /** A video made from `sourceId`; a missing route is told apart from a missing source. */
  async #derived(feature: DerivedFeature, request: SendOptions, sourceId: string, options: CallOptions) {
    try {
      return await offered(
        feature,
        () => this.#video({ ...request, signal: options.signal }),
        () => this.retrieve(sourceId, options),
      );
    } catch (err) {
      // Remembered, so the next request is refused before anything is charged.
      if (err instanceof UnsupportedFeatureError) await this.#known.learnMissing(err.feature);
      throw err;
    }
  }

  async #character(request: SendOptions): Promise<VideoCharacter> {
    const answer = await this.#transport.json(request);
    return this.#shaped(answer, `${request.method} ${request.path}`, () => normalizeCharacter(answer.body));
  }

  #shaped<T>(answer: JsonAnswer, what: string, read: () => T): T {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof VideoShapeError)) throw err;
      throw malformedResponse(answer.meta, answer.status, `${what}: ${err.message}`, err, [this.#apiKey]);
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
    const learned = await this.#known.ready(options);
    const { dialect } = learned;
    const notes = [...learned.evidence];
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
      this.#known.probeFacts?.listWorks,
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
    const urls = this.#known.probeFacts?.sawResultUrls === true;
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
    const derived = await derivedCapabilities((request) => this.#answers(request, options));
    return { dialect, remix, delete: del, list, ...derived, results, notes: [...new Set(notes)] };
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
  edits: 'edits are refused with a clear sentence (remix still works where offered)',
  extensions: 'extensions are refused with a clear sentence',
  characters: 'characters are refused with a clear sentence',
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
  edits: MSG.editsUnsupported,
  extensions: MSG.extensionsUnsupported,
  characters: MSG.charactersUnsupported,
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
