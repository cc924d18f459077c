import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { refusalText } from '../../src/presentation/refusal-text.ts';
import {
  actor,
  clientFor,
  type Harness,
  RecordingSurface,
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

describe('delivery and lineage', () => {
  it('a surface whose upload rejects twice gets the video delivered once, on the third try', async () => {
    const surface = new RecordingSurface();
    surface.failCompleted = 2;
    h = await startHarness({ surface });
    const { job } = submitted(await h.engine.submit(request('u1', 'flaky platform')));
    const done = await waitForState(h.engine, job.id, 'delivered');
    expect(surface.of('completed', job.id)).toHaveLength(1);
    expect(done.attempts.delivery).toBe(3);
    expect(done.resultMessageRef).toBe(`r-${job.id}`);
    // Downloaded once despite three delivery tries (one video + one thumbnail request), then removed.
    const fetches = h.sim.stats.requests({ route: 'content', videoId: done.videoId! });
    expect(fetches.filter((r) => r.status === 200).length).toBeLessThanOrEqual(2);
    const videos = join(h.dir, 'data', 'videos');
    await waitFor(() => (existsSync(videos) ? readdirSync(videos) : []).length === 0, 'local copy removed');
  });

  it('a result already gone upstream (410) is not downloaded again: the job ends expired and is refunded', async () => {
    h = await startHarness();
    h.sim.faults.inject({ route: 'content', kind: 'status', status: 410, times: Number.POSITIVE_INFINITY });
    const { job } = submitted(await h.engine.submit(request('u1', 'gone too soon')));
    const done = await waitForState(h.engine, job.id, 'expired', 'delivered');
    expect(done.state).toBe('expired');
    expect(done.error?.code).toBe('expired');
    const fetches = h.sim.stats.requests({ route: 'content', videoId: done.videoId! });
    expect(fetches.map((r) => r.status)).toEqual([410]);
    expect((await h.engine.usage(actor('u1'), 'ws1')).videos.used).toBe(0);
  });

  it('a job message that cannot be posted at first is retried, and nothing else is sent before it', async () => {
    const surface = new RecordingSurface();
    surface.failAccepted = 2;
    h = await startHarness({ surface });
    const { job } = submitted(await h.engine.submit(request('u1', 'late message')));
    const done = await waitForState(h.engine, job.id, 'delivered');
    expect(surface.calls[0]?.kind).toBe('accepted');
    expect(done.place.messageRef).toBeDefined();
  });

  it('lineage follows several remixes newest → root, with children', async () => {
    h = await startHarness();
    const root = await waitForState(
      h.engine,
      submitted(await h.engine.submit(request('u1', 'a lighthouse at dusk'))).job.id,
      'delivered',
    );
    let parent = root;
    const prompts = ['make it snow', 'add a red boat', 'switch to night'];
    for (const p of prompts) {
      const r = submitted(await h.engine.submit(request('u2', p, { remixOf: parent.videoId! })));
      expect(r.job.kind).toBe('remix');
      parent = await waitForState(h.engine, r.job.id, 'delivered');
    }
    const chain = await h.engine.lineage(parent.videoId!, 'cli');
    expect(chain.map((e) => e.prompt)).toEqual([
      'switch to night',
      'add a red boat',
      'make it snow',
      'a lighthouse at dusk',
    ]);
    expect(chain[0]?.videoId).toBe(parent.videoId);
    expect(chain.at(-1)?.videoId).toBe(root.videoId);
    expect(chain[0]?.link).toContain('https://chat.test/');
    const kids = await h.engine.children(root.videoId!);
    expect(kids.map((k) => k.prompt)).toEqual(['make it snow']);
    const delivered = h.surface.of('completed', parent.id)[0];
    expect(delivered?.kind === 'completed' && delivered.lineage.length).toBe(4);
    const found = await h.engine.findJobByVideoId(parent.videoId!);
    expect(found?.id).toBe(parent.id);
    const recent = await h.engine.recentVideos({ platform: 'cli', workspaceId: 'ws1', userId: 'u2' });
    expect(recent.map((r) => r.prompt)).toEqual(['switch to night', 'add a red boat', 'make it snow']);
  });

  it('a remix of a video made outside the bot works, with lineage beyond it by id only', async () => {
    h = await startHarness();
    const outside = await clientFor(h.sim).create({ prompt: 'made elsewhere', seconds: 4 });
    h.sim.completeNow(outside.id);
    const r = submitted(await h.engine.submit(request('u1', 'add fireworks', { remixOf: outside.id })));
    const done = await waitForState(h.engine, r.job.id, 'delivered');
    const chain = await h.engine.lineage(done.videoId!);
    expect(chain).toHaveLength(2);
    expect(chain[1]).toEqual({ videoId: outside.id });
  });

  it('a remix of an unknown, unfinished or expired source is refused before anything is charged', async () => {
    h = await startHarness({ sim: { timing: { queuedMs: 5000 } } });
    const unknown = await h.engine.submit(request('u1', 'x', { remixOf: 'video_doesnotexist' }));
    expect(unknown.ok ? 'ok' : unknown.refusal.code).toBe('source_not_found');
    const client = clientFor(h.sim);
    const pending = await client.create({ prompt: 'still going', seconds: 4 });
    const notDone = await h.engine.submit(request('u1', 'x', { remixOf: pending.id }));
    expect(notDone.ok ? 'ok' : notDone.refusal.code).toBe('source_not_completed');
    h.sim.expireNow(pending.id);
    const expired = await h.engine.submit(request('u1', 'x', { remixOf: pending.id }));
    expect(expired.ok ? 'ok' : expired.refusal.code).toBe('source_expired');
    const bad = await h.engine.submit(request('u1', 'x', { size: '999x999' }));
    expect(bad.ok ? 'ok' : refusalText('en', bad.refusal, 'cli')).toMatch(/1280x720/);
  });
});
