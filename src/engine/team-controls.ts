/**
 * The engine's side of the team controls: deleting a result (requester or admin), the history
 * of a place or a person, and what the Details view needs. Platform-neutral; the engine
 * delegates these `EngineApi` methods here.
 */

import { randomBytes } from 'node:crypto';
import { sleep } from '../async/sleep.ts';
import type { Actor, Outcome, Refusal, RefusalValues, Submitted, VideoRequest } from './engine-api.ts';
import type { EngineCore } from './engine-core.ts';
import type { HistoryIndex } from './history-index.ts';
import type { Job, Platform } from './job.ts';
import { type HistoryFilter, type HistoryPage, JobHistory } from './job-history.ts';
import { PolicyMemory, promptHash } from './policy-memory.ts';
import type { QuotaLedger } from './quota-ledger.ts';
import type { Choices } from './request-check.ts';
import type { Settings } from './settings.ts';
import type { LineageEntry } from './surface.ts';
import {
  type DefaultsScope,
  type EffectiveDefaults,
  resolveDefaults,
  type VideoDefaults,
} from './video-defaults.ts';

/** What Details shows beside the job: its parent as the lineage knows it (deleted or not). */
export interface JobDetailsData {
  job: Job;
  parent?: LineageEntry;
}

export interface DeleteOutcome {
  job: Job;
  /** The upstream deleted its copy too. */
  upstreamDeleted: boolean;
}

const FINISHED = new Set<Job['state']>(['delivered', 'failed', 'cancelled', 'expired']);

/** How long a delete waits for a result being uploaded right now to be delivered. */
const UPLOAD_WAIT_MS = 15_000;

/** What the moderation audit line records for one decision. */
export type ModerationDecision =
  | 'allowed'
  | 'blocked_term'
  | 'content_policy_known'
  | 'image_not_allowed'
  | 'upstream_refused_prompt'
  | 'upstream_refused_image';

export interface TeamDeps {
  core: EngineCore;
  quota: QuotaLedger;
  settings: Settings;
  /** Where the `/history` lists live (the backend's). */
  history: HistoryIndex;
  choices: Choices;
  getJob: (id: string) => Promise<Job | undefined>;
}

export class TeamControls {
  readonly history: JobHistory;
  readonly policy: PolicyMemory;
  private readonly core: EngineCore;
  private readonly quota: QuotaLedger;
  private readonly settings: Settings;
  private readonly getJob: (id: string) => Promise<Job | undefined>;

  constructor(private readonly d: TeamDeps) {
    this.core = d.core;
    this.quota = d.quota;
    this.settings = d.settings;
    this.getJob = d.getJob;
    this.history = new JobHistory(d.history, d.core.jobs);
    this.policy = new PolicyMemory(d.core.deps.store);
    d.core.events.on('state', (job) => {
      if (job.state !== 'failed' || job.error?.code !== 'content_policy') return;
      const subject = job.error.values?.subject ?? 'prompt';
      this.audit(
        job.requester,
        job.place,
        job.prompt,
        subject === 'image' ? 'upstream_refused_image' : 'upstream_refused_prompt',
      );
      void this.policy
        .remember(job, subject, d.core.now())
        .catch((err: unknown) => d.core.problem('remembering a content-policy refusal', err, job.id));
    });
  }

  /** One audit line per moderation decision: who, where, a hash of the prompt, the decision. */
  audit(
    who: { platform: Platform; userId: string },
    place: { workspaceId: string; channelId: string },
    prompt: string,
    decision: ModerationDecision,
  ): void {
    this.core.logger.info('moderation decision', {
      user: `${who.platform}:${who.userId}`,
      workspace: place.workspaceId,
      channel: place.channelId,
      promptHash: promptHash(prompt),
      decision,
    });
  }

  // ---- defaults ----

  async effectiveDefaults(
    actor: Actor,
    place: { workspaceId: string; channelId: string },
    options: VideoDefaults = {},
  ): Promise<EffectiveDefaults> {
    const p = actor.platform;
    const [channel, workspace, user] = await Promise.all([
      this.settings.videoDefaults(p, place.workspaceId, { kind: 'channel', channelId: place.channelId }),
      this.settings.videoDefaults(p, place.workspaceId, { kind: 'workspace' }),
      this.settings.videoDefaults(p, place.workspaceId, { kind: 'user', userId: actor.userId }),
    ]);
    const c = this.d.choices;
    return resolveDefaults({
      options,
      channel: channel ?? {},
      workspace: workspace ?? {},
      user: user ?? {},
      config: {
        model: c.models[0] ?? 'sora-2',
        size: c.sizes[0] ?? '1280x720',
        seconds: c.seconds[0] ?? 4,
        variants: 1,
        private: false,
        imageToVideo: true,
      },
    });
  }

  videoDefaults(platform: Platform, workspaceId: string, scope: DefaultsScope) {
    return this.settings.videoDefaults(platform, workspaceId, scope);
  }

  /** Merge `patch` into the scope's defaults (`null` forgets them all). */
  async setVideoDefaults(
    platform: Platform,
    workspaceId: string,
    scope: DefaultsScope,
    patch: VideoDefaults | null,
  ): Promise<void> {
    if (patch === null) return this.settings.setVideoDefaults(platform, workspaceId, scope, null);
    const current = (await this.settings.videoDefaults(platform, workspaceId, scope)) ?? {};
    await this.settings.setVideoDefaults(platform, workspaceId, scope, { ...current, ...patch });
  }

  /**
   * The request with the place's and the user's defaults filled in where it gave nothing, and
   * the place's blocklist; or a refusal (image to video turned off here).
   */
  async prepare(
    request: VideoRequest,
  ): Promise<{ ok: true; request: VideoRequest; blocklist: string[] } | { ok: false; refusal: Refusal }> {
    const options: VideoDefaults = {};
    if (request.model !== undefined) options.model = request.model;
    if (request.size !== undefined) options.size = request.size;
    if (request.seconds !== undefined) options.seconds = request.seconds;
    if (request.variants !== undefined) options.variants = request.variants;
    if (request.private !== undefined) options.private = request.private;
    const [eff, blocklist] = await Promise.all([
      this.effectiveDefaults(request.actor, request.place, options),
      this.settings.blocklist(request.actor.platform, request.place.workspaceId),
    ]);
    if (request.image && !eff.imageToVideo.value) {
      this.audit(request.actor, request.place, request.prompt, 'image_not_allowed');
      return { ok: false, refusal: { code: 'image_not_allowed' } };
    }
    const next: VideoRequest = { ...request, private: eff.private.value, variants: eff.variants.value };
    // A remix takes its size and length from its source; a configured default stays the engine's.
    const fill = (source: string) => source !== 'config' && source !== 'option';
    if (fill(eff.model.source)) next.model = eff.model.value;
    if (request.remixOf === undefined) {
      if (fill(eff.size.source)) next.size = eff.size.value;
      if (fill(eff.seconds.source)) next.seconds = eff.seconds.value;
    }
    return { ok: true, request: next, blocklist };
  }

  /**
   * `count` variants of one request: each its own upstream job, charged and queued like any job.
   * The first is posted first; the others go with its message (a reply, or its thread). A refusal
   * stops the rest (nothing is charged for them) and is returned beside the accepted ones.
   */
  async submitVariants(
    request: VideoRequest,
    count: number,
    one: (r: VideoRequest, variant: NonNullable<Job['variant']>) => Promise<Outcome<Submitted>>,
  ): Promise<Outcome<Submitted>> {
    const group = `grp_${randomBytes(6).toString('hex')}`;
    const first = await one(request, { group, index: 1, of: count });
    if (!first.ok) return first;
    const leaderRef = await this.#placed(first.value.job.id);
    const place = { ...request.place, ...(leaderRef ? { replyTo: leaderRef } : {}) };
    const variants: Job[] = [];
    const { origin: _origin, ...rest } = request;
    for (let index = 2; index <= count; index++) {
      const out = await one({ ...rest, place }, { group, index, of: count });
      if (!out.ok) return { ok: true, value: { ...first.value, variants, variantRefusal: out.refusal } };
      variants.push(out.value.job);
    }
    return { ok: true, value: { ...first.value, variants } };
  }

  /** The message ref of a job just accepted, once its surface posted it (bounded wait). */
  async #placed(jobId: string): Promise<string | undefined> {
    const deadline = this.core.now() + 5000;
    for (;;) {
      const job = this.core.active.get(jobId) ?? this.core.finished.get(jobId);
      if (job?.place.messageRef || this.core.now() >= deadline) return job?.place.messageRef;
      if (!(await sleep(20, this.core.abort.signal))) return undefined;
    }
  }

  blocklist(platform: Platform, workspaceId: string): Promise<string[]> {
    return this.settings.blocklist(platform, workspaceId);
  }

  setBlocklist(platform: Platform, workspaceId: string, terms: string[]): Promise<void> {
    return this.settings.setBlocklist(platform, workspaceId, terms);
  }

  /** May `actor` delete `job`: its requester, or an admin. */
  mayDelete(job: Job, actor: Actor): boolean {
    const own = job.requester.platform === actor.platform && job.requester.userId === actor.userId;
    return own || this.quota.isExempt(actor);
  }

  /**
   * Delete a finished job's result: mark the job (nothing is refunded or charged again: it is
   * over), mark its video deleted in the lineage (remixes keep theirs), forget it for
   * autocomplete, ask the upstream to DELETE it where it can, and remove its messages.
   */
  async deleteResult(jobId: string, actor: Actor): Promise<Outcome<DeleteOutcome>> {
    const core = this.core;
    const job = await this.getJob(jobId);
    if (!job) return refused('not_found');
    if (!this.mayDelete(job, actor)) return refused('not_allowed');
    if (job.deletedAt !== undefined) return refused('already_deleted');
    // The result message shows as soon as the upload starts: let the delivery finish first, so it
    // does not post the message again after it was removed.
    const settled = job.state === 'completed' ? await this.#delivered(job.id) : job;
    if (!settled) return refused('not_found');
    if (!FINISHED.has(settled.state)) return refused('not_finished');
    const deletedBy = { userId: actor.userId, displayName: actor.displayName };
    const done = await core.update(job.id, { deletedAt: core.now(), deletedBy });
    let upstreamDeleted = false;
    if (done.videoId) {
      const videoId = done.videoId;
      await core.lineage.markDeleted(videoId);
      await core.jobs.removeRecent(done.place.platform, done.place.workspaceId, videoId);
      await core.deps.media
        ?.forget(videoId)
        .catch((err: unknown) => core.problem('removing gallery media', err, done.id));
      try {
        const answer = await core.upstream('delete', done.id, () => core.clientFor(done).delete(videoId));
        upstreamDeleted = answer.deleted;
      } catch (err) {
        // Not every upstream has DELETE, and an expired video is already gone: ours is deleted anyway.
        core.logger.info('upstream delete not done', { job: done.id, err });
      }
    }
    const surface = core.surfaces.get(done.place.platform);
    await surface
      ?.jobDeleted?.(core.view(done))
      .catch((err: unknown) => core.problem('removing a deleted result', err, done.id));
    core.logger.info('result deleted', {
      job: done.id,
      byAdmin: actor.userId !== done.requester.userId,
      upstreamDeleted,
    });
    return { ok: true, value: { job: done, upstreamDeleted } };
  }

  /** The job once it left `completed` (another instance may be the one delivering it). */
  async #delivered(jobId: string): Promise<Job | undefined> {
    const deadline = this.core.now() + UPLOAD_WAIT_MS;
    for (;;) {
      const job = await this.getJob(jobId);
      if (job?.state !== 'completed' || this.core.now() >= deadline) return job;
      if (!(await sleep(100, this.core.abort.signal))) return job;
    }
  }

  async details(jobId: string): Promise<JobDetailsData | undefined> {
    const job = await this.getJob(jobId);
    if (!job) return undefined;
    if (!job.parentVideoId) return { job };
    const [parent] = await this.core.lineage.chain(job.parentVideoId, job.place.platform);
    return parent ? { job, parent } : { job };
  }

  historyPage(filter: HistoryFilter, page: number, pageSize: number): Promise<HistoryPage> {
    return this.history.page(filter, page, pageSize);
  }
}

function refused(code: Refusal['code'], values?: RefusalValues): { ok: false; refusal: Refusal } {
  return { ok: false, refusal: values ? { code, values } : { code } };
}
