/** A job record and its view for rendering tests (a running Slack job unless told otherwise). */
import type { Job } from '../../src/engine/job.ts';
import type { JobView } from '../../src/engine/surface.ts';

export function jobFixture(over: Partial<Job> = {}): Job {
  return {
    id: 'job_1',
    kind: 'create',
    state: 'in_progress',
    requester: { platform: 'slack', userId: 'U0ALICE', displayName: 'alice' },
    place: { platform: 'slack', workspaceId: 'T1', channelId: 'C1', messageRef: '1.0' },
    prompt: 'a fox',
    model: 'sora-2',
    size: '1280x720',
    seconds: 8,
    progress: 40,
    createdAt: 0,
    updatedAt: 0,
    deadlineAt: 0,
    attempts: { submit: 1, poll: 1, delivery: 0 },
    quotaDay: '2026-01-01',
    quotaExempt: false,
    simulated: false,
    ...over,
  };
}

/** The view of `job`, 65 s after it was accepted. */
export const viewOf = (job: Job, extra: Partial<JobView> = {}): JobView => ({
  job,
  queueLength: 0,
  elapsedMs: 65_000,
  ...extra,
});
