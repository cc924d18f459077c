/**
 * The embedded scheduler: one process owns every job. A fair queue (round-robin between
 * users) feeds the upstream while fewer than `maxConcurrency` slots are held; one poll loop
 * follows every running job; a 429 pauses submissions for its Retry-After.
 */
import type { Delivery } from '../delivery.ts';
import type { EngineCore } from '../engine-core.ts';
import type { FairQueue } from '../fair-queue.ts';
import { type Job, TERMINAL_JOB_STATES } from '../job.ts';
import { PollCheck } from '../poll-check.ts';
import { PollLoop } from '../poll-loop.ts';
import { type RecoveryReport, recover } from '../recovery.ts';
import { type SubmitOutcome, Submitter, userKeyOf } from '../submitter.ts';
import type { Scheduler } from './scheduler.ts';

export class InProcessScheduler implements Scheduler {
  readonly #core: EngineCore;
  readonly #queue: FairQueue;
  readonly #submitter: Submitter;
  readonly #check: PollCheck;
  readonly #poll: PollLoop;
  readonly #delivery: Delivery;
  /** Submissions paused until (after a 429). */
  #pausedUntil = 0;
  #pauseTimer: NodeJS.Timeout | undefined;
  #slotsHeld = 0;

  constructor(core: EngineCore, queue: FairQueue, delivery: Delivery) {
    this.#core = core;
    this.#queue = queue;
    this.#delivery = delivery;
    this.#submitter = new Submitter(core);
    this.#check = new PollCheck(core, new Map(), (job, video) => delivery.start(job, video));
    this.#poll = new PollLoop({
      maxConcurrent: core.deps.timing.maxConcurrentPolls,
      now: core.deps.now,
      check: (id) => this.#check.check(id),
      onError: (jobId, error) => core.problem('poll check', error, jobId),
    });
    core.events.on('state', (job) => {
      if (!TERMINAL_JOB_STATES.has(job.state)) return;
      this.#poll.remove(job.id);
      this.#queue.remove(job.id);
    });
    // A freed slot lets the next waiting job go.
    core.events.on('inflight', (count) => {
      const freed = count < this.#slotsHeld;
      this.#slotsHeld = count;
      if (freed) this.#pump();
    });
  }

  async start(options: { repairScan: boolean }): Promise<RecoveryReport> {
    const core = this.#core;
    const report = await recover(core, options, {
      waiting: (job) => this.#queue.push(job.id, userKeyOf(job)),
      following: (job, spreadMs) => {
        core.acquireSlot(job.id, job.keyIndex);
        this.#check.states.set(job.id, { polls: 1, errors: 0 });
        // Spread the first checks so a restart does not burst the upstream.
        this.#poll.schedule(job.id, core.now() + Math.floor(core.deps.random() * spreadMs));
      },
      completed: (job) => this.#delivery.start(job),
      unknown: (job) => {
        core.acquireSlot(job.id, job.keyIndex);
        this.#settle(job, this.#submitter.resolveUnknown(job));
      },
    });
    this.#pump();
    return report;
  }

  async enqueue(job: Job): Promise<number> {
    this.#queue.push(job.id, userKeyOf(job));
    const position = this.#queue.position(job.id) ?? 1;
    this.#pump();
    return position;
  }

  async withdraw(jobId: string): Promise<boolean> {
    this.#poll.remove(jobId);
    return this.#queue.remove(jobId);
  }

  pokeNow(jobId: string): void {
    this.#poll.pokeNow(jobId);
  }

  async stop(): Promise<void> {
    this.#core.abort.abort();
    this.#poll.stop();
    if (this.#pauseTimer) clearTimeout(this.#pauseTimer);
    this.#pauseTimer = undefined;
  }

  /** Submit waiting jobs while slots are free and we are not paused by a 429. */
  #pump(): void {
    const core = this.#core;
    if (core.abort.signal.aborted) return;
    const wait = this.#pausedUntil - core.now();
    if (wait > 0) {
      this.#pauseTimer ??= setTimeout(() => {
        this.#pauseTimer = undefined;
        this.#pump();
      }, wait);
      return;
    }
    for (let key = this.#freeKey(); key !== undefined && this.#queue.size > 0; key = this.#freeKey()) {
      const id = this.#queue.shift();
      const job = id === undefined ? undefined : core.active.get(id);
      if (job?.state !== 'waiting') continue;
      // A waiting job was never created upstream, so any key of the pool may take it.
      core.acquireSlot(job.id, key);
      this.#settle(job, this.#submitter.submit(job, key));
    }
  }

  /** The key in the pool with the most free slots (ties: the first), or none. */
  #freeKey(): number | undefined {
    const core = this.#core;
    let best: number | undefined;
    let bestFree = 0;
    for (const key of core.deps.pool.enabled()) {
      const free = core.deps.maxConcurrency - core.slotsOn(key);
      if (free > bestFree) {
        best = key;
        bestFree = free;
      }
    }
    return best;
  }

  /** Act on what a submission came to; one that threw is never left stranded. */
  #settle(job: Job, outcome: Promise<SubmitOutcome>): void {
    const core = this.#core;
    void outcome
      .then((o) => this.#apply(o, job.id))
      .catch((err: unknown) => {
        core.problem('submission failed', err, job.id);
        return this.#recoverFailedSubmit(job.id);
      })
      .catch((err: unknown) => {
        core.problem('resolving an unknown submission', err, job.id);
        core.releaseSlot(job.id);
      });
  }

  #apply(outcome: SubmitOutcome, jobId: string): void {
    const core = this.#core;
    switch (outcome.kind) {
      case 'adopted': {
        const { job, video } = outcome;
        this.#poll.schedule(job.id, core.now() + this.#check.firstDelay(job, video.pollAfterMs));
        return;
      }
      case 'retry':
        if (outcome.pauseMs !== undefined) this.#pause(outcome.pauseMs);
        this.#queue.pushFront(outcome.job.id, userKeyOf(outcome.job));
        core.releaseSlot(jobId);
        return;
      case 'ended':
        core.releaseSlot(jobId);
        return;
      case 'stopped':
        return;
    }
  }

  /**
   * The submission threw outside the upstream call (e.g. the store was busy). A job that never
   * got its attempt written goes back to the front of its user's queue after a pause; one whose
   * attempt may have been sent is looked for upstream, as after a crash.
   */
  async #recoverFailedSubmit(jobId: string): Promise<void> {
    const core = this.#core;
    const job = core.active.get(jobId);
    if (job?.state !== 'waiting' || core.abort.signal.aborted) {
      core.releaseSlot(jobId);
      return;
    }
    if (job.submitInFlight) {
      this.#apply(await this.#submitter.resolveUnknown(job), jobId);
      return;
    }
    this.#pause(core.deps.timing.surfaceRetryBaseMs);
    this.#queue.pushFront(job.id, userKeyOf(job));
    core.releaseSlot(jobId);
  }

  #pause(ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#core.now() + ms);
  }
}
