/**
 * What platform adapters (Discord, Slack, CLI) may ask of the job engine.
 * The engine implements this; adapters depend only on this interface.
 */
import type { Job, JobPlace, JobState, Platform, Requester } from './job.ts';
import type { HistoryFilter, HistoryPage } from './job-history.ts';
import type { LineageEntry, Surface } from './surface.ts';
import type { DeleteOutcome, JobDetailsData } from './team-controls.ts';
import type { DefaultsScope, EffectiveDefaults, VideoDefaults } from './video-defaults.ts';

/** Who is acting, as the adapter knows them. */
export interface Actor extends Requester {
  /** The adapter's own admin judgement (Discord: Manage Server; Slack: workspace admin/owner). */
  isAdmin: boolean;
  /** Discord role ids, matched against ADMIN_ROLES. */
  roles?: string[];
}

export interface VideoRequest {
  actor: Actor;
  /** Where the job message goes. `messageRef`/`link` are filled in by the surface later. */
  place: Omit<JobPlace, 'messageRef' | 'link'>;
  prompt: string;
  /** Omitted: first configured choice. */
  model?: string;
  size?: string;
  seconds?: number;
  /** Raw image bytes from the platform (already fetched from the platform's own host, size-capped). */
  image?: { data: Uint8Array; contentType: string; fileName: string };
  /** Remix of this upstream video id (completed, unexpired). Size and seconds are inherited. */
  remixOf?: string;
  /** Continue this upstream video (completed, unexpired) by `seconds` more: charged by the added seconds. */
  extendOf?: string;
  /** Edit this upstream video (completed, unexpired). Size and seconds are inherited. */
  editOf?: string;
  /** This job repeats that job (re-roll). */
  rerollOf?: string;
  /** Upstream jobs to make, 1-4 (omitted: the place's default, else 1). Each is charged. */
  variants?: number;
  /** Only the requester sees the job and gets the video (omitted: the place's default). */
  private?: boolean;
  /**
   * Opaque id of the live request that created the job (Discord interaction id, Slack trigger),
   * so the adapter's `jobAccepted` can answer through it. Not meaningful after a restart.
   */
  origin?: string;
}

/** Every reason the engine refuses a request (each has a message in the catalogue). */
export const REFUSAL_CODES = [
  'invalid_parameter',
  'quota_daily_videos',
  'quota_daily_seconds',
  'quota_active_jobs',
  'quota_workspace',
  'channel_not_allowed',
  'source_not_found',
  'source_not_completed',
  'source_expired',
  'not_allowed',
  'not_found',
  'already_finished',
  'unsupported',
  'unavailable',
  // team controls
  'blocked_term',
  'content_policy_known',
  'image_not_allowed',
  'not_finished',
  'already_deleted',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** The figures behind a refusal; which ones are set depends on the code. */
export interface RefusalValues {
  /** The limit that was reached (quota codes). */
  limit?: number;
  /** What is already used against that limit. */
  used?: number;
  /** quota_daily_seconds: video-seconds the refused request asked for. */
  requested?: number;
  /** Quota codes: ms epoch when the day's counters reset. */
  resetsAt?: number;
  /** Quota codes: the quota time zone (the day ends at its midnight). */
  timeZone?: string;
  /**
   * The validator's own explanation (technical English naming the allowed values,
   * e.g. "size must be one of 1280x720, 720x1280"), shown beside the catalogue's sentence.
   */
  detail?: string;
  /** source_not_completed: the source ended without a video (else it is still being made). */
  sourceEnded?: boolean;
  /** already_finished: the job's state. */
  state?: JobState;
  /** unsupported: the upstream feature that is missing (`remix`, `extensions`, `edits`). */
  feature?: string;
  /** unavailable: why the engine cannot take work now. */
  reason?: 'restarting' | 'store' | 'upstream';
  /** blocked_term: the blocklist entry the prompt matched (as the admin wrote it). */
  term?: string;
  /** content_policy_known: what the upstream refused before. */
  subject?: 'prompt' | 'image';
}

/** A request the engine would not take. Nothing was charged. Adapters word it from the catalogue. */
export interface Refusal {
  code: RefusalCode;
  values?: RefusalValues;
}

/** An accepted request: its (first) job and queue position, and the other variants, if any. */
export interface Submitted {
  job: Job;
  position: number;
  /** Variants 2…n, each its own charged, queued job. */
  variants?: Job[];
  /** Why the variants after the last accepted one were not made (nothing charged for them). */
  variantRefusal?: Refusal;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export interface UsageFigure {
  used: number;
  /** `null`: no limit (exempt or unlimited). */
  limit: number | null;
}

export interface QuotaUsage {
  /** Quota day `YYYY-MM-DD` in the configured time zone. */
  day: string;
  timeZone: string;
  /** ms epoch when the day's counters reset. */
  resetsAt: number;
  exempt: boolean;
  videos: UsageFigure;
  seconds: UsageFigure;
  active: UsageFigure & { jobs: Job[] };
  workspace: UsageFigure;
}

export interface UserLimits {
  dailyVideos?: number;
  dailySeconds?: number;
  activeJobs?: number;
}

export interface RecentVideo {
  videoId: string;
  jobId: string;
  prompt: string;
  requester: string;
  createdAt: number;
  link?: string;
}

export interface EngineApi {
  /** Register the surface that shows jobs of `platform`. */
  attachSurface(platform: Platform, surface: Surface): void;

  /**
   * Validate, check and reserve quota atomically, persist and enqueue. Resolves once the job is
   * durable; its message is then posted through the surface's `jobAccepted`.
   */
  submit(request: VideoRequest): Promise<Outcome<Submitted>>;

  /**
   * Re-roll: the job `jobId` again, for `actor`, posted at `place`: the same prompt, model, size
   * and seconds, the same first frame (the fitted image is kept) and, for a remix, the same source.
   * Every platform's Re-roll goes through here, so they behave alike.
   */
  reroll(
    jobId: string,
    actor: Actor,
    place: VideoRequest['place'],
    origin?: string,
  ): Promise<Outcome<Submitted>>;

  /**
   * Remix a finished result with one `change` (the Remix button and dialog on every platform):
   * size and seconds come from the source video; the model from the job that made it, if known.
   */
  remixFromResult(
    videoId: string,
    change: string,
    actor: Actor,
    place: VideoRequest['place'],
    origin?: string,
  ): Promise<Outcome<Submitted>>;

  /**
   * Extend a finished result (the Extend button and dialog): `prompt` says what happens next,
   * `seconds` how much is added (one of the configured durations); only those are charged.
   */
  extendFromResult(
    videoId: string,
    prompt: string,
    seconds: number,
    actor: Actor,
    place: VideoRequest['place'],
    origin?: string,
  ): Promise<Outcome<Submitted>>;

  /** Edit a finished result with one `change` (the Edit button, where the upstream has edits). */
  editFromResult(
    videoId: string,
    change: string,
    actor: Actor,
    place: VideoRequest['place'],
    origin?: string,
  ): Promise<Outcome<Submitted>>;

  /** Requester or admin cancels a job: waiting → refunded; running → upstream DELETE where supported. */
  cancel(jobId: string, actor: Actor): Promise<Outcome<Job>>;

  getJob(jobId: string): Promise<Job | undefined>;
  /** The job that produced (or is producing) an upstream video, if the bot made it. */
  findJobByVideoId(videoId: string): Promise<Job | undefined>;

  usage(actor: Actor, workspaceId: string): Promise<QuotaUsage>;

  /** Admin: per-user limits override (`null` resets to the configured defaults). */
  setUserLimits(
    platform: Platform,
    workspaceId: string,
    userId: string,
    limits: UserLimits | null,
  ): Promise<void>;
  /** Admin: forget a user's usage for today. */
  resetUserUsage(platform: Platform, workspaceId: string, userId: string): Promise<void>;
  /** Admin: per-workspace daily cap (`null` resets to the configured default). */
  setWorkspaceCap(platform: Platform, workspaceId: string, cap: number | null): Promise<void>;
  /** Admin: channels where the bot may be used (`null` or empty: everywhere). */
  setAllowedChannels(platform: Platform, workspaceId: string, channelIds: string[] | null): Promise<void>;
  allowedChannels(platform: Platform, workspaceId: string): Promise<string[] | null>;

  /** Newest → root, starting with `videoId` itself. Videos made outside the bot appear by id only. */
  lineage(videoId: string, platform?: Platform): Promise<LineageEntry[]>;
  /** Direct remixes of `videoId`. */
  children(videoId: string): Promise<LineageEntry[]>;
  /** Recent completed videos for autocomplete, newest first. */
  recentVideos(filter: {
    platform: Platform;
    workspaceId: string;
    userId?: string;
    channelId?: string;
    limit?: number;
  }): Promise<RecentVideo[]>;

  // ---- team controls ----
  /** Requester or admin deletes a finished result (and the upstream video, where it has DELETE). */
  deleteResult(jobId: string, actor: Actor): Promise<Outcome<DeleteOutcome>>;
  /** Whether `actor` may delete `job` (requester or admin), for showing the Delete button. */
  mayDelete(job: Job, actor: Actor): boolean;
  /** A job and its parent's lineage entry (deleted or not), for the Details view. */
  jobDetails(jobId: string): Promise<JobDetailsData | undefined>;
  /** Jobs asked for in a place (or by one person there), newest first, one page. */
  history(filter: HistoryFilter, page: number, pageSize: number): Promise<HistoryPage>;
  /** What a `/video` by `actor` here would use, and where each value comes from. */
  effectiveDefaults(
    actor: Actor,
    place: { workspaceId: string; channelId: string },
    options?: VideoDefaults,
  ): Promise<EffectiveDefaults>;
  /** The defaults stored for one scope (workspace, channel or user). */
  videoDefaults(
    platform: Platform,
    workspaceId: string,
    scope: DefaultsScope,
  ): Promise<VideoDefaults | undefined>;
  /** Merge into one scope's defaults; `null` forgets them. Adapters check who may set which scope. */
  setVideoDefaults(
    platform: Platform,
    workspaceId: string,
    scope: DefaultsScope,
    patch: VideoDefaults | null,
  ): Promise<void>;
  /** Admin: the words and `/patterns/` refused in prompts here. */
  blocklist(platform: Platform, workspaceId: string): Promise<string[]>;
  setBlocklist(platform: Platform, workspaceId: string, terms: string[]): Promise<void>;

  /** The configured choices offered to users. */
  readonly choices: { models: readonly string[]; sizes: readonly string[]; seconds: readonly number[] };
  /** True when the built-in simulator is the upstream (every message says so). */
  readonly simulated: boolean;
}
