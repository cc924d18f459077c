/**
 * Answers as values: handlers return a {@link SimResponse}; one writer sends it,
 * which is where the `truncate` fault cuts the body short.
 */
import type { ServerResponse } from 'node:http';

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify(body)),
  };
}

export function bytesResponse(
  contentType: string,
  body: Buffer,
  headers: Record<string, string> = {},
): SimResponse {
  return { status: 200, headers: { 'content-type': contentType, ...headers }, body };
}

export function textResponse(status: number, text: string): SimResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(text) };
}

/**
 * Send with an honest Content-Length. With `truncateAfter`, the full length is
 * still declared but only that many bytes go out before the socket is destroyed,
 * as when a connection drops mid-download.
 */
export function sendResponse(res: ServerResponse, response: SimResponse, truncateAfter?: number): void {
  res.writeHead(response.status, { ...response.headers, 'content-length': String(response.body.length) });
  if (truncateAfter === undefined) {
    res.end(response.body);
    return;
  }
  const part = response.body.subarray(0, Math.max(0, Math.min(truncateAfter, response.body.length - 1)));
  res.write(part, () => {
    // Give the bytes a moment to leave before the connection dies.
    setImmediate(() => res.socket?.destroy());
  });
}
