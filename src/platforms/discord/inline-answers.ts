/**
 * With HTTP interactions, a dialog (type 9) or autocomplete choices (type 8) for an interaction
 * whose HTTP request is still open go back in that HTTP response rather than as a second request
 * to Discord: discord.js posts them to the interaction callback route as usual, and this
 * transport hands the body to the {@link InteractionEndpoint} and tells discord.js it went out
 * (204, as Discord answers). Nothing ever edits such an answer. Every other answer (above all a
 * deferral, which the job message then edits) goes over REST: Discord confirms it there before
 * the edit is sent, where an answer in the HTTP response may not have been processed yet when
 * the edit arrives (Unknown Message). So does a callback with files, one asking for the response
 * back, or one whose request was already answered.
 */
import type { RESTOptions, ResponseLike } from 'discord.js';
import type { InteractionEndpoint } from './interaction-endpoint.ts';

type MakeRequest = RESTOptions['makeRequest'];

const CALLBACK = /\/interactions\/(\d+)\/[^/?]+\/callback(?:\?(.*))?$/;

export function answeringInline(
  endpoint: Pick<InteractionEndpoint, 'answerInline' | 'answeredElsewhere'>,
  next: MakeRequest,
): MakeRequest {
  return (url, init) => {
    const m = CALLBACK.exec(url);
    if (!m || init.method !== 'POST') return next(url, init);
    const id = m[1]!;
    if (typeof init.body === 'string' && !/with_response=true/.test(m[2] ?? '')) {
      let body: { type?: unknown } | null = null;
      try {
        body = JSON.parse(init.body) as { type?: unknown } | null;
      } catch {
        // not JSON: over REST
      }
      const final = body?.type === 8 || body?.type === 9;
      if (final && endpoint.answerInline(id, body)) return Promise.resolve(noContent());
    }
    // The answer goes over REST: the open HTTP request (if any) is acknowledged with 202 at once.
    endpoint.answeredElsewhere(id);
    return next(url, init);
  };
}

function noContent(): ResponseLike {
  const empty = new ArrayBuffer(0);
  return {
    body: null,
    arrayBuffer: () => Promise.resolve(empty),
    json: () => Promise.reject(new SyntaxError('no content')),
    text: () => Promise.resolve(''),
    bodyUsed: false,
    headers: new Headers(),
    status: 204,
    statusText: 'No Content',
    ok: true,
  };
}
