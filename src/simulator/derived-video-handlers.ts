/**
 * The routes added to the official API in 2026-03: `POST /videos/edits` and
 * `POST /videos/extensions` (new videos made from a completed one), and
 * `POST /videos/characters` / `GET /videos/characters/{id}`. Bodies come as JSON
 * (`{video:{id}}`) or as multipart the way the official SDK sends them (`video[id]`).
 */
import type { SimCharacter } from './character-store.ts';
import { MAX_PROMPT_CHARS, parsePrompt, parseSeconds } from './create-request.ts';
import { unixSeconds } from './dialects/dialect-profile.ts';
import type { SimRoute } from './fault-controller.ts';
import type { ParsedBody } from './request-body.ts';
import type { SimContext } from './sim-context.ts';
import { invalidParameter, SimError } from './sim-error.ts';
import { jsonResponse } from './sim-response.ts';
import {
  addDerivedJob,
  type Handler,
  type HandlerResult,
  type RouteRequest,
  requireCompletedSource,
  requireMultipart,
  videoResponse,
} from './video-handlers.ts';

/** The official limit on a character's name. */
export const MAX_CHARACTER_NAME_CHARS = 80;

export type DerivedRoute = Extract<SimRoute, 'edit' | 'extend' | 'create-character' | 'retrieve-character'>;

export const DERIVED_VIDEO_HANDLERS: Readonly<Record<DerivedRoute, Handler>> = {
  edit: handleEdit,
  extend: handleExtend,
  'create-character': handleCreateCharacter,
  'retrieve-character': handleRetrieveCharacter,
};

/** `video: {id}` in JSON, `video[id]` in a form; an uploaded file is refused clearly. */
function sourceIdOf(body: ParsedBody): string {
  if (body.files.has('video')) {
    throw invalidParameter(
      'video',
      'The simulator only edits and extends videos it made: send video[id] instead of a file.',
    );
  }
  const nested = body.fields.video;
  const id =
    typeof nested === 'object' && nested !== null
      ? (nested as { id?: unknown }).id
      : body.fields['video[id]'];
  if (id === undefined || id === null || id === '') {
    throw invalidParameter('video', "Missing required parameter: 'video' (an object with the source's id).");
  }
  if (typeof id !== 'string') throw invalidParameter('video', 'video.id must be a string.');
  return id;
}

async function handleEdit(ctx: SimContext, req: RouteRequest): Promise<HandlerResult> {
  const body = requireMultipart(ctx, 'edit', req.body);
  const sourceId = sourceIdOf(body);
  const prompt = parsePrompt(body.fields.prompt, MAX_PROMPT_CHARS);
  const source = requireCompletedSource(ctx, sourceId, { param: 'video', verb: 'edited' });
  return videoResponse(ctx, addDerivedJob(ctx, req.owner, source, { kind: 'edit', prompt }));
}

/** The new video is the source plus `seconds` more: its `seconds` is the stitched total. */
async function handleExtend(ctx: SimContext, req: RouteRequest): Promise<HandlerResult> {
  const body = requireMultipart(ctx, 'extend', req.body);
  const sourceId = sourceIdOf(body);
  const prompt = parsePrompt(body.fields.prompt, MAX_PROMPT_CHARS);
  if (body.fields.seconds === undefined) {
    throw invalidParameter('seconds', "Missing required parameter: 'seconds' (how many seconds to add).");
  }
  const added = parseSeconds(body.fields.seconds);
  const source = requireCompletedSource(ctx, sourceId, { param: 'video', verb: 'extended' });
  const job = addDerivedJob(ctx, req.owner, source, {
    kind: 'extension',
    prompt,
    seconds: source.seconds + added,
  });
  return videoResponse(ctx, job);
}

/** ISO BMFF (MP4, MOV): a `ftyp` box first. */
function looksLikeVideo(data: Buffer): boolean {
  return data.length >= 12 && data.toString('latin1', 4, 8) === 'ftyp';
}

function parseCharacterName(value: unknown): string {
  if (value === undefined || value === null)
    throw invalidParameter('name', "Missing required parameter: 'name'.");
  if (typeof value !== 'string') throw invalidParameter('name', 'name must be a string.');
  const name = value.trim();
  if (name === '') throw invalidParameter('name', 'name must not be empty.');
  if ([...name].length > MAX_CHARACTER_NAME_CHARS) {
    throw invalidParameter(
      'name',
      `name is too long: at most ${MAX_CHARACTER_NAME_CHARS} characters are allowed.`,
    );
  }
  return name;
}

function characterWire(character: SimCharacter): Record<string, unknown> {
  return { id: character.id, name: character.name, created_at: unixSeconds(character.createdAtMs) };
}

function handleCreateCharacter(ctx: SimContext, req: RouteRequest): HandlerResult {
  const name = parseCharacterName(req.body.fields.name);
  const video = req.body.files.get('video');
  if (!video) {
    throw invalidParameter('video', 'video must be an uploaded video file (multipart/form-data).');
  }
  if (!looksLikeVideo(video.data)) {
    throw invalidParameter('video', 'video must be an MP4 or MOV file (the upload is not one).');
  }
  let id = `char_${ctx.rng.hex(24)}`;
  while (ctx.characters.get(id)) id = `char_${ctx.rng.hex(24)}`;
  const character = ctx.characters.add({ id, name, createdAtMs: Date.now() });
  return { response: jsonResponse(200, characterWire(character)) };
}

function handleRetrieveCharacter(ctx: SimContext, req: RouteRequest): HandlerResult {
  const character = req.videoId === undefined ? undefined : ctx.characters.get(req.videoId);
  if (!character) {
    throw new SimError(404, `Character with id '${req.videoId ?? ''}' not found.`, {
      code: 'character_not_found',
      param: 'character_id',
    });
  }
  return { response: jsonResponse(200, characterWire(character)) };
}
