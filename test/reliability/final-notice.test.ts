/**
 * Found by the SIGKILL suite: a crash between writing a job's end (failed, cancelled) and telling
 * its requester left the requester waiting forever, because a restart only resumed jobs that were
 * not terminal. The notice is now owed durably and a restart sends it.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { jobErrorText } from '../../src/presentation/job-error-text.ts';
import {
  type Harness,
  RecordingSurface,
  request,
  startHarness,
  submitted,
  tempDir,
  waitFor,
  waitForState,
} from '../engine/engine-harness.ts';

/** A platform that takes the job message but never confirms the final notice (the process dies). */
class MuteSurface extends RecordingSurface {
  override jobFailed(): Promise<void> {
    return new Promise(() => undefined);
  }
  override jobCancelled(): Promise<void> {
    return new Promise(() => undefined);
  }
}

let open: Harness[] = [];
let dirs: string[] = [];
afterEach(async () => {
  for (const h of open) await h.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  open = [];
  dirs = [];
});

async function harness(dir: string, surface: RecordingSurface): Promise<Harness> {
  const h = await startHarness({ dir, surface });
  open.push(h);
  return h;
}

describe('final notices survive a restart', () => {
  it('a failure written just before the process stopped is told to the requester by the next start', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const first = await harness(dir, new MuteSurface());
    const { job } = submitted(await first.engine.submit(request('u1', 'breaks half-way [fail]')));
    await waitForState(first.engine, job.id, 'failed');
    await first.engine.stop();
    await first.store.close(); // as a stopped process does: the next start takes the store

    const surface = new RecordingSurface();
    const second = await startHarness({ dir, surface, simulator: first.sim });
    open.unshift(second);
    const told = await waitFor(() => surface.of('failed', job.id)[0], 'the failure notice after restart');
    expect(jobErrorText('en', told.view.job.error)).not.toBe(jobErrorText('en', undefined));
    await waitFor(
      async () => (await second.engine.getJob(job.id))?.noticePending === false,
      'the notice to be marked sent',
    );
    expect(surface.of('accepted', job.id)).toHaveLength(0); // its message was already posted
  });

  it('a cancel whose notice was cut off is told after the restart, naming who cancelled', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const first = await harness(dir, new MuteSurface());
    const { job } = submitted(await first.engine.submit(request('u1', 'runs forever [never]')));
    await waitForState(first.engine, job.id, 'in_progress');
    const admin = { ...request('admin', 'x').actor, displayName: 'The Admin' };
    expect((await first.engine.cancel(job.id, admin)).ok).toBe(true);
    await first.engine.stop();
    await first.store.close(); // as a stopped process does: the next start takes the store

    const surface = new RecordingSurface();
    const second = await startHarness({ dir, surface, simulator: first.sim });
    open.unshift(second);
    await waitFor(() => surface.of('cancelled', job.id)[0], 'the cancel notice after restart');
    expect((await second.engine.getJob(job.id))?.cancelledBy?.displayName).toBe('The Admin');
  });

  it('a notice that was sent is not sent again by the next start', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const first = await harness(dir, new RecordingSurface());
    const { job } = submitted(await first.engine.submit(request('u1', 'breaks [fail]')));
    await waitFor(
      async () => (await first.engine.getJob(job.id))?.noticePending === false,
      'the notice to be marked sent',
    );
    await first.engine.stop();
    await first.store.close(); // as a stopped process does: the next start takes the store
    const surface = new RecordingSurface();
    const second = await startHarness({ dir, surface, simulator: first.sim });
    open.unshift(second);
    await second.engine.idle();
    expect(surface.of('failed')).toHaveLength(0);
  });
});
