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

describe('JobNotifier under a slow chat platform', () => {
  /** A surface whose calls wait until the test lets them go, so the backlog can be seen. */
  function slowSetup(maxConcurrentUpdates: number) {
    const clock = new ManualClock();
    const jobs = new Map<string, Job>();
    const pending: Array<{ what: string; release: () => void }> = [];
    const started: string[] = [];
    const hold = (what: string) =>
      new Promise<void>((release) => {
        started.push(what);
        pending.push({ what, release });
      });
    const surface: Surface = {
      jobAccepted: async (v: JobView): Promise<MessageRef> => {
        await hold(`accepted ${v.job.id}`);
        return { messageRef: `m-${v.job.id}` };
      },
      jobProgress: async (v: JobView) => hold(`progress ${v.job.id} ${v.job.progress}`),
      jobCompleted: async () => undefined,
      jobFailed: async () => undefined,
      jobCancelled: async () => undefined,
    };
    const notifier = new JobNotifier({
      progressIntervalMs: 1000,
      retryBaseMs: 1,
      retryMaxMs: 1,
      clock,
      logger: silentLogger,
      signal: new AbortController().signal,
      surfaceFor: () => surface,
      view: (id) => {
        const job = jobs.get(id);
        return job ? { job: { ...job }, queueLength: 0, elapsedMs: 0 } : undefined;
      },
      placed: async () => undefined,
      maxConcurrentUpdates,
    });
    const add = (id: string) => {
      jobs.set(id, { id, place: { platform: 'cli' }, progress: 0 } as unknown as Job);
      return jobs.get(id)!;
    };
    const releaseAll = async () => {
      while (pending.length > 0) {
        for (const p of pending.splice(0)) p.release();
        await clock.advance(0);
      }
    };
    return { clock, notifier, add, pending, started, releaseAll };
  }

  it('sends job messages a few at a time over all jobs, each once', async () => {
    const { clock, notifier, add, pending, started, releaseAll } = slowSetup(3);
    for (let n = 0; n < 10; n++) notifier.accepted(add(`job_${n}`).id);
    await clock.advance(0);
    expect(pending.map((p) => p.what)).toEqual(['accepted job_0', 'accepted job_1', 'accepted job_2']);
    pending.shift()!.release();
    await clock.advance(0);
    expect(pending).toHaveLength(3);
    expect(started).toContain('accepted job_3');
    await releaseAll();
    expect(started.filter((s) => s.startsWith('accepted'))).toHaveLength(10);
    expect(new Set(started).size).toBe(10);
  });

  it('keeps at most one progress edit waiting per job, showing the latest progress', async () => {
    const { clock, notifier, add, pending, started, releaseAll } = slowSetup(1);
    const blocker = add('job_a');
    const job = add('job_b');
    notifier.accepted(blocker.id);
    notifier.accepted(job.id);
    await clock.advance(0);
    expect(pending.map((p) => p.what)).toEqual(['accepted job_a']);
    // job_b's message is still waiting for the one free slot; its progress moves on meanwhile.
    for (const p of [10, 20, 30, 40, 50]) {
      job.progress = p;
      notifier.progress(job.id);
      await clock.advance(1000);
    }
    await releaseAll();
    expect(started).toEqual(['accepted job_a', 'accepted job_b', 'progress job_b 50']);
  });
});
