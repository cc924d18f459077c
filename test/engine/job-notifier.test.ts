import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/engine/job.ts';
import { JobNotifier, type NotifierClock } from '../../src/engine/job-notifier.ts';
import type { JobView, MessageRef, Surface } from '../../src/engine/surface.ts';
import { silentLogger } from '../../src/log/logger.ts';

/** A clock the test moves by hand; timers fire only when it is advanced. */
class ManualClock implements NotifierClock {
  t = 0;
  timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const timer = { at: this.t + ms, fn, live: true };
    this.timers.push(timer);
    return timer;
  };
  clearTimeout = (h: unknown) => {
    (h as { live: boolean }).live = false;
  };
  async advance(ms: number) {
    this.t += ms;
    for (const timer of this.timers.filter((x) => x.live && x.at <= this.t)) {
      timer.live = false;
      timer.fn();
    }
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
  }
}

function setup() {
  const clock = new ManualClock();
  const job = { id: 'job_1', place: { platform: 'cli' }, progress: 0 } as unknown as Job;
  const sent: string[] = [];
  const surface: Surface = {
    jobAccepted: async (): Promise<MessageRef> => {
      sent.push('accepted');
      return { messageRef: 'm1' };
    },
    jobProgress: async (v: JobView) => {
      sent.push(`progress ${v.job.progress}`);
    },
    jobCompleted: async () => undefined,
    jobFailed: async () => {
      sent.push('failed');
    },
    jobCancelled: async () => undefined,
  };
  const notifier = new JobNotifier({
    progressIntervalMs: 3000,
    retryBaseMs: 1,
    retryMaxMs: 1,
    clock,
    logger: silentLogger,
    signal: new AbortController().signal,
    surfaceFor: () => surface,
    view: () => ({ job: { ...job }, queueLength: 0, elapsedMs: 0 }),
    placed: async () => undefined,
  });
  return { clock, job, sent, notifier };
}

describe('JobNotifier throttling', () => {
  it('coalesces bursts of progress into one edit per interval carrying the latest view', async () => {
    const { clock, job, sent, notifier } = setup();
    notifier.accepted(job.id);
    for (const p of [10, 20, 30]) {
      job.progress = p;
      notifier.progress(job.id);
    }
    await clock.advance(0);
    expect(sent).toEqual(['accepted', 'progress 30']);
    for (const p of [40, 50, 60]) {
      job.progress = p;
      notifier.progress(job.id);
      await clock.advance(500);
    }
    expect(sent).toEqual(['accepted', 'progress 30']);
    await clock.advance(1500);
    expect(sent).toEqual(['accepted', 'progress 30', 'progress 60']);
  });

  it('a final update is always sent and drops the pending progress edit', async () => {
    const { clock, job, sent, notifier } = setup();
    notifier.accepted(job.id);
    job.progress = 10;
    notifier.progress(job.id);
    await clock.advance(0);
    job.progress = 20;
    notifier.progress(job.id);
    await notifier.final(job.id, 'failed', (s, v) =>
      s.jobFailed(v, { code: 'x', message: 'x', userFault: false }),
    );
    await clock.advance(5000);
    expect(sent).toEqual(['accepted', 'progress 10', 'failed']);
  });
});
