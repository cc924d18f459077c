/**
 * The job engine: validate → quota → fair queue → submit → poll → deliver, with lineage and
 * restart recovery. Platform-neutral; adapters use it through {@link EngineApi}.
 *
 * One process owns the store (per-key locks live in memory). `start()` resumes every job
 * that is not terminal; `stop()` stops taking work and lets in-flight writes finish; jobs
 * resume on the next start.
 */
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sleep } from '../async/sleep.ts';
import { silentLogger } from '../log/logger.ts';
import { InvalidParameterError } from '../video/errors.ts';
import { fitImage as realFitImage } from '../video/image-fit.ts';
import type { Delivery } from './delivery.ts';
import type {
  Actor,
  EngineApi,
  Outcome,
  QuotaUsage,
  RecentVideo,
  Refusal,
  RefusalValues,
  Submitted,
  UserLimits,
  VideoRequest,
} from './engine-api.ts';
import { EngineCore } from './engine-core.ts';
import { EngineEvents } from './engine-events.ts';
import { type EngineOptions, type ImageFitter, resolveTiming } from './engine-options.ts';
import { type Job, type JobImage, type Platform, TERMINAL_JOB_STATES } from './job.ts';
import type { HistoryFilter, HistoryPage } from './job-history.ts';
import { newJobId } from './job-store.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import type { QuotaLedger } from './quota-ledger.ts';
import type { RecoveryReport } from './recovery.ts';
import { checkRequest } from './request-check.ts';
import { type Backend, inProcessBackend } from './scheduling/backends.ts';
import type { Scheduler } from './scheduling/scheduler.ts';
import { Settings, SHARED_SETTINGS_CACHE_MS } from './settings.ts';
import { StoreError } from './store.ts';
import type { LineageEntry, Surface } from './surface.ts';
import { type DeleteOutcome, type JobDetailsData, TeamControls } from './team-controls.ts';
import {
  type DefaultsScope,
  type EffectiveDefaults,
  MAX_VARIANTS,
  type VideoDefaults,
} from './video-defaults.ts';
import { VideoKeyPool } from './video-key-pool.ts';

export class Engine implements EngineApi {
  readonly choices: EngineApi['choices'];
  readonly simulated: boolean;
  readonly #core: EngineCore;
  readonly #settings: Settings;
  readonly #quota: QuotaLedger;
  readonly #scheduler: Scheduler;
  readonly #delivery: Delivery;
  readonly #backend: Backend;
  readonly #o: EngineOptions;
  readonly #fit: ImageFitter;
  readonly #team: TeamControls;
  #state: 'new' | 'running' | 'stopped' = 'new';
  #sweep: NodeJS.Timeout | undefined;

  constructor(options: EngineOptions) {
    this.#o = options;
    this.choices = options.choices;
    this.simulated = options.simulated ?? false;
    this.#fit = options.fitImage ?? ((data, size) => realFitImage(data, size));
    const mutex = new KeyedMutex();
    // Instances sharing a store re-read settings every few seconds, so a change made on one
    // applies on all of them.
    this.#settings = new Settings(
      options.store,
      options.distributed
        ? { cacheMs: SHARED_SETTINGS_CACHE_MS, ...(options.now ? { now: options.now } : {}) }
        : {},
    );
    const parts = { options, settings: this.#settings, mutex };
    const backend = (options.backend ?? inProcessBackend)(parts);
    this.#backend = backend;
    this.#quota = backend.quota;
    const events = new EngineEvents();
    const pool = new VideoKeyPool(
      [options.client, ...(options.extraKeyClients ?? [])],
      options.logger ?? silentLogger,
      events,
      options.keyFingerprints,
    );
    const core = new EngineCore({
      events,
      mutex: backend.mutex,
      active: backend.active,
      quota: backend.quota,
      positions: backend.positions,
      jobs: backend.jobs,
      shared: backend.shared,
      store: options.store,
      pool,
      logger: options.logger ?? silentLogger,
      timing: resolveTiming(options.timing, options.webhooks ?? false),
      maxConcurrency: options.maxConcurrency ?? 2,
      dataDir: options.dataDir,
      keepFiles: options.keepFiles ?? false,
      fileShare: options.fileShare,
      media: options.media,
      now: options.now ?? Date.now,
      random: options.random ?? Math.random,
    });
    this.#core = core;
    const { scheduler, delivery } = backend.build(core);
    this.#scheduler = scheduler;
    this.#delivery = delivery;
    this.#team = new TeamControls({
      core,
      quota: backend.quota,
      settings: this.#settings,
      history: backend.history,
      choices: options.choices,
      getJob: (id) => this.getJob(id),
    });
  }

  /** State changes, upstream calls, in-flight count, deliveries. */
  get events(): EngineEvents {
    return this.#core.events;
  }

  /** Upstream keys the upstream refused, taken out of the pool (alert when above 0). */
  get keysDisabled(): number {
    return this.#core.deps.pool.disabledCount;
  }

  /** Upstream slots held right now (≤ `maxConcurrency` per key through our own submissions). */
  get inFlight(): number {
    return this.#core.slots.size;
  }

  /** Resume every non-terminal job and start taking work. */
  async start(): Promise<RecoveryReport> {
    if (this.#state !== 'new') throw new Error('the engine can be started once');
    this.#state = 'running';
    await mkdir(this.#o.dataDir, { recursive: true });
    const report = await this.#scheduler.start({ repairScan: this.#o.repairScan ?? true });
    this.#core.logger.info('engine started', { ...report });
    const sweep = () => {
      void this.#delivery
        .sweepSharedFiles()
        .catch((err: unknown) => this.#core.problem('shared file sweep', err));
      void this.#o.media?.sweep().catch((err: unknown) => this.#core.problem('gallery media sweep', err));
    };
    sweep();
    this.#sweep = setInterval(sweep, this.#core.deps.timing.sharedSweepMs);
    this.#sweep.unref();
    return report;
  }

  /** Stop taking work, let in-flight store writes finish, close timers. Jobs resume on the next start. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    const core = this.#core;
    // The scheduler aborts the core at the right moment (distributed: after it took no more work).
    await this.#scheduler.stop();
    core.abort.abort();
    if (this.#sweep) clearInterval(this.#sweep);
    const deadline = Date.now() + 5000;
    while (core.mutex.size > 0 && Date.now() < deadline) await sleep(10);
    await this.#backend.close();
    if (this.#o.closeStoreOnStop) await this.#o.store.close();
  }

  attachSurface(platform: Platform, surface: Surface): void {
    this.#core.surfaces.set(platform, surface);
  }

  async submit(asked: VideoRequest): Promise<Outcome<Submitted>> {
    if (this.#state !== 'running') return refused('unavailable', { reason: 'restarting' });
    // The place's and the user's defaults fill what the request left open; then the blocklist.
    const prepared = await this.#guardStore(() => this.#team.prepare(asked));
    if (!prepared.ok) return prepared;
    if (!prepared.value.ok) return prepared.value;
    const { request, blocklist } = prepared.value;
    const count = Math.min(Math.max(1, Math.floor(request.variants ?? 1)), MAX_VARIANTS);
    if (count === 1) return this.#submitOne(request, blocklist);
    return this.#team.submitVariants(request, count, (r, variant) => this.#submitOne(r, blocklist, variant));
  }

  /** One upstream job: check, charge, persist, enqueue. */
  async #submitOne(
    request: VideoRequest,
    blocklist: readonly string[],
    variant?: Job['variant'],
  ): Promise<Outcome<Submitted>> {
    const core = this.#core;
    const now = core.now();
    const checked = await checkRequest(
      request,
      this.choices,
      this.#o.maxPromptChars ?? 4000,
      core.deps.pool.any(),
      now,
      core.abort.signal,
      blocklist,
    );
    if (!checked.ok) {
      if (checked.refusal.code === 'blocked_term')
        this.#team.audit(request.actor, request.place, request.prompt, 'blocked_term');
      return checked;
    }
    const { prompt, model, size, seconds, source } = checked.value;
    const channels = await this.#guardStore(() =>
      this.#settings.allowedChannels(request.actor.platform, request.place.workspaceId),
    );
    if (!channels.ok) return channels;
    if (channels.value && !channels.value.includes(request.place.channelId)) {
      return refused('channel_not_allowed');
    }
    const id = newJobId(now);
    let image: JobImage | undefined;
    if (request.image) {
      const saved = await this.#saveImage(id, request.image.data, size);
      if (!saved.ok) return saved;
      image = saved.value;
    }
    // A re-roll of an image-to-video job starts from the same image (fitted images are kept).
    const reused = !image && request.rerollOf ? await this.#rerollImage(request.rerollOf, size) : undefined;
    const job = this.#newJob(id, request, { prompt, model, size, seconds, now });
    const jobImage = image ?? reused;
    if (jobImage) job.image = jobImage;
    if (source) job.parentVideoId = source.id;
    if (request.private) job.private = true;
    if (variant) job.variant = variant;
    // The upstream already refused exactly this under its content rules: not charged again.
    const known = await this.#guardStore(async () =>
      this.#team.policy.known(await this.#team.policy.fingerprint(job)),
    );
    if (!known.ok || known.value) {
      if (image) await rm(image.path, { force: true });
      if (!known.ok) return known;
      this.#team.audit(request.actor, request.place, prompt, 'content_policy_known');
      return refused('content_policy_known', { subject: known.value!.subject });
    }
    const reserved = await this.#guardStore(() =>
      this.#quota.reserve(job, async () => {
        // Index first, then the job: recovery drops an index id whose job is missing.
        await core.jobs.addActive(job.id);
        await core.jobs.put(job);
        core.active.set(job.id, job);
      }),
    );
    const refusal = reserved.ok ? reserved.value : reserved.refusal;
    if (refusal) {
      if (image) await rm(image.path, { force: true });
      if (!reserved.ok) await this.#quota.refund(job).catch(() => undefined);
      return { ok: false, refusal };
    }
    this.#team.audit(request.actor, request.place, prompt, 'allowed');
    core.events.emit('state', job, undefined);
    await this.#team.history.add(job).catch((err: unknown) => core.problem('history index', err, job.id));
    const position = await this.#scheduler.enqueue(job);
    core.notifier.accepted(job.id);
    core.logger.info('job accepted', { job: job.id, kind: job.kind, position });
    return { ok: true, value: { job: core.active.get(job.id) ?? job, position } };
  }

  async reroll(
    jobId: string,
    actor: Actor,
    place: VideoRequest['place'],
    origin?: string,
  ): Promise<Outcome<Submitted>> {
    const original = await this.getJob(jobId);
    if (!original) return refused('not_found');
    // The same prompt, model, size and seconds; the fitted first frame is reused by submit().
    const request: VideoRequest = {
      actor,
      place,
      prompt: original.prompt,
      model: original.model,
      size: original.size,
      seconds: original.seconds,
      rerollOf: original.id,
      variants: 1,
      ...(original.private ? { private: true } : {}),
      ...sourceOf(original),
      ...(origin !== undefined ? { origin } : {}),
    };
    return this.submit(request);
  }

  async remixFromResult(
    videoId: string,
    change: string,
    actor: Actor,
    place: VideoRequest['place'],
    origin?: string,
  ): Promise<Outcome<Submitted>> {
    // The upstream's answer decides size and seconds; our record supplies the model when it does not.
    return this.#fromResult(videoId, { actor, place, prompt: change, remixOf: videoId }, origin);
  }

  async extendFromResult(
    videoId: string,
    prompt: string,
    seconds: number,
    actor: Actor,
    place: VideoRequest['place'],
    origin?: string,
  ): Promise<Outcome<Submitted>> {
    return this.#fromResult(videoId, { actor, place, prompt, seconds, extendOf: videoId }, origin);
  }

  async editFromResult(
    videoId: string,
    change: string,
    actor: Actor,
    place: VideoRequest['place'],
    origin?: string,
  ): Promise<Outcome<Submitted>> {
    return this.#fromResult(videoId, { actor, place, prompt: change, editOf: videoId }, origin);
  }

  /**
   * A job made from a finished result (Remix, Extend, Edit): one video, private when the source
   * was, in the source's model when our record knows it.
   */
  async #fromResult(videoId: string, request: VideoRequest, origin?: string): Promise<Outcome<Submitted>> {
    const source = await this.findJobByVideoId(videoId).catch(() => undefined);
    return this.submit({
      ...request,
      variants: 1,
      ...(source?.private ? { private: true } : {}),
      ...(source ? { model: source.model } : {}),
      ...(origin !== undefined ? { origin } : {}),
    });
  }

  async cancel(jobId: string, actor: Actor): Promise<Outcome<Job>> {
    const core = this.#core;
    const job = await this.getJob(jobId);
    if (!job) return refused('not_found');
    const own = job.requester.platform === actor.platform && job.requester.userId === actor.userId;
    if (!own && !this.#quota.isExempt(actor)) {
      return refused('not_allowed');
    }
    if (TERMINAL_JOB_STATES.has(job.state) || job.state === 'completed') {
      return refused('already_finished', { state: job.state });
    }
    const waiting = await this.#scheduler.withdraw(job.id);
    // Waiting in our queue: nothing reached the upstream, so it is refunded.
    if (waiting) await this.#quota.refund(job);
    const by = { userId: actor.userId, displayName: actor.displayName };
    const done = await core.updateIfActive(job, {
      state: 'cancelled',
      submitInFlight: false,
      noticePending: true,
      cancelledBy: by,
    });
    if (!done) return refused('already_finished', { state: 'delivered' });
    if (!job.submitInFlight) core.releaseSlot(job.id); // an in-flight POST releases its own slot
    if (job.videoId) {
      const videoId = job.videoId;
      await core.upstream('delete', job.id, () => core.clientFor(job).delete(videoId)).catch(() => undefined);
    }
    core.finalNotice(done);
    core.logger.info('job cancelled', { job: job.id, refunded: waiting });
    return { ok: true, value: done };
  }

  async getJob(jobId: string): Promise<Job | undefined> {
    // Distributed: another instance may have moved the job on; the stored record is the truth.
    if (this.#backend.shared) return (await this.#core.jobs.get(jobId)) ?? this.#core.finished.get(jobId);
    return (
      this.#core.active.get(jobId) ?? this.#core.finished.get(jobId) ?? (await this.#core.jobs.get(jobId))
    );
  }

  async findJobByVideoId(videoId: string): Promise<Job | undefined> {
    const id = await this.#core.jobs.jobIdForVideo(videoId);
    return id ? this.getJob(id) : undefined;
  }

  usage(actor: Actor, workspaceId: string): Promise<QuotaUsage> {
    return this.#quota.usage(actor, workspaceId, this.#core.now());
  }

  setUserLimits(platform: Platform, workspaceId: string, userId: string, limits: UserLimits | null) {
    return this.#settings.setUserLimits(platform, workspaceId, userId, limits);
  }

  resetUserUsage(platform: Platform, workspaceId: string, userId: string): Promise<void> {
    return this.#quota.resetUser({ platform, workspaceId, userId }, this.#core.now());
  }

  setWorkspaceCap(platform: Platform, workspaceId: string, cap: number | null): Promise<void> {
    return this.#settings.setWorkspaceCap(platform, workspaceId, cap);
  }

  setAllowedChannels(platform: Platform, workspaceId: string, channelIds: string[] | null): Promise<void> {
    return this.#settings.setAllowedChannels(platform, workspaceId, channelIds);
  }

  allowedChannels(platform: Platform, workspaceId: string): Promise<string[] | null> {
    return this.#settings.allowedChannels(platform, workspaceId);
  }

  lineage(videoId: string, platform?: Platform): Promise<LineageEntry[]> {
    return this.#core.lineage.chain(videoId, platform);
  }

  children(videoId: string): Promise<LineageEntry[]> {
    return this.#core.lineage.children(videoId);
  }

  async recentVideos(filter: {
    platform: Platform;
    workspaceId: string;
    userId?: string;
    channelId?: string;
    limit?: number;
  }): Promise<RecentVideo[]> {
    const list = await this.#core.jobs.recent(filter.platform, filter.workspaceId);
    return list
      .filter((r) => filter.userId === undefined || r.userId === filter.userId)
      .filter((r) => filter.channelId === undefined || r.channelId === filter.channelId)
      .slice(0, filter.limit ?? 25)
      .map(({ userId: _u, channelId: _c, ...rest }) => rest);
  }

  deleteResult(jobId: string, actor: Actor): Promise<Outcome<DeleteOutcome>> {
    return this.#team.deleteResult(jobId, actor);
  }

  mayDelete(job: Job, actor: Actor): boolean {
    return this.#team.mayDelete(job, actor);
  }

  jobDetails(jobId: string): Promise<JobDetailsData | undefined> {
    return this.#team.details(jobId);
  }

  history(filter: HistoryFilter, page: number, pageSize: number): Promise<HistoryPage> {
    return this.#team.historyPage(filter, page, pageSize);
  }

  effectiveDefaults(
    actor: Actor,
    place: { workspaceId: string; channelId: string },
    options?: VideoDefaults,
  ): Promise<EffectiveDefaults> {
    return this.#team.effectiveDefaults(actor, place, options);
  }

  videoDefaults(platform: Platform, workspaceId: string, scope: DefaultsScope) {
    return this.#team.videoDefaults(platform, workspaceId, scope);
  }

  setVideoDefaults(
    platform: Platform,
    workspaceId: string,
    scope: DefaultsScope,
    patch: VideoDefaults | null,
  ) {
    return this.#team.setVideoDefaults(platform, workspaceId, scope, patch);
  }

  blocklist(platform: Platform, workspaceId: string): Promise<string[]> {
    return this.#team.blocklist(platform, workspaceId);
  }

  setBlocklist(platform: Platform, workspaceId: string, terms: string[]): Promise<void> {
    return this.#team.setBlocklist(platform, workspaceId, terms);
  }

  /** Check a running job now instead of at its scheduled time (webhooks, tests). */
  pollNow(jobId: string): void {
    this.#scheduler.pokeNow(jobId);
  }

  /** Resolves when every surface update queued so far has been sent (tests). */
  idle(): Promise<void> {
    return this.#core.notifier.idle();
  }

  #newJob(
    id: string,
    request: VideoRequest,
    p: { prompt: string; model: string; size: string; seconds: number; now: number },
  ): Job {
    const { actor } = request;
    const place: Job['place'] = { ...request.place, platform: actor.platform };
    const job: Job = {
      id,
      kind: kindOf(request),
      state: 'waiting',
      requester: { platform: actor.platform, userId: actor.userId, displayName: actor.displayName },
      place,
      prompt: p.prompt,
      model: p.model,
      size: p.size,
      seconds: p.seconds,
      progress: 0,
      createdAt: p.now,
      updatedAt: p.now,
      deadlineAt: p.now + (this.#o.jobDeadlineMs ?? 3_600_000),
      attempts: { submit: 0, poll: 0, delivery: 0 },
      quotaDay: this.#quota.day(p.now),
      quotaExempt: this.#quota.isExempt(actor),
      simulated: this.simulated,
    };
    if (request.rerollOf !== undefined) job.rerollOf = request.rerollOf;
    return job;
  }

  async #rerollImage(jobId: string, size: string): Promise<JobImage | undefined> {
    const original = await this.#core.jobs.get(jobId).catch(() => undefined);
    if (!original?.image || original.size !== size) return undefined;
    try {
      await access(original.image.path);
      return original.image;
    } catch {
      return undefined; // the file is gone: re-roll as text-to-video rather than fail
    }
  }

  async #saveImage(id: string, data: Uint8Array, size: string): Promise<Outcome<JobImage>> {
    let fitted: Awaited<ReturnType<ImageFitter>>;
    try {
      fitted = await this.#fit(data, size);
    } catch (err) {
      if (err instanceof InvalidParameterError) return refused('invalid_parameter', { detail: err.message });
      throw err;
    }
    const ext =
      fitted.contentType === 'image/png' ? 'png' : fitted.contentType === 'image/jpeg' ? 'jpg' : 'webp';
    const dir = join(this.#o.dataDir, 'images');
    const path = join(dir, `${id}.${ext}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path, fitted.data);
    return {
      ok: true,
      value: {
        path,
        contentType: fitted.contentType,
        fileName: `${id}.${ext}`,
        bytes: fitted.data.byteLength,
      },
    };
  }

  /** Run a store operation; a {@link StoreError} becomes a clean refusal (nothing charged). */
  async #guardStore<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
    try {
      return { ok: true, value: await fn() };
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      this.#core.problem('store failure', err);
      this.#core.logger.error('store failure, request refused', { err });
      return refused('unavailable', { reason: 'store' });
    }
  }
}

function kindOf(request: VideoRequest): Job['kind'] {
  if (request.extendOf !== undefined) return 'extend';
  if (request.editOf !== undefined) return 'edit';
  return request.remixOf === undefined ? 'create' : 'remix';
}

/** What a re-roll of `job` is made from: the same source, the same way. */
function sourceOf(job: Job): Pick<VideoRequest, 'remixOf' | 'extendOf' | 'editOf'> {
  const from = job.parentVideoId;
  if (from === undefined) return {};
  if (job.kind === 'extend') return { extendOf: from };
  if (job.kind === 'edit') return { editOf: from };
  return { remixOf: from };
}

function refused(code: Refusal['code'], values?: RefusalValues): { ok: false; refusal: Refusal } {
  return { ok: false, refusal: values ? { code, values } : { code } };
}
