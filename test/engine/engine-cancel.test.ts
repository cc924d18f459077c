import { afterEach, describe, expect, it } from 'vitest';
import {
  actor,
  type Harness,
  request,
  startHarness,
  submitted,
  waitFor,
  waitForState,
} from './engine-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('cancellation', () => {
  it('the requester cancels a waiting job: cancelled and refunded, never submitted', async () => {
    h = await startHarness({ engine: { maxConcurrency: 1 }, sim: { timing: { queuedMs: 2000 } } });
    submitted(await h.engine.submit(request('u0', 'occupies the only slot')));
    const { job } = submitted(await h.engine.submit(request('u1', 'will be cancelled')));
    expect((await h.engine.usage(actor('u1'), 'ws1')).videos.used).toBe(1);
    const out = await h.engine.cancel(job.id, actor('u1'));
    expect(out.ok && out.value.state).toBe('cancelled');
    expect((await h.engine.usage(actor('u1'), 'ws1')).videos.used).toBe(0);
    await waitFor(() => h?.surface.of('cancelled', job.id)[0], 'cancel shown');
    expect(h.sim.stats.count('create')).toBe(1);
  });

  it('someone else cannot cancel; an admin can cancel a running job (upstream DELETE, no refund)', async () => {
    h = await startHarness({ sim: { timing: { queuedMs: 50, msPerVideoSecond: 2000 } } });
    const { job } = submitted(await h.engine.submit(request('u1', 'long running')));
    const running = await waitForState(h.engine, job.id, 'submitted', 'in_progress');
    const denied = await h.engine.cancel(job.id, actor('u2'));
    expect(denied.ok ? 'ok' : denied.refusal.code).toBe('not_allowed');
    const out = await h.engine.cancel(job.id, actor('someone', { isAdmin: true }));
    expect(out.ok && out.value.state).toBe('cancelled');
    expect(h.sim.stats.count('delete', running.videoId)).toBe(1);
    expect((await h.engine.usage(actor('u1'), 'ws1')).videos.used).toBe(1);
    const again = await h.engine.cancel(job.id, actor('u1'));
    expect(again.ok ? 'ok' : again.refusal.code).toBe('already_finished');
    expect(h.engine.inFlight).toBe(0);
  });

  it('cancelling an unknown job says so', async () => {
    h = await startHarness();
    const out = await h.engine.cancel('job_nope', actor('u1'));
    expect(out.ok ? 'ok' : out.refusal.code).toBe('not_found');
  });
});
