import sharp from 'sharp';
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

  it('image to video: the image is fitted to the size, sent once, and a re-roll starts from the same image', async () => {
    h = await startHarness();
    // A square photo for a 1280x720 video: it must be fitted (cover) before it is sent.
    const photo = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#3366aa' } })
      .jpeg()
      .toBuffer();
    const image = { data: photo, contentType: 'image/jpeg', fileName: 'photo.jpg' };
    const first = submitted(await h.engine.submit(request('u1', 'the photo comes alive', { image })));
    expect(first.job.image?.bytes).toBeGreaterThan(0);
    const done = await waitForState(h.engine, first.job.id, 'delivered', 'failed');
    expect(done.state).toBe('delivered');
    const reroll = submitted(
      await h.engine.submit(
        request('u1', 'the photo comes alive', { rerollOf: first.job.id, size: done.size }),
      ),
    );
    expect(reroll.job.image?.path).toBe(first.job.image?.path);
    const again = await waitForState(h.engine, reroll.job.id, 'delivered', 'failed');
    expect(again.state).toBe('delivered');
    // The simulator refuses a reference whose resolution differs from the size, so both were fitted.
    const simJobs = h.sim.jobs();
    expect(simJobs).toHaveLength(2);
    expect(simJobs.every((j) => j.hasInputReference && j.size === '1280x720')).toBe(true);
  });

  it('an image that is not an image is refused before anything is charged or sent', async () => {
    h = await startHarness();
    const image = {
      data: Buffer.from('%PDF-1.7 not a picture'),
      contentType: 'image/png',
      fileName: 'x.png',
    };
    const out = await h.engine.submit(request('u1', 'animate this', { image }));
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.refusal.code).toBe('invalid_parameter');
      expect(out.refusal.values?.detail).toMatch(/image/i);
    }
    expect(h.sim.stats.count('create')).toBe(0);
    expect((await h.engine.usage(request('u1', '').actor, 'ws1')).videos.used).toBe(0);
  });
});
