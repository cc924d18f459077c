/**
 * Turns an upstream HTTP answer or a transport failure into one of the typed errors.
 * Messages are for the person who asked; the raw upstream text only goes into
 * `upstreamMessage`, trimmed and redacted (the bearer pattern always; the caller's own secrets,
 * such as its API key, when it passes them).
 */
import { redact } from '../log/logger.ts';
import {
  AbortedError,
  ContentPolicyError,
  DialectMismatchError,
  InvalidParameterError,
  MalformedResponseError,
  NetworkError,
  RateLimitedError,
  SourceExpiredError,
  SourceNotCompletedError,
  TimeoutError,
  UnauthorizedError,
  UpstreamServerError,
  VideoApiError,
  type VideoApiErrorInit,
  VideoNotFoundError,
} from './errors.ts';
import { parseRetryAfter } from './retry-policy.ts';
import { VIDEO_ERROR_MESSAGES as MSG } from './video-error-messages.ts';

/** Where a failed call went: enough to find it in upstream logs, never a credential. */
export interface RequestMeta {
  method: string;
  url: string;
}

export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** The upstream's error envelope, whichever of the known shapes it used. */
export interface UpstreamErrorBody {
  message?: string;
  code?: string;
  type?: string;
  param?: string;
  messageZh?: string;
}

const UPSTREAM_TEXT_LIMIT = 300;

/** Trim and redact upstream text before it is stored on an error. */
export function cleanUpstreamText(text: string, secrets: Iterable<string> = []): string {
  const flat = redact(text, secrets).replace(/\s+/g, ' ').trim();
  return flat.length > UPSTREAM_TEXT_LIMIT ? `${flat.slice(0, UPSTREAM_TEXT_LIMIT - 1)}…` : flat;
}

/** First value of a header (undici may give arrays). */
export function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** Read `{error:{message,code,type,param,message_zh}}`, `{error:"..."}`, `{message,code}` or `{detail}`. */
export function parseErrorBody(text: string): UpstreamErrorBody | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const top = json as Record<string, unknown>;
  const inner =
    typeof top.error === 'object' && top.error !== null ? (top.error as Record<string, unknown>) : top;
  const out: UpstreamErrorBody = {};
  const message = str(inner.message) ?? str(top.error) ?? str(top.detail);
  const fields: [keyof UpstreamErrorBody, string | undefined][] = [
    ['message', message],
    ['code', str(inner.code)],
    ['type', str(inner.type)],
    ['param', str(inner.param)],
    ['messageZh', str(inner.message_zh)],
  ];
  for (const [k, v] of fields) if (v !== undefined) out[k] = v;
  // Some resellers (quickrouter) send no code and write it at the end of the message instead.
  const trailing = out.code === undefined ? /\(([a-z][a-z0-9_]+)\)\s*$/.exec(out.message ?? '') : null;
  if (trailing?.[1]) out.code = trailing[1];
  return Object.keys(out).length > 0 ? out : undefined;
}

const POLICY_WORDS = /content_policy|moderation|safety/i;
const POLICY_MESSAGE = /content[ _]policy|moderation|safety system/i;

/** Map a non-2xx answer to a typed error. */
export function errorFromResponse(
  meta: RequestMeta,
  status: number,
  headers: ResponseHeaders,
  bodyText: string,
  /** Values to redact from the upstream's text (the key the request carried). */
  secrets: Iterable<string> = [],
): VideoApiError {
  const body = parseErrorBody(bodyText);
  const code = body?.code ?? body?.type;
  const init: VideoApiErrorInit = { method: meta.method, url: meta.url, status };
  const requestId = headerValue(headers, 'x-request-id');
  if (requestId) init.requestId = requestId;
  if (code) init.code = code;
  const upstream = body?.message ?? bodyText;
  if (upstream.trim()) init.upstreamMessage = cleanUpstreamText(upstream, secrets);

  const codes = [body?.code, body?.type].filter((c): c is string => c !== undefined);
  const has = (...names: string[]) => codes.some((c) => names.includes(c.toLowerCase()));

  // Integer codes (`{code: 400}`) say nothing: then the message is all there is to go on.
  const wordless = codes.every((c) => /^\d+$/.test(c));
  if (codes.some((c) => POLICY_WORDS.test(c)) || (wordless && POLICY_MESSAGE.test(body?.message ?? ''))) {
    return new ContentPolicyError(MSG.contentPolicy, init);
  }
  if (has('video_not_completed')) {
    return new SourceNotCompletedError(MSG.notCompleted, init);
  }
  if (has('video_expired') || status === 410) {
    return new SourceExpiredError(MSG.expired, init);
  }
  // new-api answers an unknown task with HTTP 400 `task_not_exist`.
  if (has('invalid_video_id', 'video_not_found', 'task_not_exist') || status === 404) {
    return new VideoNotFoundError(MSG.notFound, init);
  }
  if (status === 401 || status === 403) {
    return new UnauthorizedError(MSG.unauthorized, init);
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(headers);
    const wait =
      retryAfterMs === undefined ? 'in a minute' : `in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s`;
    return new RateLimitedError(
      `The video service is busy right now (too many requests or videos at once). Try again ${wait}.`,
      retryAfterMs === undefined ? init : { ...init, retryAfterMs },
    );
  }
  if (status === 408) {
    return new TimeoutError('The video service took too long to answer. Try again in a moment.', init);
  }
  if (status >= 500) {
    const retryAfterMs = parseRetryAfter(headers);
    return new UpstreamServerError(
      `The video service had an internal problem (HTTP ${status}). Try again in a minute.`,
      retryAfterMs === undefined ? init : { ...init, retryAfterMs },
    );
  }
  if (status === 405 || status === 415) {
    // Not the user's fault: the configured dialect uses a route or body type this server does not take.
    return new DialectMismatchError(MSG.dialectMismatch, init);
  }
  if (status === 400 || status === 413 || status === 422) {
    const param = body?.param;
    const what = param ? `the ${param} value` : 'a value in the request';
    return new InvalidParameterError(
      `The video service refused ${what}. Check the prompt, size, duration and image, then try again.`,
      param ? { ...init, param } : init,
    );
  }
  return new VideoApiError(`The video service refused the request (HTTP ${status}).`, init);
}

/** A 2xx answer we could not read. */
export function malformedResponse(
  meta: RequestMeta,
  status: number,
  detail: string,
  cause?: unknown,
  secrets: Iterable<string> = [],
) {
  return new MalformedResponseError(MSG.malformed, {
    method: meta.method,
    url: meta.url,
    status,
    upstreamMessage: cleanUpstreamText(detail, secrets),
    ...(cause === undefined ? {} : { cause }),
  });
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** Map a thrown transport error (undici, abort) to a typed error. */
export function errorFromTransport(
  meta: RequestMeta,
  err: unknown,
  why: { aborted: boolean; timedOut: boolean; timeoutMs: number },
): VideoApiError {
  const init: VideoApiErrorInit = { method: meta.method, url: meta.url, cause: err };
  if (err instanceof VideoApiError) return err;
  if (why.aborted) return new AbortedError(MSG.cancelled, init);
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  if (why.timedOut || TIMEOUT_CODES.has(code)) {
    return new TimeoutError(
      `The video service did not answer within ${Math.round(why.timeoutMs / 1000)} s. Try again later.`,
      init,
    );
  }
  const detail = code ? ` (${code})` : '';
  return new NetworkError(
    `Could not reach the video service${detail}. Try again later; if it keeps happening an admin should check VIDEO_API_BASE_URL.`,
    init,
  );
}
