import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/engine/job.ts';
import { type Harness, request, startHarness, submitted, waitFor, waitForState } from './engine-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('fair queue under the upstream cap', () => {
  it('one user with ten jobs does not delay two others: theirs start before the heavy user’s third', async () => {
    // The simulator refuses (429) anything over 2 at once, so exceeding the cap would show.
    // The heavy user's first two jobs are slow (10x), so all twelve are submitted before a slot frees,
    // however loaded the machine: the order then shows the queue's choice, not submission timing.
    h = await startHarness({
      sim: {
        concurrencyPerKey: 2,
        overLimit: 'reject',
        timing: { queuedMs: 150, msPerVideoSecond: 50, jitter: 0 },
      },
    });
    const engine = h.engine;
    const createdOrder: string[] = [];
    let maxInFlight = 0;
    engine.events.on('upstream', (c) => {
      if (c.op === 'create' && c.ok && c.jobId) createdOrder.push(c.jobId);
    });
    engine.events.on('inflight', (n) => {
      maxInFlight = Math.max(maxInFlight, n);
    });
    let simMax = 0;
    const sampler = setInterval(() => {
      const running = h?.sim
        .jobs()
        .filter((j) => ['waiting', 'queued', 'in_progress'].includes(j.state)).length;
      simMax = Math.max(simMax, running ?? 0);
    }, 5);
    try {
      const heavy: Job[] = [];
      for (let i = 0; i < 10; i++)
        heavy.push(
          submitted(await engine.submit(request('heavy', `heavy job ${i}${i < 2 ? ' [slow]' : ''}`))).job,
        );
      const b = submitted(await engine.submit(request('b', 'light job b'))).job;
      const c = submitted(await engine.submit(request('c', 'light job c'))).job;
      expect(b.id).toBeDefined();
      const all = [...heavy, b, c];
      for (const j of all) await waitForState(engine, j.id, 'delivered');
      const third = createdOrder.indexOf(heavy[2]!.id);
      expect(createdOrder.indexOf(b.id)).toBeLessThan(third);
      expect(createdOrder.indexOf(c.id)).toBeLessThan(third);
      expect(maxInFlight).toBeLessThanOrEqual(2);
      expect(simMax).toBeLessThanOrEqual(2);
      expect(h.sim.stats.requests({ route: 'create' }).filter((r) => r.status === 429)).toHaveLength(0);
      expect(h.sim.stats.count('create')).toBe(12);
    } finally {
      clearInterval(sampler);
    }
  });

  it('a 429 on create puts the job back in the queue instead of failing it', async () => {
    h = await startHarness();
    h.sim.faults.inject({ route: 'create', kind: 'status', status: 429, retryAfterSeconds: 0, times: 2 });
    const states: string[] = [];
    h.engine.events.on('state', (j) => states.push(j.state));
    const { job } = submitted(await h.engine.submit(request('u1', 'busy upstream')));
    const done = await waitForState(h.engine, job.id, 'delivered', 'failed');
    expect(done.state).toBe('delivered');
    expect(done.attempts.submit).toBe(3);
    expect(states).not.toContain('failed');
    expect(h.sim.stats.count('create')).toBe(3);
    expect(h.sim.jobs()).toHaveLength(1);
  });

  it('waiting jobs know their queue position and an ETA', async () => {
    h = await startHarness({
      engine: { maxConcurrency: 1 },
      sim: { timing: { queuedMs: 200, msPerVideoSecond: 40, jitter: 0 } },
    });
    const first = submitted(await h.engine.submit(request('a', 'first')));
    const second = submitted(await h.engine.submit(request('b', 'second')));
    const third = submitted(await h.engine.submit(request('c', 'third')));
    expect(first.position).toBe(1);
    expect(second.position).toBe(1);
    expect(third.position).toBe(2);
    await waitFor(() => h?.surface.of('accepted', third.job.id)[0], 'third accepted');
    const view = h.surface.of('accepted', third.job.id)[0]!.view;
    expect(view.position).toBeGreaterThanOrEqual(1);
    expect(view.etaAt).toBeGreaterThan(Date.now() - 1000);
    await waitForState(h.engine, third.job.id, 'delivered');
  });
});
