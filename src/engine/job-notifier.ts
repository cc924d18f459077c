/**
 * One serialised update channel per job towards its surface. `jobAccepted` always goes
 * first (retried with backoff until it works, and its message ref stored before anything
 * else is sent); progress edits are coalesced and throttled (only the latest view is sent,
 * at most one per interval, and never more than one waiting per job); final updates are always
 * sent. Job messages and progress edits go out at most `maxConcurrentUpdates` at a time over all
 * jobs: with thousands of jobs in flight the rest wait here as a job id each, not as requests and
 * payloads queued in the chat library. A surface failure never loses the job: the job record is
 * already durable before the surface hears of it.
 */

import pLimit, { type LimitFunction } from 'p-limit';
import { retry } from '../async/retry.ts';
import { backoffMs } from '../async/sleep.ts';
import type { Logger } from '../log/logger.ts';
import type { Job } from './job.ts';
import type { JobView, MessageRef, Surface } from './surface.ts';

export interface NotifierClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: NotifierClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface JobNotifierOptions {
  /** Least time between two progress edits of one message. @default 3000 */
  progressIntervalMs: number;
  /** Backoff for retried surface calls. */
  retryBaseMs: number;
  retryMaxMs: number;
  clock: NotifierClock;
  logger: Logger;
  signal: AbortSignal;
  surfaceFor(job: Job): Surface | undefined;
  /** The current view of a job (undefined once the engine forgot it). */
  view(jobId: string): JobView | undefined;
  /** Persist the message ref returned by `jobAccepted`. */
  placed(jobId: string, ref: MessageRef): Promise<void>;
  /** Job messages and progress edits sent at once, over all jobs (finals are not held back). @default 16 */
  maxConcurrentUpdates?: number;
}

interface Channel {
  tail: Promise<unknown>;
  lastProgressAt: number;
  timer: unknown;
  closed: boolean;
  /** A progress edit is queued and not started: it will show the latest view, so none is added. */
  progressQueued: boolean;
}

/** A task run in a job's channel; gets the job's surface once one is attached. */
export type SurfaceTask = (surface: Surface, view: JobView) => Promise<void>;

export class JobNotifier {
  readonly #channels = new Map<string, Channel>();
  readonly #gate: LimitFunction;

  constructor(private readonly o: JobNotifierOptions) {
    this.#gate = pLimit(o.maxConcurrentUpdates ?? 16);
  }

  /** Post the job message (first thing in the channel). */
  accepted(jobId: string): void {
    void this.#enqueue(
      jobId,
      'accepted',
      async (surface, view) => {
        if (view.job.place.messageRef) return;
        const ref = await surface.jobAccepted(view);
        await this.o.placed(jobId, ref);
      },
      { attempts: 0, gated: true },
    );
  }

  /** The job changed in a way its message shows; sent throttled, latest view only. */
  progress(jobId: string): void {
    const ch = this.#channel(jobId);
    if (ch.timer !== undefined || ch.closed || ch.progressQueued) return;
    const wait = Math.max(0, ch.lastProgressAt + this.o.progressIntervalMs - this.o.clock.now());
    ch.timer = this.o.clock.setTimeout(() => {
      ch.timer = undefined;
      if (ch.closed) return;
      ch.progressQueued = true;
      void this.#enqueue(
        jobId,
        'progress',
        async (surface, view) => {
          if (ch.closed) return;
          ch.lastProgressAt = this.o.clock.now();
          await surface.jobProgress(view);
        },
        {
          attempts: 1,
          gated: true,
          // From here on a change is newer than the view this edit reads: it gets an edit of its own.
          onStart: () => {
            ch.progressQueued = false;
          },
        },
      );
    }, wait);
  }

  /**
   * A final update (failed, cancelled, delivered): drops pending progress and is always sent,
   * retried per `policy` (default: 8 tries with the notifier's backoff).
   * Resolves `true` once the surface took it.
   */
  final(jobId: string, what: string, task: SurfaceTask, policy: Partial<RetryPolicy> = {}): Promise<boolean> {
    const ch = this.#channel(jobId);
    ch.closed = true;
    if (ch.timer !== undefined) this.o.clock.clearTimeout(ch.timer);
    ch.timer = undefined;
    const done = this.#enqueue(jobId, what, task, { attempts: 8, ...policy });
    void done.finally(() => {
      if (this.#channels.get(jobId) === ch && ch.tail === done) this.#channels.delete(jobId);
    });
    return done;
  }

  /**
   * The job moves on to another instance (its delivery, or a takeover): drop pending progress and
   * wait for the update in flight, so no edit from here lands after the other instance's.
   */
  async release(jobId: string): Promise<void> {
    const ch = this.#channels.get(jobId);
    if (!ch) return;
    ch.closed = true;
    if (ch.timer !== undefined) this.o.clock.clearTimeout(ch.timer);
    ch.timer = undefined;
    await ch.tail;
    if (this.#channels.get(jobId) === ch) this.#channels.delete(jobId);
  }

  /** Wait until every channel is idle (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.#channels.values()].map((c) => c.tail));
  }

  #channel(jobId: string): Channel {
    let ch = this.#channels.get(jobId);
    if (!ch) {
      ch = {
        tail: Promise.resolve(),
        lastProgressAt: Number.NEGATIVE_INFINITY,
        timer: undefined,
        closed: false,
        progressQueued: false,
      };
      this.#channels.set(jobId, ch);
    }
    return ch;
  }

  #enqueue(
    jobId: string,
    what: string,
    task: SurfaceTask,
    policy: Partial<RetryPolicy> & { gated?: boolean; onStart?: () => void },
  ): Promise<boolean> {
    const ch = this.#channel(jobId);
    const { gated, onStart, ...retryPolicy } = policy;
    const full: RetryPolicy = {
      attempts: 0,
      baseMs: this.o.retryBaseMs,
      maxMs: this.o.retryMaxMs,
      ...retryPolicy,
    };
    const run = () => {
      onStart?.();
      return this.#attempt(jobId, what, task, full);
    };
    const next = ch.tail.then(() => (gated ? this.#gate(run) : run()));
    ch.tail = next;
    return next;
  }

  async #attempt(jobId: string, what: string, task: SurfaceTask, policy: RetryPolicy): Promise<boolean> {
    let tries = 0;
    try {
      return await retry(
        async (attempt) => {
          tries = attempt;
          const view = this.o.view(jobId);
          if (!view) return false;
          const surface = this.o.surfaceFor(view.job);
          if (!surface) throw new Error(`no surface attached for ${view.job.place.platform}`);
          await task(surface, view);
          return true;
        },
        {
          attempts: policy.attempts,
          delayMs: (attempt) => backoffMs(attempt, policy.baseMs, policy.maxMs),
          onRetry: (err, attempt) =>
            this.o.logger.warn('surface update failed, will retry', { job: jobId, what, attempt, err }),
          signal: this.o.signal,
        },
      );
    } catch (err) {
      if (!this.o.signal.aborted) {
        this.o.logger.warn('surface update failed, giving up on it', {
          job: jobId,
          what,
          attempt: tries,
          err,
        });
      }
      return false;
    }
  }
}

/** How a surface call is retried. `attempts` 0: until it works (or the engine stops). */
export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}
