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

/** `makeRequest` for discord.js's REST options: streams {@link StreamedBody}s, else `fallback`. */
export function streamingMakeRequest(fallback: MakeRequest = DefaultRestOptions.makeRequest): MakeRequest {
  return (url, init) =>
    init.body instanceof StreamedBody ? send(url, init, init.body) : fallback(url, init);
}

async function send(url: string, init: RequestInit, body: StreamedBody): Promise<ResponseLike> {
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
    signal: init.signal ?? undefined,
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
