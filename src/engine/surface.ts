/**
 * What a chat platform implements so the engine can show jobs. The engine never
 * imports discord.js or Bolt; adapters implement this and only translate.
 */
import type { Readable } from 'node:stream';
import type { Job, JobError } from './job.ts';

/** A snapshot of everything a job message shows. */
export interface JobView {
  job: Job;
  /** 1-based position among waiting jobs, when waiting. */
  position?: number;
  /** Jobs waiting in total. */
  queueLength: number;
  /** Rough moment the result should be ready (ms epoch), from recent job durations. */
  etaAt?: number;
  /** ms since the job was accepted. */
  elapsedMs: number;
  /** What the upstream offers to make from a finished video, once known (else neither). */
  offers?: DerivedOffers;
}

/** The upstream routes a finished video can be continued or changed through. */
export interface DerivedOffers {
  extend: boolean;
  edit: boolean;
}

export interface LineageEntry {
  videoId: string;
  prompt?: string;
  /** Requester display name, when the bot made it. */
  requester?: string;
  /** Link to the message showing it on the platform of the job being rendered, when known. */
  link?: string;
  /** Our job id, when the bot made it. */
  jobId?: string;
  /** The result was deleted (its message is gone). */
  deleted?: boolean;
}

export interface DeliveredVideo {
  /** Open a fresh stream of the MP4 (downloaded once to disk; each call re-reads the file). */
  open(): Readable;
  /** Size in bytes of the MP4. */
  bytes: number;
  contentType: string;
  /** Suggested file name, e.g. `reelbot-video_abc.mp4`. */
  fileName: string;
  /** A still image, when the upstream has one. */
  thumbnail?: { data: Buffer; contentType: string; fileName: string };
  /** Newest → root; the first entry is this video itself. */
  lineage: LineageEntry[];
  /**
   * For files too big for the platform: keep the file and return a link where it can be
   * downloaded (served by the bot under `PUBLIC_URL`) until the result expires.
   * Resolves `undefined` when no `PUBLIC_URL` is configured.
   */
  share(): Promise<string | undefined>;
}

/** Publishes a local file under the bot's public URL (implemented by the bot's HTTP server). */
export interface FileShare {
  /** Returns the public link, or `undefined` when sharing is not configured. */
  publish(file: {
    path: string;
    fileName: string;
    contentType: string;
    expiresAt: number;
  }): Promise<string | undefined>;
}

/** Where a posted message lives. */
export interface MessageRef {
  messageRef: string;
  threadRef?: string;
  link?: string;
}

export interface Surface {
  /** Post the job message. Called once per job (again after a crash only if no ref was stored). */
  jobAccepted(view: JobView): Promise<MessageRef>;
  /** Update the job message in place. Throttled and coalesced by the engine. */
  jobProgress(view: JobView): Promise<void>;
  /**
   * Deliver the finished MP4. Resolve only when the platform confirmed the upload
   * (or explained why it could not take the file); reject to be retried with backoff.
   */
  jobCompleted(view: JobView, video: DeliveredVideo): Promise<MessageRef | undefined>;
  /** Show the failure in plain words. */
  jobFailed(view: JobView, error: JobError): Promise<void>;
  /** Show that the job was cancelled, and by whom. */
  jobCancelled(view: JobView, by: { userId: string; displayName: string }): Promise<void>;
  /**
   * The result was deleted by its requester or an admin: remove the job message and the
   * message carrying the video. A message already gone is not an error.
   */
  jobDeleted?(view: JobView): Promise<void>;
}
