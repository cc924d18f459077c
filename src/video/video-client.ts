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
  characterError,
  characterPath,
  createCharacterRequest,
  type DerivedFeature,
  derivedCapabilities,
  editRequest,
  extendRequest,
  offered,
} from './derived-requests.ts';
import { PROBE_VIDEO_ID, type ProbeResult, probeDialect } from './dialect-probe.ts';
import { createRequest, remixRequest } from './dialect-requests.ts';
import { malformedResponse } from './error-from-response.ts';
import { VideoApiError } from './errors.ts';
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
}

export const DEFAULT_VIDEO_CLIENT_OPTIONS = {
  dialect: 'auto',
  timeoutMs: 30_000,
  downloadIdleTimeoutMs: 30_000,
  retry: defaultRetryPolicy,
  logger: silentLogger,
  userAgent: 'reelbot/0.1',
  limits: {},
} as const satisfies Omit<Required<VideoClientOptions>, 'baseUrl' | 'apiKey' | 'dispatcher'>;

type VideoAnswer = Video & PollHint;

/** {@link VideoApi} over undici for every dialect in {@link ResolvedDialect}. */
export class VideoClient implements VideoApi {
  readonly #transport: VideoTransport;
  readonly #setting: DialectSetting;
  readonly #logger: Logger;
  readonly #limits: RequestLimits;
  readonly #idleTimeoutMs: number;
  #probe: Promise<ProbeResult> | undefined;
  /** Set by probing or by learning from a remix; an explicit dialect is fixed. */
  #learned: ResolvedDialect | undefined;
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

  async create(input: CreateVideoInput, options: CallOptions = {}): Promise<VideoAnswer> {
    validateCreateInput(input, this.#limits);
    const dialect = await this.dialect(options);
    return this.#video({ ...createRequest(dialect, input), signal: options.signal });
  }

  async retrieve(id: string, options: CallOptions = {}): Promise<VideoAnswer> {
    return this.#video({ method: 'GET', path: videoPath(id), signal: options.signal });
  }

  async list(
    params: { after?: string; limit?: number; order?: 'asc' | 'desc' } = {},
    options: CallOptions = {},
  ): Promise<VideoList> {
    const answer = await this.#transport.json({
      method: 'GET',
      path: '/videos',
      query: { after: params.after, limit: params.limit, order: params.order },
      signal: options.signal,
    });
    return this.#shaped(answer, 'GET /videos', () => normalizeVideoList(answer.body));
  }

  async delete(id: string, options: CallOptions = {}): Promise<{ id: string; deleted: boolean }> {
    const answer = await this.#transport.json({
      method: 'DELETE',
      path: videoPath(id),
      signal: options.signal,
    });
    return this.#shaped(answer, 'DELETE /videos/{id}', () => normalizeDeleted(answer.body, id));
  }

  /**
   * Remix a completed video. `json-remix-size` needs the source's size: when the caller did not
   * give it, the source is retrieved first (which also refuses unfinished or expired sources
   * before anything is spent).
   */
  async remix(input: RemixVideoInput, options: CallOptions = {}): Promise<VideoAnswer> {
    const dialect = await this.dialect(options);
    validateRemixInput(input, dialect, this.#limits);
    const request: RemixVideoInput = { ...input };
    if (dialect === 'json-remix-size' && request.size === undefined) {
      const size = assertCompleted(await this.retrieve(input.videoId, options)).size;
      if (size !== undefined) request.size = size;
    }
    try {
      return await this.#video({ ...remixRequest(dialect, request), signal: options.signal });
    } catch (err) {
      if (!(await this.#remixRouteMissing(err, request, options))) throw err;
      const next = this.#setting === 'auto' ? otherRemixDialect(err as VideoApiError, dialect) : undefined;
      if (next === undefined) throw (err as VideoApiError).status === 404 ? remixUnsupported(err) : err;
      return this.#remixLearned(next, request, options, err);
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
    return openDownload(this.#transport, video, variant, {
      signal: options.signal,
      idleTimeoutMs: this.#idleTimeoutMs,
    });
  }

  /** The dialect in use: the configured one, or (for `auto`) probed once and remembered. */
  async dialect(options: CallOptions = {}): Promise<ResolvedDialect> {
    if (this.#setting !== 'auto') return this.#setting;
    if (this.#learned !== undefined) return this.#learned;
    return (await this.#probed(options)).dialect;
  }

  /** What the upstream supports (probes a little when asked; remembered). For `cli probe`. */
  async capabilities(options: CallOptions = {}): Promise<Capabilities> {
    this.#capabilities ??= this.#findCapabilities(options);
    this.#capabilities.catch(() => {
      this.#capabilities = undefined;
    });
    return this.#capabilities;
  }

  /** One probe per client; concurrent callers share it; a failed probe is forgotten so the next call retries. */
  #probed(options: CallOptions): Promise<ProbeResult> {
    if (this.#probe === undefined) {
      const probe = probeDialect(this.#transport, this.#logger, options.signal);
      this.#probe = probe;
      probe.then(
        (r) => {
          this.#learned ??= r.dialect;
        },
        () => {
          if (this.#probe === probe) this.#probe = undefined;
        },
      );
    }
    return this.#probe;
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
  #derived(feature: DerivedFeature, request: SendOptions, sourceId: string, options: CallOptions) {
    return offered(
      feature,
      () => this.#video({ ...request, signal: options.signal }),
      () => this.retrieve(sourceId, options),
    );
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
      throw malformedResponse(answer.meta, answer.status, `${what}: ${err.message}`, err);
    }
  }

  /**
   * Whether a refused remix was refused by the route, not because of the video. Only answers that
   * prove nothing was started qualify: 405/415, or a 404 while the source itself exists (some
   * vendors answer a bare 404 for an unknown source, so the source is looked up to tell).
   */
  async #remixRouteMissing(err: unknown, input: RemixVideoInput, options: CallOptions): Promise<boolean> {
    if (!(err instanceof VideoApiError)) return false;
    if (err.status === 405 || err.status === 415) return true;
    if (err.status !== 404 || err.code === 'invalid_video_id' || err.code === 'video_not_found') return false;
    await this.retrieve(input.videoId, options); // throws VideoNotFoundError when it is the video that is missing
    return true;
  }

  async #remixLearned(
    dialect: ResolvedDialect,
    input: RemixVideoInput,
    options: CallOptions,
    first: unknown,
  ): Promise<VideoAnswer> {
    this.#logger.info('video api remix route refused, trying another dialect', { dialect });
    try {
      const video = await this.#video({ ...remixRequest(dialect, input), signal: options.signal });
      this.#learned = dialect;
      return video;
    } catch (err) {
      if (err instanceof VideoApiError && (err.status === 404 || err.status === 405))
        throw remixUnsupported(first);
      throw err;
    }
  }

  async #findCapabilities(options: CallOptions): Promise<Capabilities> {
    const dialect = await this.dialect(options);
    const probe = this.#setting === 'auto' ? await this.#probed(options) : undefined;
    const notes = [...(probe?.evidence ?? [`dialect set to ${dialect} (no probing)`])];
    const listed =
      probe?.listWorks ??
      (await this.#answers({ method: 'GET', path: '/videos', query: { limit: 1 } }, options));
    const remixPath = dialect === 'body-remix' ? '/videos/remix' : videoPath(PROBE_VIDEO_ID, '/remix');
    const remix = await this.#answers({ method: 'POST', path: remixPath, json: {} }, options);
    const del = await this.#answers({ method: 'DELETE', path: videoPath(PROBE_VIDEO_ID) }, options);
    const urls = probe?.sawResultUrls === true;
    // form vendors hand out asset links (some also keep /content); gateways add video_url beside /content.
    const results = dialect === 'form' ? 'url' : dialect === 'gateway' || urls ? 'both' : 'content-endpoint';
    if (!remix) notes.push('remix route is missing');
    const derived = await derivedCapabilities((request) => this.#answers(request, options));
    return { dialect, remix, delete: del, list: listed, ...derived, results, notes };
  }

  /** Whether a harmless request reached a real route (validation or not-found envelopes count). */
  async #answers(request: Omit<SendOptions, 'signal'>, options: CallOptions): Promise<boolean> {
    const answer = await this.#transport.attempt({ ...request, signal: options.signal });
    if (answer.status === 405 || answer.status === 501) return false;
    if (answer.status !== 404) return answer.status < 500;
    return (
      /invalid_video_id|video_not_found|not[ _]found/i.test(answer.text) && answer.text.trim().startsWith('{')
    );
  }
}

/** The dialect to try after `tried`'s remix route was refused. */
function otherRemixDialect(err: VideoApiError, tried: ResolvedDialect): ResolvedDialect | undefined {
  if (err.status === 415) return tried === 'form' ? undefined : 'form';
  return tried === 'body-remix' ? 'openai' : 'body-remix';
}

function remixUnsupported(cause: unknown): VideoApiError {
  const status = cause instanceof VideoApiError ? cause.status : undefined;
  return new VideoApiError(MSG.remixUnsupported, {
    code: 'remix_unsupported',
    cause,
    ...(status === undefined ? {} : { status }),
  });
}

/** `{ a: undefined }` must not override a default. */
function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
