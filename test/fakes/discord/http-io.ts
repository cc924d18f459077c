/**
 * HTTP plumbing for the fake Discord: reading JSON or multipart bodies the way discord.js's
 * REST client sends them (`payload_json` + `files[n]`), writing Discord-shaped errors, and
 * scripted 429s.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Json } from './fake-state.ts';

export interface UploadedFile {
  /** Multipart field name, e.g. `files[0]`. */
  field: string;
  /** Index `n` from `files[n]`. */
  index: number;
  name: string;
  contentType: string;
  bytes: Buffer;
}

export interface ParsedBody {
  json: Json | undefined;
  files: UploadedFile[];
}

/** Whole requests above this are refused before parsing (Discord refuses far earlier). */
const MAX_REQUEST_BYTES = 200 * 1024 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message ?? status));
  }
}

/** Discord's JSON error shape. */
export const discordError = (status: number, code: number, message: string, extra: Json = {}) =>
  new HttpError(status, { code, message, ...extra });

export const errors = {
  unknownInteraction: () => discordError(404, 10062, 'Unknown interaction'),
  alreadyAcknowledged: () => discordError(400, 40060, 'Interaction has already been acknowledged.'),
  invalidWebhookToken: () => discordError(401, 50027, 'Invalid Webhook Token'),
  unknownWebhook: () => discordError(404, 10015, 'Unknown Webhook'),
  unknownMessage: () => discordError(404, 10008, 'Unknown Message'),
  unknownChannel: () => discordError(404, 10003, 'Unknown Channel'),
  tooLarge: () => discordError(413, 40005, 'Request entity too large'),
  unauthorized: () => discordError(401, 0, '401: Unauthorized'),
  emptyMessage: () => discordError(400, 50006, 'Cannot send an empty message'),
  notAuthor: () => discordError(403, 50005, 'Cannot edit a message authored by another user'),
  invalidForm: (problems: string[]) =>
    discordError(400, 50035, 'Invalid Form Body', { errors: problems.map((p) => ({ message: p })) }),
  notFound: () => discordError(404, 0, '404: Not Found'),
};

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    total += b.length;
    if (total > MAX_REQUEST_BYTES) throw errors.tooLarge();
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Parse a JSON or `multipart/form-data` (payload_json + files[n]) body. */
export async function parseBody(req: IncomingMessage, raw: Buffer): Promise<ParsedBody> {
  const type = req.headers['content-type'] ?? '';
  if (raw.length === 0) return { json: undefined, files: [] };
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } }).formData();
    const files: UploadedFile[] = [];
    let json: Json | undefined;
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') json = JSON.parse(value) as Json;
        continue;
      }
      const m = /^files\[(\d+)\]$/.exec(field) ?? /^file(\d*)$/.exec(field);
      const index = m ? Number(m[1] || 0) : files.length;
      files.push({
        field,
        index,
        name: value.name,
        contentType: value.type || 'application/octet-stream',
        bytes: Buffer.from(await value.arrayBuffer()),
      });
    }
    return { json, files };
  }
  try {
    return { json: JSON.parse(raw.toString('utf8')) as Json, files: [] };
  } catch {
    throw discordError(400, 50109, 'The request body contains invalid JSON.');
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  if (status === 204) {
    res.writeHead(204, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text);
}

export interface RateLimitRule {
  /** `METHOD /path-prefix` matched against the request (path after `/api/v10`), e.g. `PATCH /channels`. */
  route: string;
  /** How many requests get a 429 before the rule is used up. */
  times: number;
  /** Seconds the client is told to wait. */
  retryAfter: number;
  /** Global limit (`X-RateLimit-Global`), else per-route. @default false */
  global?: boolean;
  /** `X-RateLimit-Scope`. @default 'user' */
  scope?: 'user' | 'shared' | 'global';
}

/** Scripted 429s: each matching request consumes one. */
export class RateLimiter {
  private readonly rules: (RateLimitRule & { left: number })[] = [];
  /** 429s served so far. */
  served = 0;

  add(rule: RateLimitRule): void {
    this.rules.push({ ...rule, left: rule.times });
  }

  check(method: string, path: string): HttpError | undefined {
    const key = `${method} ${path}`;
    const rule = this.rules.find((r) => r.left > 0 && key.startsWith(r.route));
    if (!rule) return undefined;
    rule.left -= 1;
    this.served += 1;
    const scope = rule.scope ?? (rule.global ? 'global' : 'user');
    const resetAfter = rule.retryAfter.toFixed(3);
    return new HttpError(
      429,
      { message: 'You are being rate limited.', retry_after: rule.retryAfter, global: rule.global ?? false },
      {
        'retry-after': String(Math.ceil(rule.retryAfter)),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': ((Date.now() + rule.retryAfter * 1000) / 1000).toFixed(3),
        'x-ratelimit-reset-after': resetAfter,
        'x-ratelimit-bucket': `fake-${rule.route.replace(/\W+/g, '-')}`,
        'x-ratelimit-scope': scope,
        ...(rule.global ? { 'x-ratelimit-global': 'true' } : {}),
      },
    );
  }
}

/** `/channels/123/messages/456` → `/channels/:id/messages/:id` (tokens too). */
export function routeOf(method: string, path: string): string {
  const shape = path
    .split('/')
    .map((seg, i, all) => (/^\d{5,}$/.test(seg) || (all[i - 2] === 'webhooks' && i > 2) ? ':id' : seg))
    .join('/')
    .replace(/\/interactions\/:id\/[^/]+\/callback/, '/interactions/:id/:token/callback');
  return `${method} ${shape}`;
}
