/**
 * The routes added to the official API in 2026-03, on the wire: edits and extensions (new
 * videos made from a completed one) and characters. Pure request building, plus how to tell
 * "this upstream has no such route" from "that video does not exist", and the harmless
 * requests that find out which of the routes an upstream has.
 *
 * | call | request |
 * |---|---|
 * | edit | `POST /videos/edits` JSON `{video:{id}, prompt}` (`form`: multipart `video[id]`, `prompt`) |
 * | extend | `POST /videos/extensions` as edit, plus `seconds` (a string) |
 * | create character | `POST /videos/characters` multipart `name` + `video` file |
 * | retrieve character | `GET /videos/characters/{id}` |
 */
import { FormData } from 'undici';
import {
  UnsupportedFeatureError,
  VideoApiError,
  type VideoApiErrorInit,
  VideoNotFoundError,
} from './errors.ts';
import type { CreateCharacterInput, EditVideoInput, ExtendVideoInput, ResolvedDialect } from './video.ts';
import { VIDEO_ERROR_MESSAGES as MSG } from './video-error-messages.ts';
import { isPlausibleId } from './video-id.ts';
import type { HttpMethod, SendOptions } from './video-transport.ts';

type Request = Omit<SendOptions, 'signal'> & { method: HttpMethod };

/** The optional routes, each with the sentence a caller gets (code `<feature>_unsupported`) when the upstream lacks it. */
export const DERIVED_FEATURES = {
  edits: { path: '/videos/edits', message: MSG.editsUnsupported },
  extensions: { path: '/videos/extensions', message: MSG.extensionsUnsupported },
  characters: { path: '/videos/characters', message: MSG.charactersUnsupported },
} as const;

export type DerivedFeature = keyof typeof DERIVED_FEATURES;

/** JSON for most dialects; `form` takes only multipart, nested fields spelled as the SDK does. */
function derivedBody(dialect: ResolvedDialect, path: string, fields: Record<string, string>): Request {
  const { id, ...rest } = fields;
  if (dialect !== 'form') return { method: 'POST', path, json: { video: { id }, ...rest } };
  const form = new FormData();
  form.set('video[id]', id ?? '');
  for (const [k, v] of Object.entries(rest)) form.set(k, v);
  return { method: 'POST', path, form };
}

export function editRequest(dialect: ResolvedDialect, input: EditVideoInput): Request {
  return derivedBody(dialect, DERIVED_FEATURES.edits.path, { id: input.videoId, prompt: input.prompt });
}

export function extendRequest(dialect: ResolvedDialect, input: ExtendVideoInput): Request {
  return derivedBody(dialect, DERIVED_FEATURES.extensions.path, {
    id: input.videoId,
    prompt: input.prompt,
    // Official API wants a string, as for create.
    seconds: String(input.seconds),
  });
}

/** Always multipart: the clip travels as a file. */
export function createCharacterRequest(input: CreateCharacterInput): Request {
  const form = new FormData();
  form.set('name', input.name.trim());
  const { data, contentType, fileName } = input.video;
  form.set('video', new Blob([new Uint8Array(data)], { type: contentType }), fileName);
  return { method: 'POST', path: DERIVED_FEATURES.characters.path, form };
}

/** `/videos/characters/{id}`, the id checked and path-encoded. */
export function characterPath(id: string): string {
  if (!isPlausibleId(id)) throw new VideoNotFoundError(MSG.badCharacterId);
  return `${DERIVED_FEATURES.characters.path}/${encodeURIComponent(id)}`;
}

/** Codes that say the thing asked about is missing, not the route. */
const MISSING_THING = /not_found|not_exist|invalid_\w*_id/i;

/**
 * Whether a refusal means the upstream has no such route: 405/501, or a 404 that does not
 * name a missing video or character (an "Invalid URL" envelope, a bare text 404).
 */
export function isRouteMissing(err: unknown): boolean {
  if (!(err instanceof VideoApiError)) return false;
  if (err.status === 405 || err.status === 501) return true;
  return err.status === 404 && !MISSING_THING.test(err.code ?? '');
}

/**
 * Run `call`; a missing route becomes a clear `<feature>_unsupported` error. A bare 404 (no
 * error code) may also be some vendors' way of saying the source is unknown, so when
 * `sourceKnown` is given it is asked first (it throws when it is the video that is missing).
 */
export async function offered<T>(
  feature: DerivedFeature,
  call: () => Promise<T>,
  sourceKnown?: () => Promise<unknown>,
): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!isRouteMissing(err)) throw err;
    const missing = err as VideoApiError;
    if (missing.status === 404 && missing.code === undefined) await sourceKnown?.();
    throw new UnsupportedFeatureError(feature, DERIVED_FEATURES[feature].message, {
      ...whereOf(missing),
      cause: err,
    });
  }
}

/** A 404 about a character says so (the generic not-found sentence is about videos). */
export function characterError(err: unknown): unknown {
  if (!(err instanceof VideoNotFoundError) || isRouteMissing(err)) return err;
  const init: VideoApiErrorInit = { ...whereOf(err), cause: err };
  if (err.code !== undefined) init.code = err.code;
  if (err.upstreamMessage !== undefined) init.upstreamMessage = err.upstreamMessage;
  return new VideoNotFoundError(MSG.characterNotFound, init);
}

/** Where a failed call went, copied onto the clearer error that replaces it. */
function whereOf(err: VideoApiError): VideoApiErrorInit {
  const init: VideoApiErrorInit = {};
  if (err.method !== undefined) init.method = err.method;
  if (err.url !== undefined) init.url = err.url;
  if (err.status !== undefined) init.status = err.status;
  if (err.requestId !== undefined) init.requestId = err.requestId;
  return init;
}

/** Sends one harmless request and says whether it reached a real route. */
export type RouteCheck = (request: Request) => Promise<boolean>;

/**
 * Which of the routes the upstream has, each found by a POST with an empty body: any server
 * refuses it at validation (route there) or answers 404/405 (route missing); nothing is made.
 */
export async function derivedCapabilities(answers: RouteCheck): Promise<Record<DerivedFeature, boolean>> {
  const found = {} as Record<DerivedFeature, boolean>;
  for (const feature of Object.keys(DERIVED_FEATURES) as DerivedFeature[]) {
    found[feature] = await answers({ method: 'POST', path: DERIVED_FEATURES[feature].path, json: {} });
  }
  return found;
}
