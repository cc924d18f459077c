/**
 * The engine's side of the team controls: deleting a result (requester or admin), the history
 * of a place or a person, and what the Details view needs. Platform-neutral; the engine
 * delegates these `EngineApi` methods here.
 */
import { sleep } from '../async/sleep.ts';
import type { Actor, Outcome, Refusal, RefusalValues } from './engine-api.ts';
import type { EngineCore } from './engine-core.ts';
import type { Job } from './job.ts';
import { type HistoryFilter, type HistoryPage, JobHistory } from './job-history.ts';
import type { QuotaLedger } from './quota-ledger.ts';
import type { LineageEntry } from './surface.ts';

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

export class TeamControls {
  readonly history: JobHistory;

  constructor(
    private readonly core: EngineCore,
    private readonly quota: QuotaLedger,
    private readonly getJob: (id: string) => Promise<Job | undefined>,
  ) {
    this.history = new JobHistory(core.deps.store, core.mutex, core.jobs);
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
