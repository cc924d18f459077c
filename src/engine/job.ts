/**
 * The durable job record. Every transition is written to the store before it is shown.
 */

export const JOB_STATES = [
  'waiting',
  'submitted',
  'in_progress',
  'completed',
  'delivered',
  'failed',
  'cancelled',
  'expired',
] as const;
export type JobState = (typeof JOB_STATES)[number];

/** States from which nothing more happens. */
export const TERMINAL_JOB_STATES: ReadonlySet<JobState> = new Set([
  'delivered',
  'failed',
  'cancelled',
  'expired',
]);

export type Platform = 'discord' | 'slack' | 'cli';

export interface Requester {
  platform: Platform;
  userId: string;
  displayName: string;
}

/** Where a job's message lives. `messageRef` is set once the surface posted it. */
export interface JobPlace {
  platform: Platform;
  /** Discord guild id, Slack team id, `cli` for the CLI. */
  workspaceId: string;
  channelId: string;
  /** Platform message id (Discord message id, Slack `ts`). */
  messageRef?: string;
  /** Slack thread `ts` the job message was posted in (remixes go into their source's thread). */
  threadRef?: string;
  /** A link to the message, once known (Discord jump link, Slack permalink). */
  link?: string;
  /** The requester's locale (`en-US`, `zh-CN`, ...), for rendering. */
  locale?: string;
  /**
   * The message this job's message belongs with (a later variant: the first variant's message).
   * Discord answers it with a reply; Slack posts into its thread.
   */
  replyTo?: string;
}

/** Who caused a failure: only `user` failures are charged. */
export type Blame = 'user' | 'upstream' | 'bot';

/** Every way a job can fail (each has a message in the catalogue). */
export const JOB_ERROR_CODES = [
  'content_policy',
  'invalid_parameter',
  'source_expired',
  'source_not_found',
  'upstream_unauthorized',
  'upstream_down',
  'upstream_no_answer',
  'generation_failed',
  'timeout',
  'expired',
  'upstream_lost',
  'setting_refused',
  'dialect_mismatch',
  'unsupported',
] as const;
export type JobErrorCode = (typeof JOB_ERROR_CODES)[number];

export interface JobError {
  /**
   * Stable machine code, one of {@link JOB_ERROR_CODES}. Typed as string: a job stored by
   * another version may carry a code this one does not know (it then shows `message`).
   */
  code: JobErrorCode | (string & {});
  /** The figures behind the failure, for the message. */
  values?: {
    /** The upstream's HTTP status, when it answered with an error. */
    status?: number;
    /** The upstream's own explanation, where it helps the user (a refused parameter). */
    detail?: string;
    /** content_policy: what the upstream refused, when it said so. */
    subject?: 'prompt' | 'image';
  };
  /**
   * English sentence written by versions before the catalogue; kept on stored jobs and shown
   * only for a code the catalogue does not know. New errors never set it.
   */
  message?: string;
  /** The user's own input caused it (no refund). */
  userFault: boolean;
  /**
   * Who caused it: the user (charged), the upstream, or the bot and its fit with the upstream
   * (refunded). Absent on errors stored before it existed; read it with `blameOf`.
   */
  blame?: Blame;
}

export interface JobImage {
  /** File under the engine's data dir holding the already-fitted image. */
  path: string;
  contentType: 'image/png' | 'image/jpeg' | 'image/webp';
  fileName: string;
  bytes: number;
}

export interface Job {
  /** Our id, `job_<time><random>`; stable across restarts. */
  id: string;
  /**
   * How the video is made: from a prompt, or from a finished video (`parentVideoId`): a remix,
   * an extension (`seconds` is what it adds, and what is charged) or an edit.
   */
  kind: 'create' | 'remix' | 'extend' | 'edit';
  state: JobState;
  requester: Requester;
  place: JobPlace;
  prompt: string;
  model: string;
  size: string;
  seconds: number;
  image?: JobImage;
  /** Remix, extension, edit: the upstream id of the source video. */
  parentVideoId?: string;
  /** Re-roll: the job this one repeats. */
  rerollOf?: string;
  /** Upstream id once submitted. */
  videoId?: string;
  progress: number;
  createdAt: number;
  updatedAt: number;
  submittedAt?: number;
  startedAt?: number;
  completedAt?: number;
  deliveredAt?: number;
  /** Which upstream key of the pool created (or will create) it: its index, never the key. */
  keyIndex?: number;
  /** Upstream result expiry (ms epoch). */
  resultExpiresAt?: number;
  /** Give up following the job after this (ms epoch). */
  deadlineAt: number;
  error?: JobError;
  attempts: { submit: number; poll: number; delivery: number };
  /** The quota day this job was charged to (`YYYY-MM-DD` in the quota time zone). */
  quotaDay: string;
  /** True when the requester was exempt (admin) and nothing was charged. */
  quotaExempt: boolean;
  /** A submission attempt started and its outcome is unknown (crash mid-POST): never re-POST blindly. */
  submitInFlight?: boolean;
  /**
   * The job ended (failed, expired, cancelled) and its requester has not been told yet. Such a
   * job stays in the active index so a restart sends the notice a crash cut off.
   */
  noticePending?: boolean;
  /** Who cancelled it, for the notice. */
  cancelledBy?: { userId: string; displayName: string };
  /** When the result was delivered: message ref of the result on the platform. */
  resultMessageRef?: string;
  /** Built-in simulator served this job (shown in every message). */
  simulated: boolean;
  /** Requester or admin deleted the result (its message is gone; lineage keeps the record). */
  deletedAt?: number;
  deletedBy?: { userId: string; displayName: string };
  /** Only the requester sees the job message and gets the video. */
  private?: boolean;
  /** One of several variants asked for at once: the group (the first variant's job id), 1-based place and count. */
  variant?: { group: string; index: number; of: number };
}
