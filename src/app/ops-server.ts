/**
 * The bot's own HTTP server on `METRICS_PORT`: `GET /healthz` (for Docker and load balancers),
 * `GET /metrics` (Prometheus text format), `GET /files/<token>/<name>` (videos too big for a
 * chat platform, published by {@link LocalFileShare}) and, with `WEBHOOK_SECRET`,
 * `POST /webhooks/video` (the upstream's signed `video.completed` / `video.failed` events) and,
 * with `DISCORD_PUBLIC_KEY`, `POST /discord/interactions` (Discord HTTP interactions) and, with
 * `GALLERY_SECRET`, the team gallery under `/gallery/<signed token>/`.
 * Plain `node:http`: five routes need no framework. Nothing here reads a path from the request
 * beyond matching a known token.
 */
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { prometheusContentType } from 'prom-client';
import type { WebhookReceiver } from '../engine/webhook-receiver.ts';
import { type Logger, silentLogger } from '../log/logger.ts';
import { readCapped } from '../net/read-capped.ts';
import {
  INTERACTIONS_MAX_BYTES,
  INTERACTIONS_PATH,
  type InteractionEndpoint,
} from '../platforms/discord/interaction-endpoint.ts';
import type { HealthReport } from './bot-health.ts';
import type { GalleryService } from './gallery/gallery-service.ts';
import type { LocalFileShare } from './local-file-share.ts';

export interface OpsServerOptions {
  /** `METRICS_PORT`; 0 picks a free port. */
  port: number;
  /** `METRICS_HOST`. @default '127.0.0.1' */
  host?: string;
  health: () => Promise<HealthReport>;
  /** The `/metrics` page, in the Prometheus text format. */
  metrics: { render(): Promise<string> | string };
  /** Serves `/files/...` when set (`PUBLIC_URL` configured). */
  files?: Pick<LocalFileShare, 'lookup'>;
  /** Serves `POST /webhooks/video` when set (`WEBHOOK_SECRET` configured). */
  webhook?: Pick<WebhookReceiver, 'receive'>;
  /** Serves `/gallery/<token>/...` when set (`GALLERY_SECRET` configured). */
  gallery?: Pick<GalleryService, 'handle'>;
  /** Serves `POST /discord/interactions` when set (`DISCORD_PUBLIC_KEY` configured). */
  discordInteractions?: Pick<InteractionEndpoint, 'receive'>;
  logger?: Logger;
  /** Open downloads get this long to finish when the server closes. @default 2000 */
  closeGraceMs?: number;
}

export interface OpsServer {
  readonly port: number;
  /** `http://host:port` as bound. */
  readonly url: string;
  /** Stop accepting, let running downloads finish briefly, then cut them. */
  close(): Promise<void>;
}

/** Start the ops server; resolves once it listens. */
export async function startOpsServer(o: OpsServerOptions): Promise<OpsServer> {
  const logger = o.logger ?? silentLogger;
  const server = createServer((req, res) => {
    handle(o, logger, req, res).catch((err: unknown) => {
      logger.error('ops request failed', { path: safePath(req), err });
      if (!res.headersSent) sendJson(res, 500, { status: 'error' });
      else res.destroy();
    });
  });
  // Load balancers keep idle connections to their backends open for a minute (nginx, AWS ALB: 60 s);
  // Node's default of 5 s closes them first, so each burst after a pause pays for new connections
  // and a balancer can pick a socket the bot is closing (a 502). Outlive the balancer instead.
  server.keepAliveTimeout = OPS_KEEP_ALIVE_MS;
  server.headersTimeout = OPS_KEEP_ALIVE_MS + 5000;
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    port,
    url: `http://${shownHost}:${port}`,
    close: () => closeServer(server, o.closeGraceMs ?? 2000),
  };
}

/** How long an idle keep-alive connection stays open: longer than a load balancer keeps one. */
export const OPS_KEEP_ALIVE_MS = 65_000;

/** Where the upstream POSTs its events (`${PUBLIC_URL}/webhooks/video`). */
export const WEBHOOK_PATH = '/webhooks/video';
/** Largest webhook body read; real events are a few hundred bytes. */
export const WEBHOOK_MAX_BYTES = 64 * 1024;

async function handle(o: OpsServerOptions, logger: Logger, req: IncomingMessage, res: ServerResponse) {
  const path = safePath(req);
  if (o.webhook && path === WEBHOOK_PATH) {
    await serveWebhook(o.webhook, req, res);
    return;
  }
  if (o.discordInteractions && path === INTERACTIONS_PATH) {
    await serveDiscordInteraction(o.discordInteractions, req, res);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('method not allowed\n');
    return;
  }
  if (path === '/healthz') {
    const report = await o.health();
    sendJson(res, report.status === 'ok' ? 200 : 503, report);
    return;
  }
  if (path === '/metrics') {
    const body = await o.metrics.render();
    res.writeHead(200, {
      'content-type': prometheusContentType,
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  if (o.gallery && (await o.gallery.handle(path, req, res))) return;
  const parts = path.split('/');
  if (o.files && parts.length === 4 && parts[0] === '' && parts[1] === 'files') {
    await serveFile(o.files, logger, parts[2] ?? '', parts[3] ?? '', req, res);
    return;
  }
  notFound(res);
}

async function serveWebhook(
  receiver: Pick<WebhookReceiver, 'receive'>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readPost(req, res, WEBHOOK_MAX_BYTES);
  if (!body) return;
  const result = await receiver.receive(req.headers, body);
  // The body says nothing about our jobs: an unknown video is acknowledged like a known one.
  const answer =
    result.status === 200
      ? { ok: true }
      : { error: result.status === 401 ? 'invalid signature' : 'invalid event' };
  sendJson(res, result.status, answer);
}

async function serveDiscordInteraction(
  endpoint: Pick<InteractionEndpoint, 'receive'>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readPost(req, res, INTERACTIONS_MAX_BYTES);
  if (!body) return;
  const answer = await endpoint.receive(req.headers, body);
  if (answer.body === undefined) {
    res.writeHead(answer.status, { 'content-length': 0, 'cache-control': 'no-store' });
    res.end();
    return;
  }
  sendJson(res, answer.status, answer.body);
}

/** The body of a POST; otherwise answers 405 or 413 itself and resolves `undefined`. */
async function readPost(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
): Promise<Buffer | undefined> {
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain; charset=utf-8' });
    res.end('method not allowed\n');
    return undefined;
  }
  const body = await readBody(req, limit);
  if (body !== 'too_large') return body;
  // Close rather than read the rest of an oversized body.
  res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
  res.end(JSON.stringify({ error: 'body too large' }));
  return undefined;
}

/** The request body, or `'too_large'` as soon as it passes `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve('too_large');
  // Not destroyed when the cap is hit, so the 413 answer still reaches the client.
  return readCapped(req.iterator({ destroyOnReturn: false }), limit);
}

async function serveFile(
  files: Pick<LocalFileShare, 'lookup'>,
  logger: Logger,
  token: string,
  encodedName: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let name: string;
  try {
    name = decodeURIComponent(encodedName);
  } catch {
    return notFound(res);
  }
  const file = await files.lookup(token, name);
  if (!file) return notFound(res);
  const headers = {
    'content-type': file.contentType,
    'content-length': file.bytes,
    'content-disposition': contentDisposition(file.fileName),
    'x-content-type-options': 'nosniff',
    'cache-control': 'private, max-age=3600',
  };
  if (req.method === 'HEAD') {
    res.writeHead(200, headers);
    res.end();
    return;
  }
  const stream = createReadStream(file.path);
  // Open before the status line goes out, so a file deleted meanwhile is still a clean 404.
  const opened = await new Promise<boolean>((resolve) => {
    stream.once('open', () => resolve(true));
    stream.once('error', () => resolve(false));
  });
  if (!opened) return notFound(res);
  res.writeHead(200, headers);
  pipeline(stream, res, (err) => {
    if (err && err.code !== 'ERR_STREAM_PREMATURE_CLOSE') logger.warn('shared file download cut', { err });
  });
  logger.info('shared file served', { fileName: file.fileName, bytes: file.bytes });
}

/** `inline` so a browser plays the video; both the plain and the RFC 5987 name for non-ASCII names. */
function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

function safePath(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://ops.invalid').pathname;
  } catch {
    return '/';
  }
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('not found\n');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    server.once('close', () => clearTimeout(timer));
  });
}
