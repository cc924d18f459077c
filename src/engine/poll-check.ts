/**
 * One status check of a running job, called by the poll loop. Applies what the upstream
 * says (progress, completion, failure), enforces the per-job deadline, and returns when
 * to check next (or `undefined` to stop following the job).
 */
import { RetryAfterError, VideoNotFoundError } from '../video/errors.ts';
import type { PollHint, Video } from '../video/video.ts';
import type { EngineCore } from './engine-core.ts';
import type { Job } from './job.ts';
import { expiredBeforeDelivery, generationError, lostUpstream, refundFor, timedOut } from './job-errors.ts';
import { nextPollDelay } from './poll-schedule.ts';

/** Poll bookkeeping of one followed job. */
export interface PollState {
  polls: number;
  errors: number;
  hintMs?: number;
}

export class PollCheck {
  constructor(
    private readonly core: EngineCore,
    /** Per-job bookkeeping, shared with whoever starts following a job. */
    readonly states: Map<string, PollState>,
    /** A job was written as completed (its slot released): deliver it. */
    private readonly onCompleted: (job: Job, video: Video) => void,
  ) {}

  /** One check of `jobId`: the delay until the next one, or `undefined` to stop following it. */
  check(jobId: string): Promise<number | undefined> {
    return checkJob(this.core, this.states, this.onCompleted, jobId);
  }

  /** The delay before the first check of a just-adopted job. */
  firstDelay(job: Job, hintMs: number | undefined): number {
    this.states.set(job.id, { polls: 0, errors: 0, ...(hintMs ? { hintMs } : {}) });
    return nextPollDelay(
      this.core.deps.timing.poll,
      {
        polls: 0,
        expectedRunMs: this.core.durations.expectedMs(job.seconds),
        runningForMs: 0,
        progress: job.progress,
        hintMs,
        consecutiveErrors: 0,
      },
      this.core.deps.random,
    );
  }
}

type Completed = (job: Job, video: Video) => void;

async function checkJob(
  core: EngineCore,
  states: Map<string, PollState>,
  onCompleted: Completed,
  jobId: string,
): Promise<number | undefined> {
  const job = core.active.get(jobId);
  if (!job?.videoId || (job.state !== 'submitted' && job.state !== 'in_progress')) return undefined;
  const videoId = job.videoId;
  if (core.now() >= job.deadlineAt) {
    await core.fail(job, timedOut(), { refund: true });
    await core.upstream('delete', job.id, () => core.clientFor(job).delete(videoId)).catch(() => undefined);
    return undefined;
  }
  const state = states.get(jobId) ?? { polls: 0, errors: 0 };
  states.set(jobId, state);
  let video: Video & PollHint;
  try {
    video = await core.upstream('retrieve', jobId, () =>
      core.clientFor(job).retrieve(videoId, { signal: core.abort.signal }),
    );
    state.errors = 0;
    if (video.pollAfterMs !== undefined) state.hintMs = video.pollAfterMs;
    else delete state.hintMs;
  } catch (err) {
    if (core.abort.signal.aborted) return undefined;
    if (err instanceof VideoNotFoundError) {
      await core.fail(job, lostUpstream(), { refund: true });
      return undefined;
    }
    state.errors += 1;
    if (err instanceof RetryAfterError && err.retryAfterMs !== undefined) state.hintMs = err.retryAfterMs;
    core.logger.debug('status check failed, backing off', { job: jobId, errors: state.errors, err });
    return delayFor(core, jobId, state);
  } finally {
    state.polls += 1;
  }
  try {
    const follow = await apply(core, states, onCompleted, jobId, video);
    return follow ? delayFor(core, jobId, state) : undefined;
  } catch (err) {
    // The answer could not be written (store busy or unwritable): keep following the job with
    // backoff, or it would sit in its last state until the next restart.
    if (core.abort.signal.aborted) return undefined;
    core.problem('applying a status check', err, jobId);
    state.errors += 1;
    return delayFor(core, jobId, state);
  }
}

function delayFor(core: EngineCore, jobId: string, state: PollState) {
  const job = core.active.get(jobId);
  if (!job) return undefined;
  const running = core.now() - (job.startedAt ?? job.submittedAt ?? job.createdAt);
  return nextPollDelay(
    core.deps.timing.poll,
    {
      polls: state.polls,
      expectedRunMs: core.durations.expectedMs(job.seconds),
      runningForMs: running,
      progress: job.progress,
      hintMs: state.hintMs,
      consecutiveErrors: state.errors,
    },
    core.deps.random,
  );
}

/** Apply an upstream answer. Returns true while the job should still be polled. */
async function apply(
  core: EngineCore,
  states: Map<string, PollState>,
  onCompleted: Completed,
  jobId: string,
  video: Video,
): Promise<boolean> {
  const job = core.active.get(jobId);
  if (!job) return false;
  switch (video.status) {
    case 'queued':
    case 'in_progress': {
      const state = video.status === 'queued' ? 'submitted' : 'in_progress';
      if (state !== job.state || video.progress !== job.progress) {
        const patch: Parameters<EngineCore['update']>[1] = { state, progress: video.progress };
        if (state === 'in_progress' && job.startedAt === undefined) patch.startedAt = core.now();
        if (await core.updateIfActive(job, patch)) core.notifier.progress(jobId);
      }
      return true;
    }
    case 'completed': {
      const now = core.now();
      const patch: Parameters<EngineCore['update']>[1] = {
        state: 'completed',
        progress: 100,
        completedAt: now,
      };
      if (video.expiresAt !== undefined) patch.resultExpiresAt = video.expiresAt * 1000;
      const done = await core.updateIfActive(job, patch);
      if (!done) return false;
      core.durations.record(done.seconds, now - (done.submittedAt ?? done.createdAt));
      states.delete(jobId);
      core.releaseSlot(jobId);
      onCompleted(done, video);
      return false;
    }
    case 'expired':
      await core.fail(job, expiredBeforeDelivery(), { refund: true, state: 'expired' });
      states.delete(jobId);
      return false;
    default: {
      // failed, or cancelled by someone else upstream
      const error = generationError(video.error);
      await core.fail(job, error, { refund: refundFor(error) });
      states.delete(jobId);
      return false;
    }
  }
}
