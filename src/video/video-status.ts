/**
 * Status words used by `/v1/videos` servers, mapped onto our closed set.
 * Gateways (new-api, LiteLLM) and resellers each spell states their own way and in any case.
 */
import type { VideoStatus } from './video.ts';

const SYNONYMS: Readonly<Record<VideoStatus, readonly string[]>> = {
  queued: ['queued', 'pending', 'submitted', 'not_start', 'preparing', 'created', 'starting', 'waiting'],
  // new-api reports `unknown` between queued and running: still going, not a failure.
  in_progress: ['processing', 'in_progress', 'running', 'generating', 'in-progress', 'unknown'],
  completed: ['completed', 'complete', 'success', 'succeeded', 'finished', 'done'],
  failed: ['failed', 'failure', 'fail', 'error'],
  cancelled: ['cancelled', 'canceled'],
  expired: ['expired'],
};

const BY_WORD: ReadonlyMap<string, VideoStatus> = new Map(
  Object.entries(SYNONYMS).flatMap(([status, words]) =>
    words.map((w) => [w, status as VideoStatus] as const),
  ),
);

/**
 * Map an upstream status word to a {@link VideoStatus}.
 * An unknown word never throws: it becomes `in_progress` so the poller keeps backing off
 * instead of failing a job over a new vendor spelling (the raw word is kept on the Video).
 */
export function toVideoStatus(raw: string): { status: VideoStatus; known: boolean } {
  const status = BY_WORD.get(raw.trim().toLowerCase().replace(/\s+/g, '_'));
  return status === undefined ? { status: 'in_progress', known: false } : { status, known: true };
}
