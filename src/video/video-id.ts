/**
 * Video ids come from chat users (`/remix <id>`), so they are checked before they reach a URL.
 */
import { VideoNotFoundError } from './errors.ts';
import { VIDEO_ERROR_MESSAGES as MSG } from './video-error-messages.ts';

// Path separators, dot-segments, whitespace and control characters could steer a request
// to another route; no upstream issues ids like that. A lone `.` is a dot-segment too: URL
// parsing turns `/videos/.` into `/videos/`, the list route.
const SUSPICIOUS = /[/\\\s\u0000-\u001f\u007f]|\.\.|^\.$/;
const MAX_ID_LENGTH = 200;

/** Whether `id` is safe in a path segment (video and character ids alike). */
export function isPlausibleId(id: string): boolean {
  return id.length > 0 && id.length <= MAX_ID_LENGTH && !SUSPICIOUS.test(id);
}

/** Throws {@link VideoNotFoundError} for ids no upstream would issue. */
export function assertVideoId(id: string): void {
  if (!isPlausibleId(id)) throw new VideoNotFoundError(MSG.badId);
}

/** `/videos/{id}` with the id checked and path-encoded; `suffix` like `/remix`. */
export function videoPath(id: string, suffix = ''): string {
  assertVideoId(id);
  return `/videos/${encodeURIComponent(id)}${suffix}`;
}
