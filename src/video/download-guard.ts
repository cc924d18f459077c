/**
 * Wraps a download body so that a transfer cut short becomes a typed error for the reader,
 * instead of a silently truncated MP4. Streams chunk by chunk: nothing is buffered.
 */
import { Readable } from 'node:stream';
import type { RequestMeta } from './error-from-response.ts';
import { errorFromTransport } from './error-from-response.ts';
import { MalformedResponseError, TimeoutError } from './errors.ts';

export interface GuardOptions {
  meta: RequestMeta;
  /** From Content-Length, when given. */
  expectedBytes: number | undefined;
  idleTimeoutMs: number;
  signal: AbortSignal | undefined;
}

/** A readable that errors with {@link MalformedResponseError} when fewer bytes arrive than announced. */
export function guardDownload(body: AsyncIterable<Uint8Array>, options: GuardOptions): Readable {
  return Readable.from(countBytes(body, options), { objectMode: false });
}

async function* countBytes(body: AsyncIterable<Uint8Array>, o: GuardOptions): AsyncGenerator<Uint8Array> {
  let received = 0;
  try {
    for await (const chunk of body) {
      received += chunk.byteLength;
      yield chunk;
    }
  } catch (err) {
    throw mapBodyError(err, received, o);
  }
  if (o.expectedBytes !== undefined && received < o.expectedBytes) throw cutShort(received, o);
}

function mapBodyError(err: unknown, received: number, o: GuardOptions): Error {
  const mapped = errorFromTransport(o.meta, err, {
    aborted: o.signal?.aborted === true,
    timedOut: false,
    timeoutMs: o.idleTimeoutMs,
  });
  if (mapped instanceof TimeoutError) {
    return new TimeoutError(
      `The video download stalled (no data for ${Math.round(o.idleTimeoutMs / 1000)} s). Try again later.`,
      { method: o.meta.method, url: o.meta.url, cause: err },
    );
  }
  // A connection that dies mid-body is a cut-short download, whatever the socket said.
  return mapped.name === 'NetworkError' ? cutShort(received, o, err) : mapped;
}

function cutShort(received: number, o: GuardOptions, cause?: unknown): MalformedResponseError {
  const expected = o.expectedBytes === undefined ? '' : ` of ${o.expectedBytes}`;
  return new MalformedResponseError(
    `The video download was cut short (${received}${expected} bytes arrived). Try downloading again.`,
    { method: o.meta.method, url: o.meta.url, ...(cause === undefined ? {} : { cause }) },
  );
}
