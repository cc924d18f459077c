/**
 * The fake's HTTP side: Web API methods under `/api/`, the upload URLs handed out by
 * `files.getUploadURLExternal`, the private file host (`url_private_download`, bot token
 * required) and the `response_url`s of commands and clicks.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeEphemeral } from './fake-slack-state.ts';
import { type ApiContext, METHODS, type Params } from './web-api-methods.ts';

export interface RouteConfig {
  api: ApiContext;
  botToken: string;
  appToken: string;
  /** Pending rate limits per method: the next `times` calls answer 429. */
  rateLimits: Map<string, { times: number; retryAfter: number }>;
  /** Pending forced failures per method. */
  failures: Map<string, { times: number; error: string }>;
  /** response_url id → where the answer goes. */
  responseUrls: Map<
    string,
    {
      channel: string;
      user: string;
      uses: number;
      expiresAt: number;
      /** The ephemeral message whose button was clicked: `replace_original` replaces it. */
      ephemeral?: FakeEphemeral;
    }
  >;
}

const MAX_BODY = 2 * 1024 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

/** Parse a Web API call the way Slack accepts them: query string, form-encoded, JSON or multipart. */
async function parseParams(req: IncomingMessage, body: Buffer): Promise<Params> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const out: Params = Object.fromEntries(url.searchParams);
  const type = req.headers['content-type'] ?? '';
  if (body.length === 0) return out;
  if (type.startsWith('application/json'))
    return { ...out, ...(JSON.parse(body.toString('utf8')) as Params) };
  if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://127.0.0.1/', {
      method: 'POST',
      headers: { 'content-type': type },
      body,
    }).formData();
    for (const [k, v] of form) out[k] = v;
    return out;
  }
  return { ...out, ...Object.fromEntries(new URLSearchParams(body.toString('utf8'))) };
}

function bearer(req: IncomingMessage, params: Params): string | undefined {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice('Bearer '.length);
  return typeof params.token === 'string' ? params.token : undefined;
}

/** A secret-free copy of the parameters for the call log. */
function loggable(params: Params): Params {
  const { token: _t, ...rest } = params;
  return rest;
}

async function handleApi(cfg: RouteConfig, method: string, req: IncomingMessage, res: ServerResponse) {
  const state = cfg.api.state;
  const params = await parseParams(req, await readBody(req));
  const record = (status: number, ok: boolean, error?: string) => {
    state.calls.push({
      method,
      params: loggable(params),
      at: Date.now(),
      ok,
      status,
      ...(error ? { error } : {}),
    });
    state.changed();
  };
  const entry = METHODS[method];
  if (!entry) {
    record(404, false, 'unknown_method');
    return send(res, 404, { ok: false, error: 'unknown_method' });
  }
  const token = bearer(req, params);
  const authError = !token
    ? 'not_authed'
    : entry.appToken
      ? token === cfg.appToken
        ? undefined
        : token === cfg.botToken
          ? 'not_allowed_token_type'
          : 'invalid_auth'
      : token === cfg.botToken
        ? undefined
        : 'invalid_auth';
  if (authError) {
    record(200, false, authError);
    return send(res, 200, { ok: false, error: authError });
  }
  const limit = cfg.rateLimits.get(method);
  if (limit && limit.times > 0) {
    limit.times -= 1;
    record(429, false, 'ratelimited');
    return send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limit.retryAfter) });
  }
  const forced = cfg.failures.get(method);
  if (forced && forced.times > 0) {
    forced.times -= 1;
    record(200, false, forced.error);
    return send(res, 200, { ok: false, error: forced.error });
  }
  const answer = entry.run(cfg.api, params);
  record(200, answer.ok, answer.error);
  send(res, 200, answer);
}

async function handleUpload(cfg: RouteConfig, fileId: string, req: IncomingMessage, res: ServerResponse) {
  const state = cfg.api.state;
  const body = await readBody(req);
  const f = state.files.get(fileId);
  if (!f) return send(res, 404, { ok: false, error: 'file_not_found' });
  let data = body;
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://127.0.0.1/', {
      method: 'POST',
      headers: { 'content-type': type },
      body,
    }).formData();
    const file = [...form.values()].find((v): v is File => typeof v !== 'string');
    if (!file) return send(res, 400, { ok: false, error: 'no_file_data' });
    data = Buffer.from(await file.arrayBuffer());
  }
  if (data.length > cfg.api.maxFileBytes) {
    res.writeHead(413, { 'content-type': 'text/plain' });
    return res.end('file too large');
  }
  f.data = data;
  f.size = data.length;
  state.changed();
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(`OK - ${data.length}`);
}

/** `url_private(_download)`: only with the bot token, as on files.slack.com. */
function handleFileDownload(cfg: RouteConfig, fileId: string, req: IncomingMessage, res: ServerResponse) {
  const authorized = req.headers.authorization === `Bearer ${cfg.botToken}`;
  cfg.api.state.fileDownloads.push({ fileId, authorized });
  if (!authorized) {
    res.writeHead(302, { location: `${cfg.api.origin}/?redir=login` });
    return res.end();
  }
  const f = cfg.api.state.files.get(fileId);
  if (!f?.data) {
    res.writeHead(404);
    return res.end();
  }
  res.writeHead(200, { 'content-type': f.mimetype, 'content-length': String(f.data.length) });
  res.end(f.data);
}

async function handleResponseUrl(cfg: RouteConfig, id: string, req: IncomingMessage, res: ServerResponse) {
  const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as Record<string, unknown>;
  const target = cfg.responseUrls.get(id);
  // Slack: a response_url works 5 times within 30 minutes.
  if (!target || target.uses >= 5 || Date.now() > target.expiresAt) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    return res.end('expired_url');
  }
  target.uses += 1;
  const state = cfg.api.state;
  const blocks = Array.isArray(body.blocks) ? (body.blocks as Record<string, unknown>[]) : [];
  const text = typeof body.text === 'string' ? body.text : '';
  if (body.replace_original === true && target.ephemeral) {
    target.ephemeral.text = text;
    target.ephemeral.blocks = blocks;
    target.ephemeral.replaced = (target.ephemeral.replaced ?? 0) + 1;
  } else {
    state.ephemerals.push({ channel: target.channel, user: target.user, text, blocks, via: 'response_url' });
  }
  state.changed();
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok');
}

/** Route one request. Returns false when nothing matched. */
export async function route(cfg: RouteConfig, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  let m = /^\/api\/([A-Za-z.]+)$/.exec(path);
  if (m?.[1]) return handleApi(cfg, m[1], req, res).then(() => true);
  m = /^\/upload\/(F\w+)$/.exec(path);
  if (m?.[1] && req.method === 'POST') return handleUpload(cfg, m[1], req, res).then(() => true);
  m = /^\/files-pri\/[A-Z0-9]+-(F\w+)\//.exec(path);
  if (m?.[1] && req.method === 'GET') {
    handleFileDownload(cfg, m[1], req, res);
    return true;
  }
  m = /^\/respond\/([\w-]+)$/.exec(path);
  if (m?.[1] && req.method === 'POST') return handleResponseUrl(cfg, m[1], req, res).then(() => true);
  return false;
}
