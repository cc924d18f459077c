import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, request, startHarness, submitted, waitForState } from './engine-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('engine end to end against the simulator', () => {
  it('a submitted video is accepted, followed, downloaded once and delivered', async () => {
    h = await startHarness();
    const { job } = submitted(await h.engine.submit(request('u1', 'a red fox in snow')));
    expect(job.state).toBe('waiting');
    const done = await waitForState(h.engine, job.id, 'delivered', 'failed');
    expect(done.state).toBe('delivered');
    expect(done.videoId).toMatch(/^video_/);
    const completed = h.surface.of('completed', job.id);
    expect(completed).toHaveLength(1);
    expect(completed[0]?.kind === 'completed' && completed[0].bytes).toBeGreaterThan(100);
    expect(h.surface.calls[0]?.kind).toBe('accepted');
    expect(h.sim.stats.count('create')).toBe(1);
    expect(h.sim.stats.count('content', done.videoId)).toBeGreaterThanOrEqual(1);
  });
});
