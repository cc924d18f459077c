/**
 * The distributed scheduler: BullMQ on Redis, any number of instances with the same config.
 *
 * - One queue for every job that needs the upstream, with BullMQ's global concurrency set to the
 *   pool's capacity (keys × cap), and per-key slots counted in Redis (`RedisKeySlots`): across
 *   every instance no more jobs run upstream on a key than it allows. A job created on a key
 *   stays on it; a waiting one takes whichever key has a free slot. Our job id is the BullMQ job
 *   id, so a job is never enqueued twice.
 * - The BullMQ job stays active (its lock renewed by the worker) for the whole time the job runs
 *   upstream: submit, then follow with our own status checks. It is never parked in BullMQ's
 *   delayed set meanwhile, which would free its slot while the upstream still counts it.
 * - A finished job moves to the `deliver` queue (no upstream slot needed for the download and
 *   the chat post); a Redis claim makes sure one instance posts the result.
 * - A killed worker's jobs come back through BullMQ's stalled-job check and another instance
 *   resumes them from the stored record: following a running job, looking upstream for a create
 *   whose outcome is unknown (never creating it blindly again).
 * - Fairness between users without BullMQ Pro's groups: a job's priority is the number of its
 *   requester's jobs in progress when it was accepted (their first job 1, second 2, ...), and
 *   BullMQ serves lower numbers first, FIFO within one number. So every user's first job goes
 *   before anyone's second: round-robin by arrival, across every instance and every key (one
 *   queue orders them all).
 * - A sweep every few lock periods queues again any unfinished job found in no queue (a BullMQ
 *   entry lost with Redis, say): adding an id already queued changes nothing, so it is safe to
 *   run on every instance.
 * - `stop()` hands this instance's running jobs back to the queue (moved to wait, not failed),
 *   so another instance picks them up at once and resumes following them.
 */
import { type Job as BullJob, Queue, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { retry } from '../../async/retry.ts';
import type { Delivery } from '../delivery.ts';
import type { EngineCore } from '../engine-core.ts';
import { DEFAULT_LOCK_MS } from '../engine-options.ts';
import { type Job, TERMINAL_JOB_STATES } from '../job.ts';
import { PollCheck } from '../poll-check.ts';
import { type RecoveryReport, recover } from '../recovery.ts';
import type { RedisClaims } from '../redis-claims.ts';
import { openRedis } from '../redis-connection.ts';
import { RedisKeySlots } from '../redis-key-slots.ts';
import { backoffMs } from '../sleep.ts';
import { type SubmitOutcome, Submitter } from '../submitter.ts';
import { ClusterBus, type ClusterMessage } from './cluster-bus.ts';
import type { Scheduler } from './scheduler.ts';

export interface BullSchedulerOptions {
  redisUrl: string;
  /** Jobs one key runs upstream at once, across every instance. */
  maxConcurrency: number;
  /** Requester's jobs in progress, including this one (the job's priority). */
  outstanding: (job: Job) => Promise<number>;
  /** Sends an owed notice once across instances. */
  notices: RedisClaims;
  /**
   * How long a dead worker's job waits before another instance takes it over. Lower in tests.
   * @default DEFAULT_LOCK_MS (20 s)
   */
  lockMs?: number;
  /** Deliveries one instance runs at once. @default 4 */
  deliveryConcurrency?: number;
  /** BullMQ key prefix (tests isolate runs with it). @default 'reelbot-bull' */
  prefix?: string;
}

type Payload = { jobId: string };
type Result = 'done' | 'handoff' | 'deliver';
type Lane = 'video' | 'deliver';

export class BullScheduler implements Scheduler {
  readonly #core: EngineCore;
  readonly #o: BullSchedulerOptions;
  readonly #delivery: Delivery;
  readonly #submitter: Submitter;
  readonly #check: PollCheck;
  readonly #connections: Redis[] = [];
  readonly #queue: Queue<Payload>;
  readonly #slots: RedisKeySlots;
  readonly #deliverQueue: Queue<Payload>;
  readonly #workers: Worker<Payload>[] = [];
  readonly #bus: ClusterBus;
  /** Wakes the wait of a job followed here (a poke, or it ended elsewhere). */
  readonly #wakers = new Map<string, () => void>();
  /** Jobs run here right now, and those of them poked while not waiting (checked again at once). */
  readonly #running = new Set<string>();
  readonly #poked = new Set<string>();
  /** Completed videos as the last status check saw them (saves the delivery a retrieve). */
  readonly #completed = new Map<string, Parameters<Delivery['run']>[1]>();
  #sweeper: NodeJS.Timeout | undefined;
  /** BullMQ's job lock, and the life of a key slot whose holder stopped renewing it. */
  readonly #lockMs: number;

  constructor(core: EngineCore, delivery: Delivery, options: BullSchedulerOptions) {
    this.#core = core;
    this.#o = options;
    this.#lockMs = options.lockMs ?? DEFAULT_LOCK_MS;
    this.#delivery = delivery;
    this.#submitter = new Submitter(core);
    this.#check = new PollCheck(core, new Map(), (job, video) => this.#completed.set(job.id, video));
    const prefix = options.prefix ?? 'reelbot-bull';
    const connection = this.#connect();
    this.#queue = new Queue<Payload>('videos', { connection, prefix });
    this.#slots = new RedisKeySlots(connection, prefix, options.maxConcurrency, this.#lockMs);
    this.#deliverQueue = new Queue<Payload>('deliver', { connection, prefix });
    this.#bus = new ClusterBus(connection, this.#connect(), (m) => this.#onMessage(m));
    core.events.on('state', (job) => {
      if (!TERMINAL_JOB_STATES.has(job.state)) return;
      void this.#bus.publish({ type: 'ended', jobId: job.id }).catch(() => undefined);
    });
  }

  async start(options: { repairScan: boolean }): Promise<RecoveryReport> {
    const core = this.#core;
    await this.#bus.start();
    await this.#queue.setGlobalConcurrency(this.#capacity());
    // Every unfinished job is (again) in its queue; ones already there are left as they are.
    const requeue = (job: Job) => void this.enqueue(job).catch((err) => core.problem('requeue', err, job.id));
    const report = await recover(core, options, {
      waiting: requeue,
      following: requeue,
      unknown: requeue,
      completed: (job) =>
        void this.#toDelivery(job.id).catch((err) => core.problem('requeue delivery', err, job.id)),
      shared: { owed: (job) => void this.#owedNotice(job) },
    });
    const prefix = this.#o.prefix ?? 'reelbot-bull';
    const common = {
      prefix,
      lockDuration: this.#lockMs,
      stalledInterval: Math.max(500, Math.floor(this.#lockMs / 2)),
      // A job is never given up because workers died under it: it is resumed from its record.
      maxStalledCount: 1_000_000,
      autorun: true,
    };
    this.#workers.push(
      new Worker<Payload>(this.#queue.name, (b, token) => this.#process(b, token, 'video'), {
        ...common,
        connection: this.#connect(),
        concurrency: this.#capacity(),
      }),
    );
    this.#workers.push(
      new Worker<Payload>('deliver', (b, token) => this.#process(b, token, 'deliver'), {
        ...common,
        connection: this.#connect(),
        concurrency: this.#o.deliveryConcurrency ?? 4,
      }),
    );
    for (const w of this.#workers) w.on('error', (err) => core.problem('queue worker', err));
    const every = Math.max(10_000, 5 * this.#lockMs);
    this.#sweeper = setInterval(() => void this.#sweep().catch((e) => core.problem('queue sweep', e)), every);
    this.#sweeper.unref();
    return report;
  }

  async enqueue(job: Job): Promise<number> {
    const priority = Math.min(2_000_000, Math.max(1, await this.#o.outstanding(job)));
    await this.#queue.add('video', { jobId: job.id }, { jobId: job.id, priority, ...REMOVE });
    return priority;
  }

  async withdraw(jobId: string): Promise<boolean> {
    // Removed only while waiting (a job a worker holds is locked): then nothing reached the upstream.
    return (await this.#queue.remove(jobId)) === 1;
  }

  pokeNow(jobId: string): void {
    if (this.#running.has(jobId)) this.#wake(jobId);
    else void this.#bus.publish({ type: 'poke', jobId }).catch(() => undefined);
  }

  /**
   * Cut the wait of a job run here short. A poke that lands while its status check is running
   * (the check may have read the upstream just before the news) makes the next wait end at once.
   */
  #wake(jobId: string): void {
    const wake = this.#wakers.get(jobId);
    if (wake) wake();
    else if (this.#running.has(jobId)) this.#poked.add(jobId);
  }

  async stop(): Promise<void> {
    // Take no new jobs, then cut every running one short: each is handed back to its queue.
    clearInterval(this.#sweeper);
    await Promise.all(this.#workers.map((w) => w.pause(true)));
    this.#core.abort.abort();
    await Promise.all(this.#workers.map((w) => w.close()));
    this.#slots.close();
    await Promise.all([this.#queue, this.#deliverQueue].map((q) => q.close()));
    await Promise.all(this.#connections.map((c) => c.quit().catch(() => c.disconnect())));
  }

  /** Jobs the whole pool runs upstream at once. */
  #capacity(): number {
    return this.#core.deps.pool.size * this.#o.maxConcurrency;
  }

  #connect(): Redis {
    const c = openRedis(this.#o.redisUrl);
    c.on('error', (err) => this.#core.logger.debug('redis connection', { err }));
    this.#connections.push(c);
    return c;
  }

  #onMessage(m: ClusterMessage): void {
    if (m.type === 'ended') this.#core.forget(m.jobId);
    this.#wake(m.jobId);
  }

  async #toDelivery(jobId: string): Promise<void> {
    await this.#deliverQueue.add('deliver', { jobId }, { jobId, ...REMOVE });
  }

  /** Queue again each unfinished job, quiet for two lock periods, that no queue holds. */
  async #sweep(): Promise<number> {
    const core = this.#core;
    const jobs = await core.jobs.getMany(await core.jobs.loadActive());
    const quietSince = core.now() - 2 * this.#lockMs;
    let requeued = 0;
    for (const job of jobs) {
      if (!job || TERMINAL_JOB_STATES.has(job.state) || job.updatedAt > quietSince) continue;
      // A finished job may still be on its way out of the video queue.
      const held = await Promise.all([this.#queue, this.#deliverQueue].map((q) => q.getJobState(job.id)));
      if (held.some((state) => state !== 'unknown')) continue;
      core.logger.warn('unfinished job found in no queue: queued again', { job: job.id, state: job.state });
      if (job.state === 'completed') await this.#toDelivery(job.id);
      else await this.enqueue(job);
      requeued += 1;
    }
    return requeued;
  }

  async #owedNotice(job: Job): Promise<void> {
    if (!(await this.#o.notices.claimOnce(job.id))) return;
    this.#core.finished.set(job.id, job);
    if (!job.place.messageRef) this.#core.notifier.accepted(job.id);
    this.#core.finalNotice(job);
  }

  /** `lane`: the queue of jobs that need the upstream, or the delivery queue. */
  async #process(bull: BullJob<Payload>, token: string | undefined, lane: Lane) {
    const id = bull.data.jobId;
    let result = await this.#run(id, lane);
    // Leaving this instance: its job-message edits end before another instance's begin.
    if (result !== 'done') await this.#core.notifier.release(id);
    if (result === 'deliver') {
      // Finished upstream: it must reach the delivery queue (Redis may be restarting), or it
      // stays here to be taken over; a failed BullMQ job would be dropped with its result.
      const core = this.#core;
      const { surfaceRetryBaseMs: base, surfaceRetryMaxMs: max } = core.deps.timing;
      await retry(() => this.#toDelivery(id), {
        attempts: 0,
        delayMs: (n) => backoffMs(n, base, max),
        onRetry: (err) => core.problem('handing a result to delivery', err, id),
        signal: core.abort.signal,
      }).catch(() => {
        result = 'handoff';
      });
    }
    if (result === 'handoff') {
      // Stopping: back to the queue, so another instance resumes it now. Should Redis refuse,
      // the job stays active without a lock and the stalled-job check hands it on later: never
      // failed, which would drop it.
      await bull.moveToWait(token).catch((err) => this.#core.problem('handing a job back', err, id));
      throw new WaitingError();
    }
  }

  /** Take the job over from its stored record and move it on until it leaves this lane. */
  async #run(id: string, lane: Lane): Promise<Result> {
    const core = this.#core;
    let key: number | undefined;
    let taken = false;
    this.#running.add(id);
    try {
      for (let errors = 0; ; ) {
        try {
          if (core.abort.signal.aborted) return 'handoff';
          if (!taken) {
            const stored = await core.jobs.get(id);
            if (!stored || TERMINAL_JOB_STATES.has(stored.state)) return 'done';
            core.active.set(id, stored);
            taken = true;
            // A job whose first message never went out (its instance died first) gets it now; a
            // fresh one's message is being posted by the instance that accepted it.
            if (!stored.place.messageRef && core.now() - stored.updatedAt > 30_000)
              core.notifier.accepted(id);
          }
          // A finished job only passes through on its way to delivery: no upstream slot.
          if (lane === 'video' && core.active.get(id)?.state !== 'completed') {
            key = await this.#holdKey(id, key);
            if (key === undefined) return 'handoff';
          }
          const step = await this.#step(id, lane, key);
          if (step !== 'again') return step;
          errors = 0;
        } catch (err) {
          if (core.abort.signal.aborted) return 'handoff';
          core.problem('running a job', err, id);
          errors += 1;
          const { surfaceRetryBaseMs: base, surfaceRetryMaxMs: max } = core.deps.timing;
          await this.#wait(id, backoffMs(errors, base, max));
        }
      }
    } finally {
      // Handed on (to another lane or instance): the copy here would go stale.
      if (taken && !TERMINAL_JOB_STATES.has(core.active.get(id)?.state ?? 'delivered'))
        core.active.delete(id);
      if (key !== undefined) {
        await this.#slots
          .release(key, id)
          .catch((err) => core.problem('releasing an upstream slot', err, id));
      }
      core.releaseSlot(id);
      this.#running.delete(id);
      this.#poked.delete(id);
      this.#completed.delete(id);
      this.#check.states.delete(id);
    }
  }

  /**
   * The key whose upstream slot job `id` holds, taking one first: its own key once it may have
   * been created upstream, else any key of the pool with a free slot (after a refused key, another
   * one). Waits while every slot is taken; undefined when stopping.
   */
  async #holdKey(id: string, held: number | undefined): Promise<number | undefined> {
    const core = this.#core;
    const pool = core.deps.pool;
    const job = core.active.get(id);
    const created = job?.keyIndex !== undefined && (job.submitInFlight === true || job.videoId !== undefined);
    const own = created ? job.keyIndex : undefined;
    if (held !== undefined && (own === undefined ? pool.isEnabled(held) : own === held)) return held;
    if (held !== undefined) {
      await this.#slots.release(held, id);
      core.releaseSlot(id);
    }
    for (;;) {
      const first = pool.pick();
      const live = pool.enabled();
      const keys =
        own !== undefined ? [own] : [...live.filter((k) => k >= first), ...live.filter((k) => k < first)];
      for (const k of keys) {
        if (await this.#slots.acquire(k, id)) {
          core.acquireSlot(id, k);
          return k;
        }
      }
      // Only while a dead instance's slot runs out (the queue's concurrency matches the pool).
      if (!(await this.#wait(id, SLOT_RETRY_MS))) return undefined;
    }
  }

  async #step(id: string, lane: Lane, key: number | undefined): Promise<Result | 'again'> {
    const core = this.#core;
    if (core.abort.signal.aborted) return 'handoff';
    // Each step starts from the stored record: another instance may have moved the job on.
    const job = await core.jobs.get(id);
    if (!job || TERMINAL_JOB_STATES.has(job.state)) {
      core.forget(id);
      return 'done';
    }
    core.active.set(id, job);
    if (job.state === 'completed') {
      if (lane !== 'deliver') return 'deliver';
      await this.#delivery.run(job, this.#completed.get(id));
      if (core.active.get(id)?.state !== 'completed') return 'done';
      // Not posted (the chat refused, or another instance holds the claim): try again shortly.
      if (!(await this.#wait(id, core.deps.timing.deliveryRetryBaseMs))) return 'handoff';
      return 'again';
    }
    if (lane === 'deliver') return 'done'; // not finished upstream: its own queue runs it
    if (job.state === 'waiting') {
      const outcome = job.submitInFlight
        ? await this.#submitter.resolveUnknown(job)
        : await this.#submitter.submit(job, key ?? 0);
      return this.#after(outcome);
    }
    if (job.videoId) {
      await this.#follow(job, this.#check.states.has(id) ? undefined : 0);
      return 'again';
    }
    return 'done';
  }

  async #after(outcome: SubmitOutcome): Promise<Result | 'again'> {
    switch (outcome.kind) {
      case 'adopted': {
        const { job, video } = outcome;
        await this.#follow(job, this.#check.firstDelay(job, video.pollAfterMs));
        return 'again';
      }
      case 'retry':
        // The slot stays held while we wait (the upstream asked us to slow down).
        await this.#wait(outcome.job.id, outcome.pauseMs ?? 0);
        return 'again';
      case 'ended':
        return 'done';
      case 'stopped':
        return 'handoff';
    }
  }

  /** Follow a running job with status checks until it leaves `submitted`/`in_progress`. */
  async #follow(job: Job, firstDelayMs: number | undefined): Promise<void> {
    let delay = firstDelayMs ?? 0;
    for (;;) {
      if (!(await this.#wait(job.id, delay))) return;
      const next = await this.#check.check(job.id);
      if (next === undefined) return;
      delay = next;
    }
  }

  /** Wait `ms`, or less when poked; false when stopping. */
  #wait(jobId: string, ms: number): Promise<boolean> {
    const signal = this.#core.abort.signal;
    if (signal.aborted) return Promise.resolve(false);
    if (this.#poked.delete(jobId)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (v: boolean) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (this.#wakers.get(jobId) === wake) this.#wakers.delete(jobId);
        resolve(v);
      };
      const onAbort = () => done(false);
      const wake = () => done(true);
      const timer = setTimeout(wake, ms);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#wakers.set(jobId, wake);
    });
  }
}

/** How often a job waiting for a key's slot looks again. */
const SLOT_RETRY_MS = 250;

/** Finished BullMQ entries are dropped: our own record is the history. */
const REMOVE = { removeOnComplete: true, removeOnFail: true } as const;
