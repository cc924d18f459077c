/**
 * Typed errors of the video API client. Callers branch with `instanceof`.
 * Messages are written for the person who asked for the video: plain, with what to do.
 * Nothing here ever contains the API key (URLs carry no credentials; bodies are summarised).
 */

export interface VideoApiErrorInit {
  method?: string;
  /** URL without credentials or query secrets. */
  url?: string;
  status?: number;
  requestId?: string;
  /** Upstream error code (e.g. `invalid_video_id`). */
  code?: string;
  /** Upstream message, already trimmed and redacted. Not shown raw to chat. */
  upstreamMessage?: string;
  cause?: unknown;
}

export class VideoApiError extends Error {
  override name = 'VideoApiError';
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly code: string | undefined;
  readonly upstreamMessage: string | undefined;
  /** True when the user's own input caused it (no refund, no retry). */
  readonly userFault: boolean = false;
  /** True when repeating the same request later may succeed. */
  readonly retryable: boolean = false;

  constructor(message: string, init: VideoApiErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.method = init.method;
    this.url = init.url;
    this.status = init.status;
    this.requestId = init.requestId;
    this.code = init.code;
    this.upstreamMessage = init.upstreamMessage;
  }
}

/** The request had a bad parameter (size or seconds not offered, prompt too long, bad image). */
export class InvalidParameterError extends VideoApiError {
  override name = 'InvalidParameterError';
  override readonly userFault = true;
  /** Which parameter, when known. */
  readonly param: string | undefined;
  constructor(message: string, init: VideoApiErrorInit & { param?: string } = {}) {
    super(message, init);
    this.param = init.param;
  }
}

/** The video id is malformed or the upstream does not know it. */
export class VideoNotFoundError extends VideoApiError {
  override name = 'VideoNotFoundError';
  override readonly userFault = true;
}

/** Remix asked of a source that has not finished. */
export class SourceNotCompletedError extends VideoApiError {
  override name = 'SourceNotCompletedError';
  override readonly userFault = true;
}

/** Remix or download asked of a source whose result expired. */
export class SourceExpiredError extends VideoApiError {
  override name = 'SourceExpiredError';
  override readonly userFault = true;
}

/** The prompt or image broke the upstream's content rules. */
export class ContentPolicyError extends VideoApiError {
  override name = 'ContentPolicyError';
  override readonly userFault = true;
}

/** The API key was refused. An operator problem, never the user's. */
export class UnauthorizedError extends VideoApiError {
  override name = 'UnauthorizedError';
}

/** An answer that may say when to come back (`Retry-After`): 429s and 5xx such as a 503 in maintenance. */
export abstract class RetryAfterError extends VideoApiError {
  override readonly retryable = true;
  /** How long the upstream asked us to wait, when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, init: VideoApiErrorInit & { retryAfterMs?: number } = {}) {
    super(message, init);
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** 429: too many requests or too many jobs at once for this key. */
export class RateLimitedError extends RetryAfterError {
  override name = 'RateLimitedError';
}

/** 5xx from the upstream. */
export class UpstreamServerError extends RetryAfterError {
  override name = 'UpstreamServerError';
}

/** No answer within the per-attempt timeout. */
export class TimeoutError extends VideoApiError {
  override name = 'TimeoutError';
  override readonly retryable = true;
}

/** Connection refused, reset, DNS, TLS. */
export class NetworkError extends VideoApiError {
  override name = 'NetworkError';
  override readonly retryable = true;
}

/** The upstream answered something we cannot read (not JSON, wrong shape, truncated body, wrong content type). */
export class MalformedResponseError extends VideoApiError {
  override name = 'MalformedResponseError';
  override readonly retryable = true;
}

/** The upstream job ended in failure for a reason that is not the user's (generation failed). */
export class GenerationFailedError extends VideoApiError {
  override name = 'GenerationFailedError';
}

/**
 * The upstream refused how the request was written (route, encoding, a field it could not find),
 * and no other way the client knows worked either. The bot's mismatch, never the user's.
 */
export class DialectMismatchError extends VideoApiError {
  override name = 'DialectMismatchError';
}

/** Features an upstream may lack (each maps to one or more routes). */
export type UpstreamFeature = 'remix' | 'list' | 'delete' | 'content' | 'edits' | 'extensions' | 'characters';

/** The upstream does not offer this feature at all (its route is missing). Not the user's fault. */
export class UnsupportedFeatureError extends VideoApiError {
  override name = 'UnsupportedFeatureError';
  readonly feature: UpstreamFeature;
  constructor(feature: UpstreamFeature, message: string, init: VideoApiErrorInit = {}) {
    super(message, { code: `${feature}_unsupported`, ...init });
    this.feature = feature;
  }
}

/** The caller aborted (AbortSignal). */
export class AbortedError extends VideoApiError {
  override name = 'AbortedError';
}
