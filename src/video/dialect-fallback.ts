/**
 * Reading a refused create or remix as "we guessed the wrong way to write it" rather than
 * "the request itself is bad", and choosing what to try next. Only answers that prove no job
 * was started qualify (4xx before any work), so trying another way never makes two videos.
 */
import { VideoApiError } from './errors.ts';
import type { ResolvedDialect } from './video.ts';

/** `route`: the path is not there; `encoding`: the path is there but did not read our body. */
export type WrongGuess = 'route' | 'encoding';

/** Codes that mean "no such video" rather than "no such route". */
const NOT_FOUND_CODES = new Set(['invalid_video_id', 'video_not_found', 'task_not_exist', 'not_found']);

const ENCODING_WORDS =
  /content[- ]?type|multipart|form[- ]data|application\/json|urlencoded|could not parse/i;
const MISSING_WORDS =
  /\b(missing|required|must be provided|not provided|is empty|must not be empty|cannot be empty|can't be empty)\b/i;
/** Fields we always send: an upstream saying one is missing did not read our body. */
const SENT_FIELDS = /\b(prompt|video_id)\b/i;

/** Whether a refusal says the body was not read (a field we sent is "missing", or the content type). */
export function encodingRefused(err: VideoApiError): boolean {
  if (err.status === 415) return true;
  if (err.status !== 400 && err.status !== 422) return false;
  const text = `${err.upstreamMessage ?? ''} ${err.code ?? ''}`;
  if (ENCODING_WORDS.test(text)) return true;
  return MISSING_WORDS.test(text) && SENT_FIELDS.test(text);
}

/**
 * Whether a 404/405/501 says the route is absent. A 404 carrying a not-found code is about the
 * video; a bare 404 may be either, so the caller checks the video (see `VideoClient.remix`).
 */
export function routeRefused(err: VideoApiError): 'yes' | 'maybe' | 'no' {
  if (err.status === 405 || err.status === 501) return 'yes';
  if (err.status !== 404) return 'no';
  return err.code !== undefined && NOT_FOUND_CODES.has(err.code.toLowerCase()) ? 'no' : 'maybe';
}

/** Whether a raw answer (probing) says the route is absent rather than "no such video". */
export function routeMissingAnswer(status: number, text: string): boolean {
  if (status === 405 || status === 501) return true;
  if (status !== 404) return false;
  const json = text.trim().startsWith('{');
  return !(json && /invalid_video_id|video_not_found|task_not_exist|not[ _]found/i.test(text));
}

type RemixShape = { route: 'path' | 'body'; encoding: 'json' | 'form' };

const REMIX_SHAPES: Readonly<Record<ResolvedDialect, RemixShape>> = {
  openai: { route: 'path', encoding: 'json' },
  gateway: { route: 'path', encoding: 'json' },
  'json-remix-size': { route: 'path', encoding: 'json' },
  'body-remix': { route: 'body', encoding: 'json' },
  form: { route: 'path', encoding: 'form' },
};

/** The distinct remix spellings, in the order worth trying. */
const REMIX_CANDIDATES: readonly ResolvedDialect[] = ['openai', 'form', 'body-remix'];

/**
 * The remix spelling to try after `tried` were refused, the last one as `why`: another route for
 * a missing route, the other encoding on the same route for an unread body. `undefined`: none left.
 */
export function nextRemixDialect(
  tried: readonly ResolvedDialect[],
  why: WrongGuess,
): ResolvedDialect | undefined {
  const last = tried.at(-1);
  if (last === undefined) return undefined;
  const was = REMIX_SHAPES[last];
  const untried = REMIX_CANDIDATES.filter(
    (d) =>
      !tried.some(
        (t) =>
          REMIX_SHAPES[t].route === REMIX_SHAPES[d].route &&
          REMIX_SHAPES[t].encoding === REMIX_SHAPES[d].encoding,
      ),
  );
  const fits = (d: ResolvedDialect) =>
    why === 'route' ? REMIX_SHAPES[d].route !== was.route : REMIX_SHAPES[d].route === was.route;
  return untried.find(fits) ?? (why === 'encoding' ? untried[0] : undefined);
}

/** Whether `err` is an HTTP refusal (so reading it as a wrong guess is possible at all). */
export function isRefusal(err: unknown): err is VideoApiError {
  return err instanceof VideoApiError && err.status !== undefined && err.status >= 400 && err.status < 500;
}
