/**
 * One request from arrival to answer: count it, apply any armed fault, check
 * the key, run the route, and write the answer (possibly cut short).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sleep } from '../async/sleep.ts';
import type { FaultAction, FaultController } from './fault-controller.ts';
import { parseBody, readBody } from './request-body.ts';
import { ROUTE_HANDLERS } from './route-handlers.ts';
import { matchRoute, type RouteMatch } from './route-table.ts';
import type { SimContext } from './sim-context.ts';
import { SimError } from './sim-error.ts';
import { jsonResponse, type SimResponse, sendResponse, textResponse } from './sim-response.ts';
import type { RequestRecord } from './simulator-stats.ts';

export interface PipelineEnv {
  readonly ctx: SimContext;
  readonly faults: FaultController;
  /** Aborted when the simulator closes: ends `delay` faults early. */
  readonly closing: AbortSignal;
}

/** Broken on purpose: valid start, cut off mid-object. */
const MALFORMED_JSON = '{"id": "video_malformed", "object": "video", "status": "in_pro';

export async function serveRequest(
  env: PipelineEnv,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { ctx } = env;
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://simulator.invalid');
  const match = matchRoute(method, url.pathname, {
    dialect: ctx.dialect,
    remix: ctx.options.remix,
    contentEndpoint: ctx.options.contentEndpoint,
    editRoutes: ctx.options.editRoutes,
  });
  const record = ctx.stats.recordRequest({
    route: match?.route ?? 'other',
    method,
    videoId: match?.videoId,
    at: Date.now(),
    status: undefined,
    fault: undefined,
  });
  const fault = match ? env.faults.take(match.route, match.videoId) : undefined;
  record.fault = fault?.kind;
  if (fault?.kind === 'reset') {
    req.socket.destroy();
    return;
  }
  let truncateAfter: number | undefined;
  try {
    const raw =
      method === 'GET' || method === 'DELETE'
        ? Buffer.alloc(0)
        : await readBody(req, ctx.options.maxBodyBytes);
    if (fault?.kind === 'hang') return; // the socket stays open until the client or close() ends it
    // Closing the simulator ends an injected delay at once (as an abort, like any cut request).
    if (fault?.kind === 'delay' && !(await sleep(fault.ms, env.closing))) throw env.closing.reason;
    const faulted = faultResponse(ctx, fault);
    if (fault?.kind === 'truncate') truncateAfter = fault.afterBytes;
    const response = faulted ?? (await routeResponse(ctx, req, url, match, raw, record));
    finish(res, record, response, truncateAfter);
  } catch (err) {
    if (env.closing.aborted) return;
    finish(res, record, errorResponse(ctx, toSimError(ctx, err)), truncateAfter);
  }
}

function finish(
  res: ServerResponse,
  record: RequestRecord,
  response: SimResponse,
  truncateAfter?: number,
): void {
  if (res.destroyed || res.headersSent) return;
  record.status = response.status;
  response.headers['x-request-id'] ??= `req_${randomBytes(12).toString('hex')}`;
  sendResponse(res, response, truncateAfter);
}

function faultResponse(ctx: SimContext, fault: FaultAction | undefined): SimResponse | undefined {
  if (fault?.kind === 'malformed-json') {
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(MALFORMED_JSON),
    };
  }
  if (fault?.kind !== 'status') return undefined;
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
  const code = FAULT_CODES[fault.status] ?? 'server_error';
  return errorResponse(
    ctx,
    new SimError(fault.status, `Simulated ${fault.status} (${code}).`, { code, headers }),
  );
}

const FAULT_CODES: Record<number, string> = {
  408: 'request_timeout',
  429: 'rate_limit_exceeded',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

async function routeResponse(
  ctx: SimContext,
  req: IncomingMessage,
  url: URL,
  match: RouteMatch | undefined,
  raw: Buffer,
  record: RequestRecord,
): Promise<SimResponse> {
  if (!match) {
    throw new SimError(404, `Invalid URL (${req.method} ${url.pathname})`, { code: null });
  }
  const owner = match.route === 'asset' ? 'asset' : authenticate(ctx, req);
  const body = await parseBody(raw, req.headers['content-type']);
  const result = await ROUTE_HANDLERS[match.route](ctx, { owner, url, body, videoId: match.videoId });
  if (result.jobId !== undefined) record.videoId = result.jobId;
  return result.response;
}

/** The caller's key, checked in constant time; returns a digest naming the key's owner. */
function authenticate(ctx: SimContext, req: IncomingMessage): string {
  const header = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1];
  const presented = bearer ?? (ctx.dialect.acceptsBareKey ? header : '');
  const got = Buffer.from(presented.trim());
  // Every accepted key is compared (no early exit), so timing says nothing about which matched.
  let match: Buffer | undefined;
  for (const key of [ctx.options.apiKey, ...ctx.options.extraApiKeys]) {
    const want = Buffer.from(key);
    if (got.length === want.length && timingSafeEqual(got, want)) match = want;
  }
  if (!match) throw unauthorized();
  return createHash('sha256').update(match).digest('hex').slice(0, 16);
}

/** Same body in every dialect; never echoes the key that was sent. */
function unauthorized(): SimError {
  return new SimError(401, 'Incorrect API key provided', { code: 'invalid_api_key' });
}

function toSimError(ctx: SimContext, err: unknown): SimError {
  if (err instanceof SimError) return err;
  ctx.options.logger.error('simulator route failed', { err });
  return new SimError(500, 'The simulator failed to handle the request.', { code: 'internal_error' });
}

export function errorResponse(ctx: SimContext, error: SimError): SimResponse {
  if (error.plainText) return withHeaders(textResponse(error.status, error.message), error.headers);
  const body =
    error.code === 'invalid_api_key'
      ? { error: { message: error.message, type: 'invalid_request_error', code: 'invalid_api_key' } }
      : ctx.dialect.errorBody(error);
  return jsonResponse(error.status, body, error.headers);
}

function withHeaders(response: SimResponse, headers: Record<string, string>): SimResponse {
  return { ...response, headers: { ...response.headers, ...headers } };
}
