import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store, StoreError } from '../../src/engine/store.ts';
import { jobErrorText } from '../../src/presentation/job-error-text.ts';
import { refusalText } from '../../src/presentation/refusal-text.ts';
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

/** Delegates to `inner`, but the first write that marks a submission attempt fails like a busy disk. */
function failFirstAttemptWrite(inner: Store): Store & { failed: number } {
  const wrapped = {
    failed: 0,
    location: inner.location,
    get: <T>(key: string) => inner.get<T>(key),
    getMany: <T>(keys: readonly string[]) => inner.getMany<T>(keys),
    set: async (key: string, value: unknown) => {
      const marksAttempt = (value as { submitInFlight?: boolean } | null)?.submitInFlight === true;
      if (marksAttempt && wrapped.failed === 0) {
        wrapped.failed += 1;
        throw new StoreError("the bot's database is busy (test)", 'test.sqlite');
      }
      await inner.set(key, value);
    },
    delete: (key: string) => inner.delete(key),
    scan: <T>(prefix: string) => inner.scan<T>(prefix),
    scanFields: inner.scanFields.bind(inner),
    close: () => inner.close(),
  };
  return wrapped;
}

describe('store and upstream failures', () => {
  it('a store write that fails as a submission starts puts the job back in the queue; it is delivered, created once', async () => {
    const dir = tempDir();
    const store = failFirstAttemptWrite(await openStore(`sqlite://${join(dir, 'store.sqlite')}`));
    h = await startHarness({ dir, engine: { store } });
    const { job } = submitted(await h.engine.submit(request('u1', 'a busy disk')));
    const done = await waitForState(h.engine, job.id, 'delivered', 'failed');
    expect(store.failed).toBe(1);
    expect(done.state).toBe('delivered');
    expect(h.sim.stats.count('create')).toBe(1);
    await store.close();
  });

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
      expect(refusalText('en', out.refusal, 'cli')).toMatch(/Nothing was charged/);
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
    expect(jobErrorText('en', failed.error)).toMatch(/Nothing was charged/);
    expect(JSON.stringify(failed.error)).not.toMatch(/sim-key/);
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
