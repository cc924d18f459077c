/**
 * When and how long to wait before repeating a request.
 * Only reads (GET) and DELETE are ever repeated: a create or remix POST that may have
 * reached the server could start a second paid video, so those surface their error instead
 * and the engine decides (e.g. requeue on 429).
 */
import {
  NetworkError,
  RateLimitedError,
  TimeoutError,
  UpstreamServerError,
  type VideoApiError,
} from './errors.ts';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff ceiling in ms (full jitter: the wait is uniform in [0, ceiling]). */
  baseDelayMs: number;
  /** Growth of the ceiling per retry. */
  factor: number;
  /** Largest wait between attempts, also the cap on an upstream's `Retry-After`. */
  maxDelayMs: number;
}

/** Production policy: up to 4 retries, 500 ms base, doubling, capped at 20 s, full jitter. */
export const defaultRetryPolicy = Object.freeze({
  maxRetries: 4,
  baseDelayMs: 500,
  factor: 2,
  maxDelayMs: 20_000,
} as const satisfies RetryPolicy);

/** For tests: same shape, tiny waits (a `Retry-After` is still honoured, capped at 2 s). */
export const rapidRetryPolicy = Object.freeze({
  maxRetries: 4,
  baseDelayMs: 5,
  factor: 2,
  maxDelayMs: 2_000,
} as const satisfies RetryPolicy);

/** Never repeat. */
export const noRetryPolicy = Object.freeze({
  maxRetries: 0,
  baseDelayMs: 0,
  factor: 1,
  maxDelayMs: 0,
} as const satisfies RetryPolicy);

const IDEMPOTENT = new Set(['GET', 'HEAD', 'DELETE']);

/** Whether a failed attempt may be repeated. Malformed answers are not: a server sending garbage keeps doing so. */
export function shouldRetry(method: string, error: VideoApiError): boolean {
  if (!IDEMPOTENT.has(method.toUpperCase())) return false;
  if (error instanceof RateLimitedError || error instanceof UpstreamServerError) return true;
  if (error instanceof TimeoutError || error instanceof NetworkError) return true;
  return false;
}

/** Wait before retry number `retry` (1-based): `Retry-After` when given, else jittered backoff; both capped. */
export function retryDelayMs(
  policy: RetryPolicy,
  retry: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** (retry - 1));
  return Math.floor(random() * ceiling);
}

type Headers = Record<string, string | string[] | undefined>;

function first(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `retry-after-ms`, or `Retry-After` as seconds or an HTTP date, in ms. */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = Number.parseFloat(first(headers, 'retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const value = first(headers, 'retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number.parseFloat(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
