/**
 * Remix and download need a finished, unexpired video; when we already hold its state we
 * refuse locally instead of spending a request (or credit) to hear the same from the upstream.
 */
import { SourceExpiredError, SourceNotCompletedError } from './errors.ts';
import type { Video } from './video.ts';
import { VIDEO_ERROR_MESSAGES as MSG } from './video-error-messages.ts';

/** Throws {@link SourceExpiredError} or {@link SourceNotCompletedError} unless `video` is completed. */
export function assertCompleted(video: Video): Video {
  if (video.status === 'expired') throw new SourceExpiredError(MSG.expired);
  if (video.status !== 'completed') throw new SourceNotCompletedError(MSG.notCompleted);
  return video;
}
