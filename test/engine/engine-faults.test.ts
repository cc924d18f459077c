import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, StoreError } from '../../src/engine/store.ts';
import {
  actor,
  type Harness,
  request,
  startHarness,
  submitted,
  tempDir,
  waitFor,
  waitForState,
} from './engine-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('store and upstream failures', () => {
  it('a store path that cannot be created fails at start with a clear StoreError', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    const opening = openStore(`sqlite://${join(dir, 'not-a-dir', 'sub', 'db.sqlite')}`);
    await expect(opening).rejects.toBeInstanceOf(StoreError);
    await expect(opening).rejects.toThrow(/database directory .* could not be created: .*check permissions/);
  });

  it('a store that stops working gives a StoreError, and a submit is refused cleanly with nothing charged', async () => {
    h = await startHarness();
    const problems: unknown[] = [];
    h.engine.events.on('problem', (p) => problems.push(p.error));
    await h.store.close(); // the database goes away under the running bot
    await expect(h.store.set('x', 1)).rejects.toThrow(
      /the bot's database at .* could not be written: .*check disk space and permissions/,
    );
    const out = await h.engine.submit(request('u1', 'while the disk is broken'));
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.refusal.code).toBe('unavailable');
      expect(out.refusal.message).toMatch(/Nothing was charged/);
    }
    expect(problems.some((e) => e instanceof StoreError)).toBe(true);
    expect(h.sim.stats.count('create')).toBe(0);
  });

  it('an upstream that fails every create gives a clear job error, refunded, and the next job still works', async () => {
    h = await startHarness();
    // 400 with no known code: a definitive refusal that is not the user's fault.
    h.sim.faults.inject({ route: 'create', kind: 'status', status: 401 });
    const { job } = submitted(await h.engine.submit(request('u1', 'first try')));
    const failed = await waitForState(h.engine, job.id, 'failed');
    expect(failed.error?.message).toMatch(/Nothing was charged/);
    expect(failed.error?.message).not.toMatch(/sim-key/);
    expect((await h.engine.usage(actor('u1'), 'ws1')).videos.used).toBe(0);
    const next = submitted(await h.engine.submit(request('u1', 'second try')));
    expect((await waitForState(h.engine, next.job.id, 'delivered')).state).toBe('delivered');
  });

  it('a 5xx on create is looked for upstream, not blindly re-sent: proven absent → submitted again, one upstream job', async () => {
    h = await startHarness();
    h.sim.faults.inject({ route: 'create', kind: 'status', status: 500 });
    const { job } = submitted(await h.engine.submit(request('u1', 'lost in transit')));
    const done = await waitForState(h.engine, job.id, 'delivered', 'failed');
    expect(done.state).toBe('delivered');
    // The list was consulted before the second POST, and only one job exists upstream.
    const creates = h.sim.stats.requests({ route: 'create' });
    const lists = h.sim.stats.requests({ route: 'list' });
    expect(creates).toHaveLength(2);
    expect(lists.some((l) => l.at >= creates[0]!.at && l.at <= creates[1]!.at)).toBe(true);
    expect(h.sim.jobs()).toHaveLength(1);
    expect((await h.engine.usage(actor('u1'), 'ws1')).videos.used).toBe(1);
  });

  it('a 5xx on create with no way to list upstream videos fails, refunded, created once', async () => {
    h = await startHarness();
    h.sim.faults.inject({ route: 'create', kind: 'status', status: 500 });
    h.sim.faults.inject({ route: 'list', kind: 'status', status: 404, times: Number.POSITIVE_INFINITY });
    const { job } = submitted(await h.engine.submit(request('u1', 'lost in transit')));
    const failed = await waitForState(h.engine, job.id, 'failed');
    expect(failed.error?.code).toBe('upstream_no_answer');
    expect(h.sim.stats.count('create')).toBe(1);
    expect(h.sim.stats.count('list')).toBeGreaterThan(0);
    expect((await h.engine.usage(actor('u1'), 'ws1')).videos.used).toBe(0);
  });

  it('a create whose answer is lost after the server made the job is adopted, not submitted twice', async () => {
    h = await startHarness();
    // The answer is cut off mid-body: the job exists upstream, we never hear its id.
    h.sim.faults.inject({ route: 'create', kind: 'truncate', afterBytes: 20 });
    const { job } = submitted(await h.engine.submit(request('u1', 'slow answer')));
    const done = await waitForState(h.engine, job.id, 'delivered', 'failed');
    expect(done.state).toBe('delivered');
    expect(h.sim.stats.count('create')).toBe(1);
    expect(h.sim.jobs()).toHaveLength(1);
  });

  it('status checks that fail back off and the job still completes', async () => {
    h = await startHarness();
    h.sim.faults.inject({ route: 'retrieve', kind: 'status', status: 503, times: 6 });
    const { job } = submitted(await h.engine.submit(request('u1', 'bumpy polling')));
    const done = await waitForState(h.engine, job.id, 'delivered', 'failed');
    expect(done.state).toBe('delivered');
    await waitFor(() => h?.surface.of('completed', job.id)[0], 'delivered to surface');
  });
});
