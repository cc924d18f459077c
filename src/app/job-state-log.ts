/**
 * One log line per job transition, so an operator can follow any job by its id through the
 * logs (`grep job_...`): the engine itself logs acceptance, failures and cancels, but not the
 * steps in between (submitted, running, completed, delivered, expired).
 */
import type { EngineEvents } from '../engine/engine-events.ts';
import type { Job, JobState } from '../engine/job.ts';
import type { Logger } from '../log/logger.ts';

/** Log every state change after acceptance; returns a function that stops it. */
export function logJobStates(events: EngineEvents, logger: Logger): () => void {
  const onState = (job: Job, previous: JobState | undefined) => {
    if (previous === undefined) return; // the engine's own "job accepted" line covers it
    logger.info('job state', {
      job: job.id,
      state: job.state,
      previous,
      platform: job.place.platform,
      ...(job.videoId ? { video: job.videoId } : {}),
      ...(job.error ? { code: job.error.code } : {}),
      ageMs: Math.max(0, job.updatedAt - job.createdAt),
    });
  };
  events.on('state', onState);
  return () => events.off('state', onState);
}
