/**
 * Taking waiting jobs from the fair queue to the upstream, never more in flight than the
 * cap, never submitting one job twice. A POST whose outcome is unknown (5xx, timeout,
 * connection lost) is looked for in the upstream's list before the job is given up.
 */
import { readFile } from 'node:fs/promises';
import { RateLimitedError } from '../video/errors.ts';
import type { Video } from '../video/video.ts';
import type { EngineCore } from './engine-core.ts';
import type { Job } from './job.ts';
import { noAnswer, outcomeUnknown, refundFor, submitError } from './job-errors.ts';
import { nextPollDelay } from './poll-schedule.ts';
import { sleep } from './sleep.ts';

/** Queue key of a job's requester (fairness is per person). */
export function userKeyOf(job: Job): string {
  return `${job.requester.platform}:${job.requester.userId}`;
}

/** Submit waiting jobs while slots are free and we are not paused by a 429. */
export function pump(core: EngineCore): void {
  if (core.abort.signal.aborted) return;
  const wait = core.pausedUntil - core.now();
  if (wait > 0) {
    if (!pumpTimer.has(core)) {
      const t = setTimeout(() => {
        pumpTimer.delete(core);
        pump(core);
      }, wait);
      pumpTimer.set(core, t);
    }
    return;
  }
  while (core.slots.size < core.deps.maxConcurrency && core.queue.size > 0) {
    const id = core.queue.shift();
    const job = id === undefined ? undefined : core.active.get(id);
    if (job?.state !== 'waiting') continue;
    core.acquireSlot(job.id);
    void submit(core, job).catch((err: unknown) => {
      core.problem('submission failed', err, job.id);
      void recoverFailedSubmit(core, job.id);
    });
  }
}

/**
 * `submit` threw outside the upstream call (e.g. the store was busy). A job that never got
 * its attempt written goes back to the front of its user's queue after a pause; one whose
 * attempt may have been sent is looked for upstream, as after a crash. Never left stranded.
 */
async function recoverFailedSubmit(core: EngineCore, jobId: string): Promise<void> {
  const job = core.active.get(jobId);
  if (job?.state !== 'waiting' || core.abort.signal.aborted) {
    core.releaseSlot(jobId);
    return;
  }
  if (job.submitInFlight) {
    await resolveUnknownSubmission(core, job).catch((err: unknown) => {
      core.problem('resolving an unknown submission', err, jobId);
      core.releaseSlot(jobId);
    });
    return;
  }
  core.pausedUntil = Math.max(core.pausedUntil, core.now() + core.deps.timing.surfaceRetryBaseMs);
  core.queue.pushFront(job.id, userKeyOf(job));
  core.releaseSlot(jobId);
}

const pumpTimer = new WeakMap<EngineCore, NodeJS.Timeout>();

/** Clear the 429 pause timer (engine stop). */
export function stopPump(core: EngineCore): void {
  const t = pumpTimer.get(core);
  if (t) clearTimeout(t);
  pumpTimer.delete(core);
}

async function submit(core: EngineCore, waiting: Job): Promise<void> {
  // Written before the POST: after a crash we know an attempt may have reached the server.
  const job = await core.update(waiting, {
    submitInFlight: true,
    submittedAt: core.now(),
    attempts: { ...waiting.attempts, submit: waiting.attempts.submit + 1 },
  });
  let video: Video & { pollAfterMs?: number };
  try {
    video = await post(core, job);
  } catch (err) {
    if (core.abort.signal.aborted) return; // stopping: recovery resolves the unknown outcome
    if (!core.active.has(job.id)) {
      core.releaseSlot(job.id); // cancelled while the POST was out
      return;
    }
    if (err instanceof RateLimitedError) {
      await requeueAfterRateLimit(core, job, err.retryAfterMs);
      return;
    }
    if (outcomeUnknown(err)) {
      core.logger.warn('create outcome unknown, looking for it upstream', { job: job.id, err });
      await resolveUnknownSubmission(core, job);
      return;
    }
    const error = submitError(err);
    await core.fail(job, error, { refund: refundFor(error) });
    return;
  }
  await adopt(core, job, video);
}

async function post(core: EngineCore, job: Job) {
  if (job.kind === 'remix' && job.parentVideoId) {
    const parent = job.parentVideoId;
    return core.upstream('remix', job.id, () =>
      core.client.remix(
        { videoId: parent, prompt: job.prompt, size: job.size },
        { signal: core.abort.signal },
      ),
    );
  }
  const input: Parameters<typeof core.client.create>[0] = {
    prompt: job.prompt,
    model: job.model,
    size: job.size,
    seconds: job.seconds,
  };
  if (job.image) {
    const data = await readFile(job.image.path);
    input.inputReference = { data, contentType: job.image.contentType, fileName: job.image.fileName };
  }
  return core.upstream('create', job.id, () => core.client.create(input, { signal: core.abort.signal }));
}

async function requeueAfterRateLimit(core: EngineCore, job: Job, retryAfterMs: number | undefined) {
  const pause = retryAfterMs ?? core.deps.timing.rateLimitBackoffMs;
  core.pausedUntil = Math.max(core.pausedUntil, core.now() + pause);
  const back = await core.updateIfActive(job, { submitInFlight: false });
  if (back) core.queue.pushFront(back.id, userKeyOf(back));
  core.logger.info('upstream busy (429), job back in the queue', { job: job.id, pauseMs: pause });
  core.releaseSlot(job.id);
  core.notifier.progress(job.id);
}

/** Most create attempts per job when the upstream's list proves earlier ones never arrived. */
const MAX_SUBMIT_ATTEMPTS = 3;

/**
 * A create may or may not have reached the server. Look for a video with the same prompt
 * created since the attempt; adopt it when found. When the grace period ends and every look
 * at the upstream's list worked, the attempt provably never arrived (e.g. the process was
 * killed before the request left): the job goes back to the front of its user's queue, so it
 * is neither lost nor submitted twice. Without a working list it fails, refunded.
 */
export async function resolveUnknownSubmission(core: EngineCore, job: Job): Promise<void> {
  const { unknownSubmitGraceMs, unknownSubmitCheckMs } = core.deps.timing;
  const since = job.submittedAt ?? job.createdAt;
  // The grace runs from when we learned the outcome is unknown (again after a restart).
  const giveUpAt = core.now() + unknownSubmitGraceMs;
  let everyListWorked = true;
  for (;;) {
    if (!core.active.has(job.id)) {
      core.releaseSlot(job.id); // cancelled meanwhile
      return;
    }
    const { found, listed } = await findSubmitted(core, job, since);
    everyListWorked &&= listed;
    if (found) {
      core.logger.info('found the job upstream after an unknown outcome', { job: job.id, video: found.id });
      await adopt(core, job, found);
      return;
    }
    if (core.now() >= giveUpAt) break;
    if (!(await sleep(unknownSubmitCheckMs, core.abort.signal))) return;
  }
  if (everyListWorked && job.attempts.submit < MAX_SUBMIT_ATTEMPTS) {
    const back = await core.updateIfActive(job, { submitInFlight: false });
    if (back) core.queue.pushFront(back.id, userKeyOf(back));
    core.logger.info('earlier create never reached the upstream, submitting again', { job: job.id });
    core.releaseSlot(job.id);
    core.notifier.progress(job.id);
    return;
  }
  await core.fail(job, noAnswer(), { refund: true });
}

async function findSubmitted(
  core: EngineCore,
  job: Job,
  sinceMs: number,
): Promise<{ found?: Video; listed: boolean }> {
  try {
    const list = await core.upstream('list', job.id, () =>
      core.client.list({ limit: 50, order: 'desc' }, { signal: core.abort.signal }),
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

/** The job has an upstream id: record it (lineage and index first, then the job), start polling. */
async function adopt(core: EngineCore, job: Job, video: Video & { pollAfterMs?: number }): Promise<void> {
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
    await core.upstream('delete', job.id, () => core.client.delete(video.id)).catch(() => undefined);
    core.releaseSlot(job.id);
    return;
  }
  core.notifier.progress(next.id);
  const state = { polls: 0, errors: 0, ...(video.pollAfterMs ? { hintMs: video.pollAfterMs } : {}) };
  core.pollState.set(next.id, state);
  const delay = nextPollDelay(
    core.deps.timing.poll,
    {
      polls: 0,
      expectedRunMs: core.durations.expectedMs(next.seconds),
      runningForMs: 0,
      progress: video.progress,
      hintMs: video.pollAfterMs,
      consecutiveErrors: 0,
    },
    core.deps.random,
  );
  core.poll.schedule(next.id, core.now() + delay);
}
