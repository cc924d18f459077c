/**
 * Small local HTTP fakes of an upstream (127.0.0.1, port 0) for client tests that need exact
 * control of every answer, and a client pointed at one.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { rapidRetryPolicy } from '../../src/video/retry-policy.ts';
import { VideoClient, type VideoClientOptions } from '../../src/video/video-client.ts';

export const KEY = 'sk-wire-test-key-9876543210';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: Seen, res: ServerResponse) => void;

export const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

export async function fake(handler: Handler): Promise<{ origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(s);
      handler(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export const video = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  object: 'video',
  status: 'completed',
  progress: 100,
  size: '720x1280',
  seconds: '4',
  ...extra,
});

export function clientFor(origin: string, options: Partial<VideoClientOptions> = {}) {
  return new VideoClient({
    baseUrl: `${origin}/v1`,
    apiKey: KEY,
    dialect: 'openai',
    retry: rapidRetryPolicy,
    ...options,
  });
}
