/**
 * Video ids on their way into a URL. Upstreams issue ids of many shapes (`video_<hex>`,
 * `task_…`, `job-…`, `sora-2:task_…`, LiteLLM's `video_` + base64 of a provider path with
 * `/ + =`, 200-300 chars), so any printable id is accepted and path-escaped when sent. Ids a
 * person typed get a stricter look ({@link assertUserVideoId}) before they reach the engine.
 */
import { VideoNotFoundError } from './errors.ts';
import { VIDEO_ERROR_MESSAGES as MSG } from './video-error-messages.ts';

export const MAX_VIDEO_ID_LENGTH = 1024;

// Control characters are never part of an id. A lone `.` or `..` stays a dot-segment even
// escaped (encodeURIComponent leaves dots alone): `/videos/..` would become `/`.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f]/;
const DOT_SEGMENT = /^\.\.?$/;

/** Whether `id` is safe in a path segment once escaped (video and character ids alike). */
export function isPlausibleId(id: string): boolean {
  return !(
    id.length === 0 ||
    id.length > MAX_VIDEO_ID_LENGTH ||
    UNPRINTABLE.test(id) ||
    DOT_SEGMENT.test(id)
  );
}

/** Throws {@link VideoNotFoundError} for ids no upstream would issue. */
export function assertVideoId(id: string): void {
  if (!isPlausibleId(id)) throw new VideoNotFoundError(MSG.badId);
}

// What ids people paste are made of: letters, digits and `_ - . : + / =` (base64 included).
const USER_ID_CHARS = /^[A-Za-z0-9_\-.:+/=]+$/;
// Path tricks: dot-segments anywhere (for servers that decode `%2F` before routing) and a leading
// slash. Base64 ids may hold `//` or end in `/`, so those are not tricks.
const PATH_TRICKS = /(^|\/)\.\.?(\/|$)|^\//;

/**
 * For ids typed by a person (`/remix <id>`): only the characters ids are made of, and nothing
 * that reads as a path (`../`, `//`, a leading slash), even though the id is escaped when sent.
 */
export function assertUserVideoId(id: string): void {
  assertVideoId(id);
  if (!USER_ID_CHARS.test(id) || PATH_TRICKS.test(id)) throw new VideoNotFoundError(MSG.badId);
}

/** {@link assertUserVideoId} as a test, for adapters that answer the person themselves. */
export function isUserVideoId(id: string): boolean {
  try {
    assertUserVideoId(id);
    return true;
  } catch {
    return false;
  }
}

/** `/videos/{id}` with the id checked and path-escaped (`/`, `+`, `=` included); `suffix` like `/remix`. */
export function videoPath(id: string, suffix = ''): string {
  assertVideoId(id);
  return `/videos/${encodeURIComponent(id)}${suffix}`;
}
