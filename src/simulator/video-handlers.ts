/**
 * The `/v1/videos` routes, dialect-neutral: each validates, acts on the job
 * board and returns a response value; dialect differences come from the profile.
 */

import { parseCreateRequest, parsePrompt, parseSize } from './create-request.ts';
import type { SimRoute } from './fault-controller.ts';
import { MEDIA_CONTENT_TYPES, type MediaVariant } from './media-cache.ts';
import type { ParsedBody } from './request-body.ts';
import { assetSignatureValid, findJob, type SimContext, wireVideo } from './sim-context.ts';
import { invalidParameter, SimError } from './sim-error.ts';
import { type SimChangeKind, type SimJob, statusOf, steeringFor } from './sim-job.ts';
import { bytesResponse, jsonResponse, type SimResponse } from './sim-response.ts';

export interface RouteRequest {
  /** Digest of the caller's key (concurrency is counted per key). */
  owner: string;
  url: URL;
  body: ParsedBody;
  videoId: string | undefined;
}

export interface HandlerResult {
  response: SimResponse;
  /** The job the request created or read, for stats. */
  jobId?: string;
}

export type Handler = (ctx: SimContext, req: RouteRequest) => Promise<HandlerResult> | HandlerResult;

/** The routes of the first `/v1/videos` release (the 2026 ones are in `derived-video-handlers.ts`). */
export type VideoRoute = Extract<
  SimRoute,
  'create' | 'retrieve' | 'list' | 'delete' | 'remix' | 'content' | 'asset'
>;

export const VIDEO_HANDLERS: Readonly<Record<VideoRoute, Handler>> = {
  create: handleCreate,
  retrieve: handleRetrieve,
  list: handleList,
  delete: handleDelete,
  remix: handleRemix,
  content: handleContent,
  asset: handleAsset,
};

export async function videoResponse(ctx: SimContext, job: SimJob, status = 200): Promise<HandlerResult> {
  const headers: Record<string, string> = {};
  if (ctx.options.pollAfterMs !== undefined)
    headers['openai-poll-after-ms'] = String(ctx.options.pollAfterMs);
  return { response: jsonResponse(status, await wireVideo(ctx, job), headers), jobId: job.id };
}

/**
 * The body as a multipart-only route reads it: refused (415), or read as an empty form. Edits and
 * extensions follow the dialect's remix rule (they are remix's successors).
 */
export function requireMultipart(
  ctx: SimContext,
  route: 'create' | 'remix' | 'edit' | 'extend',
  body: ParsedBody,
): ParsedBody {
  const rule = route === 'edit' || route === 'extend' ? 'remix' : route;
  if (!ctx.dialect.multipartOnly.includes(rule) || body.kind === 'multipart') return body;
  if (ctx.dialect.otherBodies === 'read-as-form') return { kind: 'empty', fields: {}, files: new Map() };
  throw new SimError(415, 'Content-Type must be multipart/form-data', {
    code: 'unsupported_content_type',
  });
}

/** With `overLimit: 'reject'`, a key at its limit is refused like real resellers do. */
function checkConcurrency(ctx: SimContext, owner: string): void {
  if (ctx.options.overLimit !== 'reject') return;
  if (ctx.board.activeCount(owner) < ctx.options.concurrencyPerKey) return;
  const retryAfter = ctx.board.secondsUntilSlot(owner);
  throw new SimError(
    429,
    `Too many concurrent video jobs: at most ${ctx.options.concurrencyPerKey} may be queued or in progress per key.`,
    { code: 'rate_limit_exceeded', headers: { 'retry-after': String(retryAfter) } },
  );
}

async function handleCreate(ctx: SimContext, req: RouteRequest): Promise<HandlerResult> {
  const params = await parseCreateRequest(requireMultipart(ctx, 'create', req.body));
  checkConcurrency(ctx, req.owner);
  const steering = steeringFor(params.prompt);
  const job = ctx.board.add({
    id: newJobId(ctx),
    owner: req.owner,
    model: params.model,
    prompt: params.prompt,
    size: params.size,
    width: params.width,
    height: params.height,
    seconds: params.seconds,
    remixedFromVideoId: undefined,
    rootPrompt: params.prompt,
    remixPrompts: [],
    hasInputReference: params.hasInputReference,
    outcome: steering.outcome,
    slowFactor: steering.slowFactor,
  });
  return videoResponse(ctx, job, ctx.dialect.createStatus);
}

/** A new id; redrawn in the (vanishingly unlikely) case a job restored from disk has it. */
function newJobId(ctx: SimContext): string {
  let id = ctx.dialect.newId(ctx.rng);
  while (findJob(ctx, id)) id = ctx.dialect.newId(ctx.rng);
  return id;
}

function requireJob(ctx: SimContext, id: string | undefined): SimJob {
  const job = findJob(ctx, id);
  if (!job) {
    if (ctx.dialect.unknownId) throw ctx.dialect.unknownId(id ?? '');
    throw new SimError(404, `Video with id '${id ?? ''}' not found.`, {
      code: 'invalid_video_id',
      param: 'id',
    });
  }
  return job;
}

function handleRetrieve(ctx: SimContext, req: RouteRequest): Promise<HandlerResult> {
  return videoResponse(ctx, requireJob(ctx, req.videoId));
}

async function handleList(ctx: SimContext, req: RouteRequest): Promise<HandlerResult> {
  const q = req.url.searchParams;
  const order = q.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw invalidParameter('order', "order must be 'asc' or 'desc'.");
  const limitText = q.get('limit') ?? '20';
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw invalidParameter('limit', 'limit must be an integer between 1 and 100.');
  }
  let jobs = ctx.board.all();
  if (order === 'desc') jobs.reverse();
  const after = q.get('after');
  if (after) {
    const index = jobs.findIndex((j) => j.id === after);
    if (index < 0) throw invalidParameter('after', `No video with id '${after}' to list after.`);
    jobs = jobs.slice(index + 1);
  }
  const page = jobs.slice(0, limit);
  const data: Record<string, unknown>[] = [];
  for (const job of page) data.push(await wireVideo(ctx, job));
  return {
    response: jsonResponse(200, {
      object: 'list',
      data,
      first_id: page[0]?.id ?? null,
      last_id: page.at(-1)?.id ?? null,
      has_more: jobs.length > limit,
    }),
  };
}

function handleDelete(ctx: SimContext, req: RouteRequest): HandlerResult {
  const job = requireJob(ctx, req.videoId);
  ctx.board.remove(job.id);
  return {
    response: jsonResponse(200, { id: job.id, object: 'video.deleted', deleted: true }),
    jobId: job.id,
  };
}

function requireRemixSource(ctx: SimContext, id: string | undefined): SimJob {
  if (!findJob(ctx, id) && ctx.dialect.plainNotFoundOnRemix)
    throw new SimError(404, '404 page not found', { code: null, plainText: true });
  return requireCompletedSource(ctx, id, { param: 'video_id', verb: 'remixed' });
}

/** The source of a remix, edit or extension: known, completed and not expired. */
export function requireCompletedSource(
  ctx: SimContext,
  id: string | undefined,
  how: { param: string; verb: string },
): SimJob {
  const source = requireJob(ctx, id);
  const status = statusOf(source, Date.now());
  if (status === 'expired') {
    throw new SimError(400, `The source video has expired and can no longer be ${how.verb}.`, {
      code: 'video_expired',
      param: how.param,
    });
  }
  if (status !== 'completed') {
    throw new SimError(
      400,
      `The source video is not completed (status: ${status}); only completed videos can be ${how.verb}.`,
      { code: 'video_not_completed', param: how.param },
    );
  }
  return source;
}

export interface Derivation {
  kind: SimChangeKind;
  prompt: string;
  /** @default the source's */
  dims?: { size: string; width: number; height: number };
  /** @default the source's */
  seconds?: number;
}

/**
 * A new job made from a completed source (remix, edit, extension): it inherits the model,
 * size and seconds unless told otherwise, records the source for lineage, and adds its
 * change to the chain written on the card.
 */
export function addDerivedJob(ctx: SimContext, owner: string, source: SimJob, change: Derivation): SimJob {
  checkConcurrency(ctx, owner);
  const steering = steeringFor(change.prompt);
  const kinds = source.changeKinds ?? [];
  const earlier = source.remixPrompts.map((_, i) => kinds[i] ?? 'remix');
  return ctx.board.add({
    id: newJobId(ctx),
    owner,
    model: source.model,
    prompt: change.prompt,
    ...(change.dims ?? { size: source.size, width: source.width, height: source.height }),
    seconds: change.seconds ?? source.seconds,
    remixedFromVideoId: source.id,
    rootPrompt: source.rootPrompt,
    remixPrompts: [...source.remixPrompts, change.prompt],
    // Remix-only chains keep the old shape (no kinds), as jobs saved before edits existed.
    ...(change.kind === 'remix' && kinds.length === 0 ? {} : { changeKinds: [...earlier, change.kind] }),
    hasInputReference: false,
    outcome: steering.outcome,
    slowFactor: steering.slowFactor,
  });
}

async function handleRemix(ctx: SimContext, req: RouteRequest): Promise<HandlerResult> {
  const { fields } = requireMultipart(ctx, 'remix', req.body);
  let sourceId = req.videoId;
  if (ctx.dialect.remixRoute === 'body') {
    if (typeof fields.video_id !== 'string' || fields.video_id === '') {
      throw invalidParameter('video_id', "Missing required parameter: 'video_id'.");
    }
    sourceId = fields.video_id;
  }
  const source = requireRemixSource(ctx, sourceId);
  const prompt = parsePrompt(fields.prompt, ctx.dialect.remixPromptMax);
  const job = addDerivedJob(ctx, req.owner, source, {
    kind: 'remix',
    prompt,
    ...(ctx.dialect.remixTakesSize && fields.size !== undefined ? { dims: parseSize(fields.size) } : {}),
  });
  return videoResponse(ctx, job);
}

function expiredError(): SimError {
  return new SimError(410, 'The video has expired; its content is no longer available.', {
    code: 'video_expired',
  });
}

function handleContent(ctx: SimContext, req: RouteRequest): Promise<HandlerResult> {
  const job = requireJob(ctx, req.videoId);
  const variant = ctx.dialect.contentIgnoresVariant
    ? 'video'
    : (req.url.searchParams.get('variant') ?? 'video');
  if (!(variant in MEDIA_CONTENT_TYPES)) {
    throw invalidParameter('variant', "variant must be one of 'video', 'thumbnail', 'spritesheet'.");
  }
  const status = statusOf(job, Date.now());
  if (status === 'expired') throw expiredError();
  if (status !== 'completed') {
    throw new SimError(400, `Video is not completed yet (status: ${status}).`, {
      code: 'video_not_completed',
    });
  }
  return mediaResult(ctx, job, variant as MediaVariant);
}

/** The CDN-style link: no key, but a signature bound to the id. */
function handleAsset(ctx: SimContext, req: RouteRequest): Promise<HandlerResult> {
  const job = findJob(ctx, req.videoId);
  if (!job || !assetSignatureValid(ctx, job.id, req.url.searchParams.get('sig'))) {
    throw new SimError(404, 'The file does not exist or the link is invalid.', { code: 'not_found' });
  }
  const status = statusOf(job, Date.now());
  if (status === 'expired') throw expiredError();
  if (status !== 'completed') throw new SimError(404, 'The file does not exist yet.', { code: 'not_found' });
  return mediaResult(ctx, job, 'video');
}

async function mediaResult(ctx: SimContext, job: SimJob, variant: MediaVariant): Promise<HandlerResult> {
  const bytes = await ctx.media.get(job, variant);
  return { response: bytesResponse(MEDIA_CONTENT_TYPES[variant], bytes), jobId: job.id };
}
