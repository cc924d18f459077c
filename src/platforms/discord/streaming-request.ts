/**
 * discord.js REST transport that can send a {@link StreamedBody}. The default transport
 * (@discordjs/rest's `makeRequest`) collects any stream or async iterable body into one Buffer
 * before sending, which is exactly the copy streaming is meant to avoid. Every other body goes
 * to the default transport unchanged, and rate limits, retries and `DiscordAPIError`s stay
 * discord.js's: this only replaces how the bytes reach the socket.
 */
import { STATUS_CODES } from 'node:http';
import { DefaultRestOptions, type RESTOptions, type ResponseLike } from 'discord.js';
import { request } from 'undici';
import { StreamedBody } from './streamed-body.ts';

type MakeRequest = RESTOptions['makeRequest'];
type RequestInit = Parameters<MakeRequest>[1];

export interface StreamingRequestOptions {
  /** Sends every body that is not a {@link StreamedBody}. @default DefaultRestOptions.makeRequest */
  fallback?: MakeRequest;
  /**
   * Time allowed for sending a streamed body of `bytes` and getting the answer. It replaces
   * discord.js's per-request timeout (15 s), which would cut a 25 MB upload on any link
   * slower than about 13 Mbit/s. @default 15 s plus 1 s per 128 KiB (a 1 Mbit/s floor)
   */
  uploadTimeoutMs?: (bytes: number) => number;
}

const DEFAULTS = {
  fallback: DefaultRestOptions.makeRequest,
  uploadTimeoutMs: (bytes: number) => 15_000 + Math.ceil(bytes / (128 * 1024)) * 1000,
} as const satisfies Required<StreamingRequestOptions>;

/** `makeRequest` for discord.js's REST options: streams {@link StreamedBody}s, else the fallback. */
export function streamingMakeRequest(options: StreamingRequestOptions = {}): MakeRequest {
  const o = { ...DEFAULTS, ...options };
  return (url, init) =>
    init.body instanceof StreamedBody
      ? send(url, init, init.body, o.uploadTimeoutMs(init.body.length))
      : o.fallback(url, init);
}

async function send(
  url: string,
  init: RequestInit,
  body: StreamedBody,
  timeoutMs: number,
): Promise<ResponseLike> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(init.headers ?? {})) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  headers['content-length'] = String(body.length);
  // A fresh stream per attempt: discord.js calls again with the same body after a 429 or a reset.
  // `init.dispatcher` (an undici 6 agent, unset by us) is not passed: this is undici 7's request,
  // which uses the process-wide dispatcher like the VideoClient.
  const res = await request(url, {
    method: (init.method ?? 'POST') as 'POST' | 'PATCH' | 'PUT',
    headers,
    body: body.open(),
    // Not `init.signal`: that is discord.js's fixed timeout (see uploadTimeoutMs), and nothing
    // else aborts it (this adapter passes no signal of its own).
    signal: AbortSignal.timeout(timeoutMs),
  });
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
    else if (value !== undefined) responseHeaders.set(name, value);
  }
  return {
    body: res.body,
    arrayBuffer: () => res.body.arrayBuffer(),
    json: () => res.body.json(),
    text: () => res.body.text(),
    get bodyUsed() {
      return res.body.bodyUsed;
    },
    headers: responseHeaders,
    status: res.statusCode,
    statusText: STATUS_CODES[res.statusCode] ?? '',
    ok: res.statusCode >= 200 && res.statusCode < 300,
  };
}
