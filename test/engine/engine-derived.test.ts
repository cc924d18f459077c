/**
 * Extensions and edits in the engine: charged by the added seconds, refunded to the second when
 * the upstream fails or lacks the route, and a route found missing is refused at once afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { actor, type Harness, request, startHarness, submitted, waitForState } from './engine-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const seconds = async (userId: string) => (await h!.engine.usage(actor(userId), 'ws1')).seconds.used;
const place = { platform: 'cli' as const, workspaceId: 'ws1', channelId: 'c1' };

async function delivered(prompt: string) {
  const { job } = submitted(await h!.engine.submit(request('u1', prompt)));
  return waitForState(h!.engine, job.id, 'delivered');
}

describe('extensions and edits', () => {
  it('an extension is charged its added seconds and its video is the stitched total, a child in the lineage', async () => {
    h = await startHarness();
    const source = await delivered('a paper boat');
    const before = await seconds('u2');
    const out = submitted(
      await h.engine.extendFromResult(source.videoId!, 'it sails away', 8, actor('u2'), place),
    );
    expect(out.job).toMatchObject({ kind: 'extend', seconds: 8, parentVideoId: source.videoId });
    expect((await seconds('u2')) - before).toBe(8);
    const done = await waitForState(h.engine, out.job.id, 'delivered');
    expect(h.sim.jobs().find((j) => j.id === done.videoId)?.seconds).toBe(12);
    const [self, parent] = await h.engine.lineage(done.videoId!);
    expect(self?.videoId).toBe(done.videoId);
    expect(parent?.videoId).toBe(source.videoId);
    expect((await h.engine.children(source.videoId!)).map((c) => c.videoId)).toContain(done.videoId);
  });

  it('a length that is not offered is refused, nothing charged', async () => {
    h = await startHarness();
    const source = await delivered('a kettle');
    const out = await h.engine.extendFromResult(source.videoId!, 'it boils', 5, actor('u2'), place);
    expect(out.ok).toBe(false);
    expect(out.ok ? undefined : out.refusal.code).toBe('invalid_parameter');
    expect(await seconds('u2')).toBe(0);
  });

  it('an extension the upstream fails is refunded to the second', async () => {
    h = await startHarness();
    const source = await delivered('a lantern');
    const out = submitted(
      await h.engine.extendFromResult(source.videoId!, 'it flickers [fail]', 12, actor('u2'), place),
    );
    expect(await seconds('u2')).toBe(12);
    const failed = await waitForState(h.engine, out.job.id, 'failed');
    expect(failed.error?.userFault).toBe(false);
    expect(await seconds('u2')).toBe(0);
  });

  it('an upstream without the route: the first try fails refunded, the next is refused before anything is charged', async () => {
    h = await startHarness({ sim: { editRoutes: false } });
    const source = await delivered('a snow globe');
    const first = submitted(
      await h.engine.editFromResult(source.videoId!, 'make it rain', actor('u2'), place),
    );
    const failed = await waitForState(h.engine, first.job.id, 'failed');
    expect(failed.error?.code).toBe('unsupported');
    expect(await seconds('u2')).toBe(0);
    const again = await h.engine.editFromResult(source.videoId!, 'make it rain', actor('u2'), place);
    expect(again.ok ? undefined : again.refusal).toEqual({
      code: 'unsupported',
      values: { feature: 'edits' },
    });
    expect(await seconds('u2')).toBe(0);
  });
});
