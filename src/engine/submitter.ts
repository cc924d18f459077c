/**
 * Sending one waiting job to the upstream, never twice. A POST whose outcome is unknown (5xx,
 * timeout, connection lost) is looked for in the upstream's list before the job is given up.
 * The submitter says what happened ({@link SubmitOutcome}); which job goes next, and when, is
 * the scheduler's business.
 */
import { readFile } from 'node:fs/promises';
import { RateLimitedError, UnauthorizedError } from '../video/errors.ts';
import type { PollHint, Video, VideoApi } from '../video/video.ts';
import type { EngineCore } from './engine-core.ts';
import type { Job } from './job.ts';
import { noAnswer, outcomeUnknown, refundFor, submitError } from './job-errors.ts';
import { sleep } from './sleep.ts';

/** Queue key of a job's requester (fairness is per person). */
export function userKeyOf(job: Job): string {
  return `${job.requester.platform}:${job.requester.userId}`;
}

export type SubmitOutcome =
  /** The job has its upstream id and is written as submitted: follow it. */
  | { kind: 'adopted'; job: Job; video: Video & PollHint }
  /** Not sent (429, or provably never arrived): back to the front of its user's queue, after `pauseMs`. */
  | { kind: 'retry'; job: Job; pauseMs?: number }
  /** It ended here (failed, or cancelled meanwhile): its slot is free. */
  | { kind: 'ended' }
  /** The engine is stopping: nothing more is done; the next start (or another instance) resumes it. */
  | { kind: 'stopped' };

/** Most create attempts per job when the upstream's list proves earlier ones never arrived. */
const MAX_SUBMIT_ATTEMPTS = 3;

export class Submitter {
  constructor(private readonly core: EngineCore) {}

  /**
   * POST a waiting job on key `keyIndex` (its attempt and key written first, so a crash knows
   * it may have been sent, and on which key).
   */
  async submit(waiting: Job, keyIndex = 0): Promise<SubmitOutcome> {
    const core = this.core;
    const job = await core.update(waiting, {
      keyIndex,
      submitInFlight: true,
      submittedAt: core.now(),
      attempts: { ...waiting.attempts, submit: waiting.attempts.submit + 1 },
    });
    let video: Video & PollHint;
    try {
      video = await this.#post(job);
    } catch (err) {
      if (core.abort.signal.aborted) return { kind: 'stopped' }; // recovery resolves the unknown outcome
      if (!core.active.has(job.id)) return { kind: 'ended' }; // cancelled while the POST was out
      if (err instanceof RateLimitedError) return this.#rateLimited(job, err.retryAfterMs);
      // The key was refused, so nothing was created: another key of the pool takes the job. A job
      // refused together with another finds the key already taken out by that one's answer.
      const pool = core.deps.pool;
      if (err instanceof UnauthorizedError && (pool.disable(keyIndex) || !pool.isEnabled(keyIndex))) {
        const back = await core.updateIfActive(job, { submitInFlight: false });
        return back ? { kind: 'retry', job: back } : { kind: 'ended' };
      }
      if (outcomeUnknown(err)) {
        core.logger.warn('create outcome unknown, looking for it upstream', { job: job.id, err });
        return this.resolveUnknown(job);
      }
      const error = submitError(err);
      await core.fail(job, error, { refund: refundFor(error) });
      return { kind: 'ended' };
    }
    return this.#adopt(job, video);
  }

  /**
   * A create may or may not have reached the server. Look for a video with the same prompt
   * created since the attempt; adopt it when found. When the grace period ends and every look
   * at the upstream's list worked, the attempt provably never arrived (e.g. the process was
   * killed before the request left): the job is to be submitted again, so it is neither lost
   * nor submitted twice. Without a working list it fails, refunded.
   */
  async resolveUnknown(job: Job): Promise<SubmitOutcome> {
    const core = this.core;
    const { unknownSubmitGraceMs, unknownSubmitCheckMs } = core.deps.timing;
    const since = job.submittedAt ?? job.createdAt;
    // The grace runs from when we learned the outcome is unknown (again after a restart).
    const giveUpAt = core.now() + unknownSubmitGraceMs;
    let everyListWorked = true;
    for (;;) {
      if (!core.active.has(job.id)) return { kind: 'ended' }; // cancelled meanwhile
      const { found, listed } = await this.#findSubmitted(job, since);
      everyListWorked &&= listed;
      if (found) {
        core.logger.info('found the job upstream after an unknown outcome', { job: job.id, video: found.id });
        return this.#adopt(job, found);
      }
      if (core.now() >= giveUpAt) break;
      if (!(await sleep(unknownSubmitCheckMs, core.abort.signal))) return { kind: 'stopped' };
    }
    if (everyListWorked && job.attempts.submit < MAX_SUBMIT_ATTEMPTS) {
      const back = await core.updateIfActive(job, { submitInFlight: false });
      if (!back) return { kind: 'ended' };
      core.logger.info('earlier create never reached the upstream, submitting again', { job: job.id });
      core.notifier.progress(job.id);
      return { kind: 'retry', job: back };
    }
    await core.fail(job, noAnswer(), { refund: true });
    return { kind: 'ended' };
  }

  async #post(job: Job) {
    const core = this.core;
    const parent = job.parentVideoId;
    const call = { signal: core.abort.signal };
    if (job.kind === 'extend' && parent) {
      // `seconds` is what is added; the upstream's answer carries the stitched total.
      const input = { videoId: parent, prompt: job.prompt, seconds: job.seconds };
      return core.upstream('extend', job.id, () => core.clientFor(job).extend(input, call));
    }
    if (job.kind === 'edit' && parent) {
      const input = { videoId: parent, prompt: job.prompt };
      return core.upstream('edit', job.id, () => core.clientFor(job).edit(input, call));
    }
    if (job.kind === 'remix' && parent) {
      return core.upstream('remix', job.id, () =>
        core
          .clientFor(job)
          .remix({ videoId: parent, prompt: job.prompt, size: job.size }, { signal: core.abort.signal }),
      );
    }
    const input: Parameters<VideoApi['create']>[0] = {
      prompt: job.prompt,
      model: job.model,
      size: job.size,
      seconds: job.seconds,
    };
    if (job.image) {
      const data = await readFile(job.image.path);
      input.inputReference = { data, contentType: job.image.contentType, fileName: job.image.fileName };
    }
    return core.upstream('create', job.id, () =>
      core.clientFor(job).create(input, { signal: core.abort.signal }),
    );
  }

  async #rateLimited(job: Job, retryAfterMs: number | undefined): Promise<SubmitOutcome> {
    const core = this.core;
    const pauseMs = retryAfterMs ?? core.deps.timing.rateLimitBackoffMs;
    const back = await core.updateIfActive(job, { submitInFlight: false });
    if (!back) return { kind: 'ended' };
    core.logger.info('upstream busy (429), job back in the queue', { job: job.id, pauseMs });
    core.notifier.progress(job.id);
    return { kind: 'retry', job: back, pauseMs };
  }

  async #findSubmitted(job: Job, sinceMs: number): Promise<{ found?: Video; listed: boolean }> {
    const core = this.core;
    try {
      const list = await core.upstream('list', job.id, () =>
        core.clientFor(job).list({ limit: 50, order: 'desc' }, { signal: core.abort.signal }),
      );
      for (const v of list.data) {
        // Upstream clocks drift; allow a minute of skew before the attempt.
        const created = (v.createdAt ?? 0) * 1000;
        if (v.prompt !== job.prompt || created < sinceMs - 60_000) continue;
        const owner = await core.jobs.jobIdForVideo(v.id);
        if (owner === undefined || owner === job.id) return { found: v, listed: true };
      }
      // Absence only proves something when the upstream says what each video's prompt is.
      return { listed: list.data.every((v) => v.prompt !== undefined) };
    } catch (err) {
      core.logger.debug('listing upstream videos failed', { job: job.id, err });
      return { listed: false };
    }
  }

  /** The job has an upstream id: record it (lineage and index first, then the job). */
  async #adopt(job: Job, video: Video & PollHint): Promise<SubmitOutcome> {
    const core = this.core;
    await core.lineage.record(job, video.id);
    await core.jobs.linkVideo(video.id, job.id);
    const next = await core.updateIfActive(job, {
      videoId: video.id,
      submitInFlight: false,
      state: video.status === 'queued' ? 'submitted' : 'in_progress',
      progress: video.progress,
    });
    if (!next) {
      // Cancelled while the POST was in flight: stop it upstream too.
      await core
        .upstream('delete', job.id, () => core.clientFor(job).delete(video.id))
        .catch(() => undefined);
      return { kind: 'ended' };
    }
    core.ensureOffers();
    core.notifier.progress(next.id);
    return { kind: 'adopted', job: next, video };
  }
}
