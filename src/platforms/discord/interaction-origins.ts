/**
 * Live interactions that created jobs, so the surface can put the job message into the deferred
 * reply (`@original`) and remember the interaction's `attachment_size_limit`.
 *
 * The engine calls `jobAccepted` with the job only, possibly before `submit` has resolved in
 * the adapter; a pending origin is therefore matched by requester, channel and prompt until
 * `submit` tells us the job id. Nothing here survives a restart (the surface then posts a new
 * channel message and uses the default upload limit).
 */
import type { Job } from '../../engine/job.ts';
import { withoutControlCharacters } from '../../engine/request-check.ts';

/** What the surface needs from a live interaction (a subset of discord.js's interaction). */
export interface OriginReply {
  /** Edit the deferred reply; resolves with the message id and channel id. */
  editOriginal(body: object): Promise<{ id: string; channelId: string }>;
}

export interface Origin {
  interactionId: string;
  userId: string;
  channelId: string;
  prompt: string;
  /** Per-file upload limit of the interaction (bytes). */
  attachmentSizeLimit: number;
  createdAt: number;
  reply: OriginReply;
  /** Set when `jobAccepted` took this origin before `submit` resolved. */
  claimedBy?: string;
}

/** Interaction tokens live 15 minutes; forget origins a little before that. */
const ORIGIN_TTL_MS = 14 * 60_000;

// The engine drops control characters from prompts; compare the way it stores them.
const normalise = (s: string) => withoutControlCharacters(s).replace(/\s+/g, ' ').trim();

export class InteractionOrigins {
  readonly #pending = new Map<string, Origin>();
  readonly #byJob = new Map<string, Origin>();
  /** Upload limits by job id (kept after the origin itself is used, until delivery). */
  readonly #limits = new Map<string, number>();
  /** Jobs whose message was posted before their origin was known (bounded: cleared on settle/forget). */
  readonly #postedWithoutOrigin = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Called before `engine.submit`. */
  register(origin: Origin): void {
    this.#sweep();
    this.#pending.set(origin.interactionId, origin);
  }

  /**
   * Called when `engine.submit` resolved: the job id is now known (or the request was refused).
   * Returns true when the job message was already posted elsewhere (no origin matched), so the
   * caller should remove its deferred reply instead of leaving it "thinking".
   */
  settle(interactionId: string, jobId: string | undefined): boolean {
    const origin = this.#pending.get(interactionId);
    this.#pending.delete(interactionId);
    if (!origin || !jobId) return false;
    this.#limits.set(jobId, origin.attachmentSizeLimit);
    if (origin.claimedBy) return false;
    if (this.#postedWithoutOrigin.delete(jobId)) return true;
    this.#byJob.set(jobId, origin);
    return false;
  }

  /** The live origin of `job`, once: later calls get `undefined`. */
  claim(job: Job): Origin | undefined {
    const direct = this.#byJob.get(job.id);
    if (direct) {
      this.#byJob.delete(job.id);
      return this.#fresh(direct);
    }
    // Same requester, channel and prompt (the engine may trim it); newest first.
    const prompt = normalise(job.prompt);
    const match = [...this.#pending.values()]
      .reverse()
      .find(
        (o) =>
          !o.claimedBy &&
          o.userId === job.requester.userId &&
          o.channelId === job.place.channelId &&
          normalise(o.prompt) === prompt,
      );
    if (!match) {
      this.#postedWithoutOrigin.add(job.id);
      return undefined;
    }
    match.claimedBy = job.id;
    this.#limits.set(job.id, match.attachmentSizeLimit);
    return this.#fresh(match);
  }

  /** The upload limit remembered for `jobId`, if the job started in this process. */
  uploadLimit(jobId: string): number | undefined {
    return this.#limits.get(jobId);
  }

  forgetJob(jobId: string): void {
    this.#limits.delete(jobId);
    this.#postedWithoutOrigin.delete(jobId);
    this.#byJob.delete(jobId);
  }

  #fresh(o: Origin): Origin | undefined {
    return this.now() - o.createdAt < ORIGIN_TTL_MS ? o : undefined;
  }

  #sweep(): void {
    const cutoff = this.now() - ORIGIN_TTL_MS;
    for (const [k, o] of this.#pending) if (o.createdAt < cutoff) this.#pending.delete(k);
    for (const [k, o] of this.#byJob) if (o.createdAt < cutoff) this.#byJob.delete(k);
  }
}
