/**
 * The engine's shared state and its one way to change a job: {@link EngineCore.update}
 * writes the record (and the active index) before anything else hears of it.
 * The submission, polling, delivery and recovery classes work through this; which jobs run
 * when is the scheduler's business (`scheduling/`), so the core holds no queue and no timer.
 */
import { setMaxListeners } from 'node:events';
import type { Logger } from '../log/logger.ts';
import type { VideoApi } from '../video/video.ts';
import { DurationStats } from './duration-stats.ts';
import type { EngineEvents, UpstreamOp } from './engine-events.ts';
import type { ResolvedTiming } from './engine-options.ts';
import { type Job, type JobError, TERMINAL_JOB_STATES } from './job.ts';
import { JobNotifier, realClock } from './job-notifier.ts';
import { JobStore } from './job-store.ts';
import type { KeyedMutex } from './keyed-mutex.ts';
import { Lineage } from './lineage.ts';
import type { MediaKeeper } from './media-keeper.ts';
import type { QuotaLedger } from './quota-ledger.ts';
import type { Store } from './store.ts';
import type { DerivedOffers, FileShare, JobView, Surface } from './surface.ts';
import type { VideoKeyPool } from './video-key-pool.ts';

export interface CoreDeps {
  store: Store;
  /** One client per upstream key. */
  pool: VideoKeyPool;
  logger: Logger;
  timing: ResolvedTiming;
  maxConcurrency: number;
  dataDir: string;
  keepFiles: boolean;
  fileShare: FileShare | undefined;
  /** Keeps delivered media for the gallery, when it is on. */
  media?: MediaKeeper | undefined;
  now: () => number;
  random: () => number;
  /** Locks for read-modify-write of stored records (shared with the quota book). */
  mutex: KeyedMutex;
  quota: QuotaLedger;
  /** Every non-terminal job this process knows, by id (shared with the quota book). */
  active: Map<string, Job>;
  events: EngineEvents;
  /** Where waiting jobs stand, for progress views. */
  positions: QueuePositions;
  /** The job index (the active set): in the store, or a Redis set in distributed mode. */
  jobs?: JobStore;
  /**
   * Other instances change jobs too (distributed mode): every change starts from the stored
   * record, and a job stored as ended stays ended.
   */
  shared?: boolean;
}

/** What a progress view needs to know about the queue. */
export interface QueuePositions {
  /** 1-based place of a waiting job, when known. */
  position(jobId: string): number | undefined;
  readonly size: number;
}

export class EngineCore {
  readonly mutex: KeyedMutex;
  readonly events: EngineEvents;
  readonly jobs: JobStore;
  readonly lineage: Lineage;
  readonly quota: QuotaLedger;
  /** Every non-terminal job this process knows, by id. */
  readonly active: Map<string, Job>;
  /** Jobs holding an upstream slot (being submitted, submitted, running), with their key. */
  readonly slots = new Map<string, number>();
  readonly durations: DurationStats;
  readonly surfaces = new Map<string, Surface>();
  readonly notifier: JobNotifier;
  /** Aborted by `stop()`; every upstream call listens to it, so no listener cap applies. */
  readonly abort = withoutListenerCap(new AbortController());

  constructor(readonly deps: CoreDeps) {
    this.mutex = deps.mutex;
    this.events = deps.events;
    this.quota = deps.quota;
    this.active = deps.active;
    this.jobs = deps.jobs ?? new JobStore(deps.store, this.mutex);
    this.lineage = new Lineage(deps.store, this.mutex);
    this.durations = new DurationStats(deps.timing.fallbackMsPerVideoSecond);
    this.notifier = new JobNotifier({
      progressIntervalMs: deps.timing.progressIntervalMs,
      retryBaseMs: deps.timing.surfaceRetryBaseMs,
      retryMaxMs: deps.timing.surfaceRetryMaxMs,
      clock: realClock,
      logger: deps.logger,
      signal: this.abort.signal,
      surfaceFor: (job) => this.surfaces.get(job.place.platform),
      view: (id) => {
        const job = this.active.get(id) ?? this.finished.get(id);
        return job ? this.view(job) : undefined;
      },
      placed: async (id, ref) => {
        const job = this.active.get(id) ?? this.finished.get(id);
        if (!job) return;
        const place = { ...job.place, messageRef: ref.messageRef };
        if (ref.threadRef !== undefined) place.threadRef = ref.threadRef;
        if (ref.link !== undefined) place.link = ref.link;
        const next = await this.update(job, { place });
        if (next.videoId && ref.link) await this.lineage.setLink(next.videoId, next.place.platform, ref.link);
      },
    });
  }

  /** What the upstream offers for finished videos (Extend, Edit buttons), once found out. */
  #offers: DerivedOffers | undefined;
  #findingOffers: Promise<void> | undefined;
  #offersAskedAt = Number.NEGATIVE_INFINITY;

  /**
   * Find out (again) whether the upstream has the extension and edit routes. Never throws: an
   * upstream that cannot be asked now is asked on a later call.
   */
  refreshOffers(): Promise<void> {
    const client = this.deps.pool.any();
    if (!client.derivedRoutes) return Promise.resolve();
    this.#offersAskedAt = this.now();
    this.#findingOffers ??= client
      .derivedRoutes({ signal: this.abort.signal })
      .then((found) => {
        this.#offers = { extend: found.extensions, edit: found.edits };
      })
      .catch((err: unknown) => this.logger.debug('could not tell which derived routes exist', { err }))
      .finally(() => {
        this.#findingOffers = undefined;
      });
    return this.#findingOffers;
  }

  /**
   * Ask which derived routes exist unless known. Called once a job reached the upstream (its
   * dialect is known by then, and the answer is in long before the result); until then results
   * show no Extend or Edit. While the upstream cannot be asked, again at most once a minute.
   */
  ensureOffers(): void {
    if (this.#offers || this.abort.signal.aborted) return;
    if (this.now() - this.#offersAskedAt > 60_000) void this.refreshOffers();
  }

  /** Jobs that just became terminal, kept briefly so their final surface update can render them. */
  readonly finished = new Map<string, Job>();

  /** The client of the key `job` sticks to. */
  clientFor(job: { keyIndex?: number }): VideoApi {
    return this.deps.pool.client(job.keyIndex);
  }

  /** Slots held on key `index`. */
  slotsOn(index: number): number {
    let n = 0;
    for (const k of this.slots.values()) if (k === index) n++;
    return n;
  }

  get logger(): Logger {
    return this.deps.logger;
  }

  now(): number {
    return this.deps.now();
  }

  /**
   * Change a job: write it first, then update memory, the active index and observers.
   * Transitions of one job are serialised by its own lock.
   */
  async update(job: Job | string, patch: Partial<Job>): Promise<Job> {
    const next = await this.#update(typeof job === 'string' ? job : job.id, patch, false);
    if (!next) throw new Error(`job ${typeof job === 'string' ? job : job.id} does not exist`);
    return next;
  }

  /** Like {@link update}, but only while the job is still active (a cancel may have ended it). */
  updateIfActive(job: Job | string, patch: Partial<Job>): Promise<Job | undefined> {
    return this.#update(typeof job === 'string' ? job : job.id, patch, true);
  }

  #update(id: string, patch: Partial<Job>, onlyActive: boolean): Promise<Job | undefined> {
    return this.mutex.run(`job:${id}`, async () => {
      const current = this.deps.shared
        ? await this.#storedUnlessEnded(id)
        : (this.active.get(id) ?? this.finished.get(id) ?? (await this.jobs.get(id)));
      if (!current) return undefined;
      if (onlyActive && (this.deps.shared ? TERMINAL_JOB_STATES.has(current.state) : !this.active.has(id))) {
        return undefined;
      }
      const next: Job = { ...current, ...patch, updatedAt: this.now() };
      await this.jobs.put(next);
      if (TERMINAL_JOB_STATES.has(next.state)) {
        this.active.delete(id);
        this.finished.set(id, next);
        // Bounded: only the latest terminal jobs are kept for rendering.
        if (this.finished.size > 500) this.finished.delete(this.finished.keys().next().value!);
        // A job whose requester is still owed the notice stays listed, so a restart sends it.
        if (!next.noticePending) await this.jobs.removeActive(id);
        await this.quota.ended(next);
      } else {
        this.active.set(id, next);
      }
      if (next.state !== current.state) this.events.emit('state', next, current.state);
      return next;
    });
  }

  /** The stored record; once another instance ended the job, this process forgets it too. */
  async #storedUnlessEnded(id: string): Promise<Job | undefined> {
    const stored = (await this.jobs.get(id)) ?? this.active.get(id) ?? this.finished.get(id);
    if (stored && TERMINAL_JOB_STATES.has(stored.state) && this.active.delete(id)) {
      this.finished.set(id, stored);
    }
    return stored;
  }

  /** Another instance ended this job: stop treating it as active here. */
  forget(id: string): void {
    const job = this.active.get(id);
    if (!job) return;
    this.active.delete(id);
    this.finished.set(id, job);
  }

  /** Fail a job: refund first when it was not the user's fault (idempotent), then write, then tell. */
  async fail(job: Job, error: JobError, options: { refund: boolean; state?: 'failed' | 'expired' }) {
    // Already finished (e.g. cancelled meanwhile): the first ending stands.
    if (!this.active.has(job.id)) {
      this.releaseSlot(job.id);
      return job;
    }
    if (options.refund) await this.quota.refund(job);
    const next = await this.updateIfActive(job, {
      state: options.state ?? 'failed',
      error,
      submitInFlight: false,
      noticePending: true,
    });
    this.releaseSlot(job.id);
    // A route found missing: the buttons that lead to it go.
    if (error.code === 'unsupported') void this.refreshOffers();
    if (!next) return job;
    this.finalNotice(next);
    this.logger.info('job failed', { job: job.id, code: error.code, refunded: options.refund });
    return next;
  }

  /**
   * Tell the requester how a failed, expired or cancelled job ended, then clear its
   * `noticePending` mark. Cut off by a stop, the mark stays and the next start sends it.
   */
  finalNotice(job: Job): void {
    const error = job.error;
    const what = job.state === 'cancelled' ? 'cancelled' : 'failed';
    const by = job.cancelledBy ?? { userId: job.requester.userId, displayName: job.requester.displayName };
    void this.notifier
      .final(job.id, what, (surface, view) =>
        error && what === 'failed' ? surface.jobFailed(view, error) : surface.jobCancelled(view, by),
      )
      .then(async () => {
        if (this.abort.signal.aborted) return;
        await this.update(job.id, { noticePending: false });
      })
      .catch((err: unknown) => this.problem('clearing a sent notice', err, job.id));
  }

  acquireSlot(jobId: string, keyIndex = 0): void {
    this.slots.set(jobId, keyIndex);
    this.events.emit('inflight', this.slots.size);
  }

  releaseSlot(jobId: string): void {
    if (!this.slots.delete(jobId)) return;
    this.events.emit('inflight', this.slots.size);
  }

  /** Time an upstream call and report it. */
  async upstream<T>(op: UpstreamOp, jobId: string | undefined, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const out = await fn();
      this.events.emit('upstream', {
        op,
        ...(jobId ? { jobId } : {}),
        ok: true,
        ms: performance.now() - started,
      });
      return out;
    } catch (err) {
      const name = err instanceof Error ? err.name : 'Error';
      this.events.emit('upstream', {
        op,
        ...(jobId ? { jobId } : {}),
        ok: false,
        error: name,
        ms: performance.now() - started,
      });
      throw err;
    }
  }

  view(job: Job): JobView {
    const position = job.state === 'waiting' ? this.deps.positions.position(job.id) : undefined;
    const out: JobView = {
      job,
      queueLength: this.deps.positions.size,
      elapsedMs: Math.max(0, this.now() - job.createdAt),
    };
    if (position !== undefined) out.position = position;
    if (this.#offers) out.offers = this.#offers;
    else if (job.videoId) this.ensureOffers();
    const eta = this.eta(job, position);
    if (eta !== undefined) out.etaAt = eta;
    return out;
  }

  /** Rough completion time: queue rounds ahead × typical duration, or the running job's expected end. */
  eta(job: Job, position: number | undefined): number | undefined {
    if (TERMINAL_JOB_STATES.has(job.state) || job.state === 'completed') return undefined;
    const expected = this.durations.expectedMs(job.seconds);
    if (job.state === 'waiting') {
      const rounds = Math.floor(((position ?? 1) - 1) / this.deps.maxConcurrency) + 1;
      return this.now() + rounds * expected;
    }
    const since = job.submittedAt ?? job.createdAt;
    return Math.max(this.now() + 1000, since + expected);
  }

  problem(what: string, error: unknown, jobId?: string): void {
    this.logger.warn(what, { ...(jobId ? { job: jobId } : {}), err: error });
    this.events.emit('problem', { what, error, ...(jobId ? { jobId } : {}) });
  }
}

function withoutListenerCap(controller: AbortController): AbortController {
  setMaxListeners(0, controller.signal);
  return controller;
}
