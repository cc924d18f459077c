/**
 * All simulated jobs and their clocks: admission under the per-key concurrency
 * limit, queued → in_progress → completed/failed on timers, cancel, and the
 * test shortcuts (complete/expire/fail now). Every step is computed from the
 * job's own timestamps, so jobs restored from a state file resume where their
 * clocks say they are (see {@link JobBoard.restore}).
 */
import type { SeededRandom } from './seeded-random.ts';
import {
  failureFor,
  finishDelayMs,
  progressOf,
  type SimChangeKind,
  type SimJob,
  type SimJobOutcome,
} from './sim-job.ts';
import type { ResolvedSimulatorOptions } from './simulator-options.ts';

export interface NewJob {
  id: string;
  owner: string;
  model: string;
  prompt: string;
  size: string;
  width: number;
  height: number;
  seconds: number;
  remixedFromVideoId: string | undefined;
  rootPrompt: string;
  remixPrompts: readonly string[];
  changeKinds?: readonly SimChangeKind[];
  hasInputReference: boolean;
  outcome: SimJobOutcome;
  slowFactor: number;
}

export interface JobBoardOptions {
  timing: ResolvedSimulatorOptions['timing'];
  concurrencyPerKey: number;
  rng: SeededRandom;
  /** Called once when a job reaches completed, failed or cancelled. */
  onFinish: (job: SimJob) => void;
  /** Called after anything worth saving changed (a job added, removed or moved on). */
  onChange?: () => void;
}

export class JobBoard {
  readonly #jobs = new Map<string, SimJob>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  /** Jobs accepted over the limit, per owner, oldest first. */
  readonly #waiting = new Map<string, SimJob[]>();
  readonly #options: JobBoardOptions;

  constructor(options: JobBoardOptions) {
    this.#options = options;
  }

  /** Jobs holding a slot (queued or in progress) for this owner. */
  activeCount(owner: string): number {
    let n = 0;
    for (const job of this.#jobs.values()) {
      if (job.owner === owner && holdsSlot(job)) n++;
    }
    return n;
  }

  /** Seconds until this owner's earliest running job should end (for Retry-After). */
  secondsUntilSlot(owner: string, now = Date.now()): number {
    const { queuedMs } = this.#options.timing;
    let soonest = Number.POSITIVE_INFINITY;
    for (const job of this.#jobs.values()) {
      if (job.owner !== owner || !holdsSlot(job)) continue;
      const start = job.startedAtMs ?? (job.admittedAtMs ?? now) + queuedMs;
      soonest = Math.min(soonest, start + job.runMs - now);
    }
    return Number.isFinite(soonest) ? Math.max(1, Math.ceil(soonest / 1000)) : 1;
  }

  /** Accept a job: it takes a free slot or waits for one. */
  add(input: NewJob, now = Date.now()): SimJob {
    const job: SimJob = {
      id: input.id,
      owner: input.owner,
      model: input.model,
      prompt: input.prompt,
      size: input.size,
      width: input.width,
      height: input.height,
      seconds: input.seconds,
      remixedFromVideoId: input.remixedFromVideoId,
      rootPrompt: input.rootPrompt,
      remixPrompts: input.remixPrompts,
      ...(input.changeKinds === undefined ? {} : { changeKinds: input.changeKinds }),
      hasInputReference: input.hasInputReference,
      outcome: input.outcome,
      runMs: this.#runMs(input.seconds, input.slowFactor),
      createdAtMs: now,
      state: 'waiting',
      admittedAtMs: undefined,
      startedAtMs: undefined,
      finishedAtMs: undefined,
      expiresAtMs: undefined,
      error: undefined,
      frozenProgress: undefined,
      videoBytes: undefined,
      answers: 0,
    };
    this.#jobs.set(job.id, job);
    if (this.activeCount(job.owner) < this.#options.concurrencyPerKey) this.#admit(job, now);
    else this.#waitingOf(job.owner).push(job);
    this.#changed();
    return job;
  }

  /**
   * Take over jobs saved by an earlier run (oldest first) and replay their clocks up
   * to `now`: a job that should have started or finished meanwhile does so at the
   * moment it was due (a completion gets its proper `finishedAtMs` and expiry, and
   * frees its slot for the next waiting job at that moment); `[never]` jobs stay in
   * progress. Timers are armed for what is still ahead. Call before serving requests.
   */
  restore(saved: readonly SimJob[], now = Date.now()): void {
    for (const job of saved) {
      if (this.#jobs.has(job.id)) continue;
      this.#jobs.set(job.id, job);
      if (job.state === 'waiting') this.#waitingOf(job.owner).push(job);
    }
    this.#catchUp(now);
    // Slots can be free at load (a larger limit than last run): fill them now.
    for (const owner of this.#waiting.keys()) {
      while (this.activeCount(owner) < this.#options.concurrencyPerKey && this.#admitNext(owner, now));
    }
    for (const job of this.#jobs.values()) this.#arm(job);
    this.#changed();
  }

  get(id: string): SimJob | undefined {
    return this.#jobs.get(id);
  }

  /** Every job, oldest first. */
  all(): SimJob[] {
    return [...this.#jobs.values()];
  }

  /** Delete a job; a running one is cancelled first so its slot frees. */
  remove(id: string): boolean {
    const job = this.#jobs.get(id);
    if (!job) return false;
    if (!isFinished(job)) this.#end(job, 'cancelled', undefined, Date.now(), false);
    this.#jobs.delete(id);
    this.#changed();
    return true;
  }

  /** Finish a job successfully right now, wherever it was. */
  completeNow(id: string): SimJob {
    const job = this.#require(id);
    if (job.state !== 'completed') this.#end(job, 'completed', undefined, Date.now());
    return job;
  }

  /** Make a job's result expire now (completing it first if needed). */
  expireNow(id: string): SimJob {
    const job = this.completeNow(id);
    job.expiresAtMs = Date.now();
    this.#changed();
    return job;
  }

  /** Fail a job right now with the given error. */
  failNow(id: string, error = failureFor('fail')!): SimJob {
    const job = this.#require(id);
    if (!isFinished(job)) this.#end(job, 'failed', error, Date.now());
    return job;
  }

  /** Cancel a job without deleting it (status `cancelled`). */
  cancelNow(id: string): SimJob {
    const job = this.#require(id);
    if (!isFinished(job)) this.#end(job, 'cancelled', undefined, Date.now());
    return job;
  }

  /** Stop every clock. Jobs stay readable. */
  close(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  #require(id: string): SimJob {
    const job = this.#jobs.get(id);
    if (!job) throw new Error(`no simulated job ${id}`);
    return job;
  }

  #runMs(seconds: number, slowFactor: number): number {
    const { msPerVideoSecond, minRunMs, jitter } = this.#options.timing;
    const base = Math.max(minRunMs, seconds * msPerVideoSecond) * slowFactor;
    const wobble = 1 + (this.#options.rng.next() * 2 - 1) * jitter;
    return Math.max(1, Math.round(base * wobble));
  }

  #waitingOf(owner: string): SimJob[] {
    let list = this.#waiting.get(owner);
    if (!list) {
      list = [];
      this.#waiting.set(owner, list);
    }
    return list;
  }

  #admit(job: SimJob, now: number): void {
    job.state = 'queued';
    job.admittedAtMs = now;
    this.#arm(job);
  }

  /** When this job's next step is due, from its timestamps; undefined when none is. */
  #dueAt(job: SimJob): number | undefined {
    if (job.state === 'queued') return (job.admittedAtMs ?? job.createdAtMs) + this.#options.timing.queuedMs;
    if (job.state !== 'in_progress') return undefined;
    const delay = finishDelayMs(job);
    if (delay === undefined) return undefined; // `[never]`: no end
    return (job.startedAtMs ?? job.createdAtMs) + delay;
  }

  /** Take the job's next step, as of `at`: start it, or end it the way its prompt says. */
  #advance(job: SimJob, at: number): void {
    if (job.state === 'queued') {
      job.state = 'in_progress';
      job.startedAtMs = at;
      this.#arm(job);
      this.#changed();
    } else if (job.state === 'in_progress') {
      const error = failureFor(job.outcome);
      this.#end(job, error ? 'failed' : 'completed', error, at);
    }
  }

  /** A timer for the job's next step (none when nothing is due). */
  #arm(job: SimJob): void {
    const due = this.#dueAt(job);
    if (due === undefined) return;
    this.#schedule(job, Math.max(0, due - Date.now()), () => this.#advance(job, Date.now()));
  }

  /** Replay every step that fell due up to `now`, earliest first, each at its own time. */
  #catchUp(now: number): void {
    for (;;) {
      let next: { job: SimJob; at: number } | undefined;
      for (const job of this.#jobs.values()) {
        const at = this.#dueAt(job);
        if (at !== undefined && at <= now && (!next || at < next.at)) next = { job, at };
      }
      if (!next) return;
      this.#advance(next.job, next.at);
    }
  }

  #end(
    job: SimJob,
    state: 'completed' | 'failed' | 'cancelled',
    error: SimJob['error'],
    now: number,
    notify = true,
  ): void {
    const hadSlot = holdsSlot(job);
    const wasWaiting = job.state === 'waiting';
    this.#clearTimer(job.id);
    job.frozenProgress = progressOf(job, now);
    job.state = state;
    job.finishedAtMs = now;
    job.startedAtMs ??= now;
    job.error = error;
    if (state === 'completed') job.expiresAtMs = now + this.#options.timing.expiresAfterMs;
    if (wasWaiting) {
      const list = this.#waitingOf(job.owner);
      list.splice(list.indexOf(job), 1);
    }
    if (hadSlot) this.#admitNext(job.owner, now);
    if (notify) this.#options.onFinish(job);
    this.#changed();
  }

  #admitNext(owner: string, now: number): boolean {
    const next = this.#waiting.get(owner)?.shift();
    if (next) this.#admit(next, now);
    return next !== undefined;
  }

  #changed(): void {
    this.#options.onChange?.();
  }

  #schedule(job: SimJob, ms: number, run: () => void): void {
    this.#clearTimer(job.id);
    const timer = setTimeout(() => {
      this.#timers.delete(job.id);
      run();
    }, ms);
    this.#timers.set(job.id, timer);
  }

  #clearTimer(id: string): void {
    const t = this.#timers.get(id);
    if (t) clearTimeout(t);
    this.#timers.delete(id);
  }
}

function holdsSlot(job: SimJob): boolean {
  return job.state === 'queued' || job.state === 'in_progress';
}

function isFinished(job: SimJob): boolean {
  return job.state === 'completed' || job.state === 'failed' || job.state === 'cancelled';
}
