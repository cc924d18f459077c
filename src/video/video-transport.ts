/**
 * One HTTP exchange with the upstream, over undici: auth, per-attempt timeout, abort,
 * retries for what is safe, and typed errors. Knows nothing about dialects.
 */
import type { Readable } from 'node:stream';
import { type Dispatcher, type FormData, request } from 'undici';
import { retry } from '../async/retry.ts';
import type { Logger } from '../log/logger.ts';
import { readCapped } from '../net/read-capped.ts';
import {
  cleanUpstreamText,
  errorFromResponse,
  errorFromTransport,
  headerValue,
  malformedResponse,
  type RequestMeta,
  type ResponseHeaders,
} from './error-from-response.ts';
import { AbortedError, RetryAfterError, type VideoApiError } from './errors.ts';
import { type RetryPolicy, retryDelayMs, shouldRetry } from './retry-policy.ts';
import { VIDEO_ERROR_MESSAGES as MSG } from './video-error-messages.ts';

export interface TransportOptions {
  /** Base URL including the version prefix, e.g. `https://host/v1`. */
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  retry: RetryPolicy;
  dispatcher: Dispatcher | undefined;
  logger: Logger;
  userAgent: string;
}

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface SendOptions {
  method: HttpMethod;
  /** Path under the base URL, already encoded (`/videos/abc`). */
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  form?: FormData;
  signal?: AbortSignal | undefined;
}

/** A complete (buffered) answer of one attempt, whatever its status. */
export interface RawAnswer {
  meta: RequestMeta;
  status: number;
  headers: ResponseHeaders;
  text: string;
}

/** A successful JSON answer. */
export interface JsonAnswer {
  meta: RequestMeta;
  status: number;
  headers: ResponseHeaders;
  /** Parsed body; `undefined` for an empty body. */
  body: unknown;
  /** From the `openai-poll-after-ms` header. */
  pollAfterMs?: number;
}

/** JSON error bodies are small; anything bigger is not an API answer. */
const MAX_JSON_BYTES = 8 * 1024 * 1024;
const MAX_REDIRECTS = 5;

export class VideoTransport {
  readonly #o: TransportOptions;
  readonly #base: URL;

  constructor(options: TransportOptions) {
    this.#o = options;
    this.#base = new URL(options.baseUrl.replace(/\/+$/, ''));
  }

  /** The base URL as safe to print: no credentials. */
  get safeBaseUrl(): string {
    return safeUrl(this.#base, true);
  }

  /** Absolute URL for a path under the base. */
  urlFor(path: string, query?: SendOptions['query']): URL {
    const url = new URL(this.#base.href + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  /** Whether `url` is on the upstream's own origin (so it may receive the API key). */
  isSameOrigin(url: URL): boolean {
    return url.origin === this.#base.origin;
  }

  /** Send, retrying what is safe, and return the parsed JSON of a 2xx answer; typed error otherwise. */
  async json(options: SendOptions): Promise<JsonAnswer> {
    const policy = this.#o.retry;
    return retry(async () => parseJsonAnswer(await this.attemptOk(options), [this.#o.apiKey]), {
      attempts: policy.maxRetries + 1,
      retryable: (err) => shouldRetry(options.method, err as VideoApiError),
      // A 503 may say when to come back as well as a 429 does.
      delayMs: (attempt, err) =>
        retryDelayMs(policy, attempt, err instanceof RetryAfterError ? err.retryAfterMs : undefined),
      onRetry: (err, attempt, waitMs) => {
        const error = err as VideoApiError;
        this.#o.logger.warn('video api call will be retried', {
          method: options.method,
          url: error.url,
          error: error.name,
          status: error.status,
          retry: attempt,
          waitMs,
        });
      },
      ...(options.signal ? { signal: options.signal } : {}),
      aborted: () => new AbortedError(MSG.cancelled),
    });
  }

  /** One attempt that throws a typed error unless the answer is 2xx. */
  async attemptOk(options: SendOptions): Promise<RawAnswer> {
    const answer = await this.attempt(options);
    if (answer.status >= 200 && answer.status < 300) return answer;
    throw errorFromResponse(answer.meta, answer.status, answer.headers, answer.text, [this.#o.apiKey]);
  }

  /** One attempt, no retry, any status: used by probing, which reads error envelopes. */
  async attempt(options: SendOptions): Promise<RawAnswer> {
    const url = this.urlFor(options.path, options.query);
    const meta: RequestMeta = { method: options.method, url: safeUrl(url, true) };
    const headers: Record<string, string> = this.#headers(true);
    let body: string | FormData | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form !== undefined) {
      body = options.form; // undici sets the multipart boundary
    }
    const started = Date.now();
    const timer = new AttemptTimer(this.#o.timeoutMs, options.signal);
    try {
      const res = await request(url, {
        method: options.method,
        headers,
        body: body ?? null,
        signal: timer.signal,
        ...(this.#o.dispatcher ? { dispatcher: this.#o.dispatcher } : {}),
      });
      const text = await readText(res.body, MAX_JSON_BYTES);
      this.#o.logger.debug('video api call', {
        method: meta.method,
        url: meta.url,
        status: res.statusCode,
        ms: Date.now() - started,
      });
      return { meta, status: res.statusCode, headers: res.headers, text };
    } catch (err) {
      throw errorFromTransport(meta, err, timer.why());
    } finally {
      timer.clear();
    }
  }

  /**
   * Open a streamed GET. `timeoutMs` bounds the wait for headers; after that only the
   * body-idle timeout applies, so a long download is never cut by a total deadline.
   * Redirects are followed by hand so the key is only ever sent to the upstream's own origin.
   */
  async stream(
    url: URL,
    options: { signal?: AbortSignal | undefined; idleTimeoutMs: number },
  ): Promise<{ meta: RequestMeta; headers: ResponseHeaders; body: Readable }> {
    let target = url;
    for (let hop = 0; ; hop++) {
      const sameOrigin = this.isSameOrigin(target);
      const meta: RequestMeta = { method: 'GET', url: safeUrl(target, sameOrigin) };
      const timer = new AttemptTimer(this.#o.timeoutMs, options.signal);
      try {
        const res = await request(target, {
          method: 'GET',
          headers: this.#headers(sameOrigin),
          signal: timer.signal,
          bodyTimeout: options.idleTimeoutMs,
          ...(this.#o.dispatcher ? { dispatcher: this.#o.dispatcher } : {}),
        });
        timer.clearTimeoutOnly();
        const location = headerValue(res.headers, 'location');
        if (res.statusCode >= 300 && res.statusCode < 400 && location && hop < MAX_REDIRECTS) {
          await res.body.dump();
          timer.clear();
          target = new URL(location, target);
          continue;
        }
        if (res.statusCode < 200 || res.statusCode >= 300) {
          const text = await readText(res.body, MAX_JSON_BYTES).catch(() => '');
          throw errorFromResponse(meta, res.statusCode, res.headers, text, [this.#o.apiKey]);
        }
        res.body.once('close', () => timer.clear());
        return { meta, headers: res.headers, body: res.body };
      } catch (err) {
        timer.clear();
        throw errorFromTransport(meta, err, timer.why());
      }
    }
  }

  #headers(withKey: boolean): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.#o.userAgent };
    if (withKey) headers.authorization = `Bearer ${this.#o.apiKey}`;
    return headers;
  }
}

/** Parse a 2xx body as JSON (empty allowed) and read the poll hint. */
function parseJsonAnswer(answer: RawAnswer, secrets: readonly string[]): JsonAnswer {
  let body: unknown;
  if (answer.text.trim() !== '') {
    try {
      body = JSON.parse(answer.text);
    } catch (err) {
      throw malformedResponse(answer.meta, answer.status, `not JSON: ${answer.text}`, err, secrets);
    }
  }
  const out: JsonAnswer = { meta: answer.meta, status: answer.status, headers: answer.headers, body };
  const hint = Number.parseInt(headerValue(answer.headers, 'openai-poll-after-ms') ?? '', 10);
  if (Number.isFinite(hint) && hint >= 0) out.pollAfterMs = hint;
  return out;
}

/** A URL as safe to print: credentials removed; query removed for foreign links (signed CDN URLs). */
export function safeUrl(url: URL, keepQuery: boolean): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  if (!keepQuery) copy.search = '';
  return cleanUpstreamText(copy.href);
}

async function readText(body: AsyncIterable<Uint8Array>, limit: number): Promise<string> {
  const data = await readCapped(body, limit);
  if (data === 'too_large') throw new Error(`answer larger than ${limit} bytes`);
  return data.toString('utf8');
}

/**
 * Per-attempt deadline joined with the caller's AbortSignal, remembering which one fired
 * so the error says "timed out" or "cancelled" truthfully.
 */
class AttemptTimer {
  readonly #controller = new AbortController();
  readonly #caller: AbortSignal | undefined;
  #timer: NodeJS.Timeout | undefined;
  #timedOut = false;
  readonly #onAbort = () => this.#controller.abort(new AbortedError('cancelled'));
  readonly timeoutMs: number;

  constructor(timeoutMs: number, caller: AbortSignal | undefined) {
    this.timeoutMs = timeoutMs;
    this.#caller = caller;
    if (caller?.aborted) this.#controller.abort(new AbortedError('cancelled'));
    else caller?.addEventListener('abort', this.#onAbort, { once: true });
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.#controller.abort(new Error('timeout'));
    }, timeoutMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  why() {
    return { aborted: this.#caller?.aborted === true, timedOut: this.#timedOut, timeoutMs: this.timeoutMs };
  }

  /** Stop the deadline but keep following the caller's signal (a streaming body is still being read). */
  clearTimeoutOnly(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  clear(): void {
    this.clearTimeoutOnly();
    this.#caller?.removeEventListener('abort', this.#onAbort);
  }
}
