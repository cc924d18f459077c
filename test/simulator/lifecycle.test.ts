import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.ts';
import {
  call,
  createVideo,
  download,
  isMp4,
  PNG_MAGIC,
  pollUntilDone,
  progressNumber,
  startFast,
} from './sim-http.ts';

const COMPLETED_WORD: Record<string, RegExp> = {
  openai: /^completed$/,
  'body-remix': /^completed$/,
  form: /^success$/,
  'json-remix-size': /^completed$/,
  gateway: /^(SUCCESS|succeeded|completed)$/,
};

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe.each(['openai', 'body-remix', 'form', 'json-remix-size', 'gateway'] as const)(
  'dialect %s',
  (dialect) => {
    it('moves a job from queued through rising progress to completed and serves a playable MP4', async () => {
      sim = await startFast({ dialect, timing: { msPerVideoSecond: 100 } });
      const created = await createVideo(sim);
      expect(progressNumber(created)).toBe(0);
      const id = String(created.id);

      const answers = await pollUntilDone(sim, id);
      const progress = answers.map(progressNumber);
      for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]!);
      expect(progress.some((p) => p > 0 && p < 100)).toBe(true);
      const last = answers.at(-1)!;
      expect(String(last.status)).toMatch(COMPLETED_WORD[dialect]!);
      expect(progressNumber(last)).toBe(100);
      expect(last.completed_at).toEqual(expect.any(Number));
      expect(Number(last.expires_at)).toBeGreaterThan(Number(last.completed_at));

      const video = await download(sim, `/videos/${id}/content`);
      expect(video.status).toBe(200);
      expect(video.headers.get('content-type')).toBe('video/mp4');
      expect(Number(video.headers.get('content-length'))).toBe(video.bytes.length);
      expect(isMp4(video.bytes)).toBe(true);
    });
  },
);

describe('dialect shapes', () => {
  it('openai writes the official Video object with seconds as a string and video_ ids', async () => {
    sim = await startFast({ dialect: 'openai' });
    const v = await createVideo(sim, { seconds: 8, model: 'sora-2-pro' });
    expect(v).toMatchObject({ object: 'video', model: 'sora-2-pro', status: 'queued', seconds: '8' });
    expect(v.id).toMatch(/^video_[0-9a-f]{24}$/);
    expect(v.remixed_from_video_id).toBeNull();
    expect(v.error).toBeNull();
  });

  it('form hands out an asset link that downloads without the key and reports its size', async () => {
    sim = await startFast({ dialect: 'form', contentEndpoint: false });
    const id = String((await createVideo(sim)).id);
    const last = (await pollUntilDone(sim, id)).at(-1)!;
    const [asset] = last.assets as Array<{
      url: string;
      size_bytes: number;
      duration: number;
      quality: string;
    }>;
    expect(asset).toMatchObject({ duration: 4, quality: '1280x720' });
    const file = await download(sim, asset!.url, null);
    expect(file.status).toBe(200);
    expect(isMp4(file.bytes)).toBe(true);
    expect(file.bytes.length).toBe(asset!.size_bytes);
    // This vendor has no /content.
    expect((await call(sim, `/videos/${id}/content`)).status).toBe(404);
    // A link with a forged signature does not work.
    expect((await download(sim, asset!.url.replace(/sig=\w+/, 'sig=0000'), null)).status).toBe(404);
  });

  it('json-remix-size ids are video_<uuid>, model reads sora_video2 and detail is present', async () => {
    sim = await startFast({ dialect: 'json-remix-size' });
    const v = await createVideo(sim, { model: 'sora-2' });
    expect(v.id).toMatch(/^video_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(v).toMatchObject({ model: 'sora_video2', detail: {} });
  });

  it('gateway uses task ids, numeric seconds, status synonyms and a keyless video_url', async () => {
    sim = await startFast({ dialect: 'gateway' });
    const v = await createVideo(sim, { seconds: 4 });
    expect(v.id).toMatch(/^task_[A-Za-z0-9]{24}$/);
    expect(v.task_id).toBe(v.id);
    expect(v.seconds).toBe(4);
    expect(v).toHaveProperty('metadata');
    expect(v).toHaveProperty('usage');
    const answers = await pollUntilDone(sim, String(v.id));
    const words = new Set(answers.map((a) => String(a.status)));
    // Different spellings appear for the same job as it is polled.
    expect(words.size).toBeGreaterThan(2);
    expect(answers.some((a) => typeof a.progress === 'string' && /%$/.test(a.progress))).toBe(true);
    const file = await download(sim, String(answers.at(-1)!.video_url), null);
    expect(isMp4(file.bytes)).toBe(true);
  });

  it('serves a PNG thumbnail and spritesheet and refuses an unknown variant', async () => {
    sim = await startFast();
    const id = String((await createVideo(sim)).id);
    sim.completeNow(id);
    for (const variant of ['thumbnail', 'spritesheet']) {
      const img = await download(sim, `/videos/${id}/content?variant=${variant}`);
      expect(img.headers.get('content-type')).toBe('image/png');
      expect(img.bytes.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
    }
    const bad = await call(sim, `/videos/${id}/content?variant=gif`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_parameter', param: 'variant' });
  });

  it('answers content of an unfinished video with 400 video_not_completed', async () => {
    sim = await startFast({ timing: { queuedMs: 60_000 } });
    const id = String((await createVideo(sim)).id);
    const r = await call(sim, `/videos/${id}/content`);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'video_not_completed', type: 'invalid_request_error' });
  });

  it('adds openai-poll-after-ms to every video answer when configured', async () => {
    sim = await startFast({ pollAfterMs: 1500 });
    const created = await call(sim, '/videos', { json: { prompt: 'x' } });
    expect(created.headers.get('openai-poll-after-ms')).toBe('1500');
    const got = await call(sim, `/videos/${String(created.body.id)}`);
    expect(got.headers.get('openai-poll-after-ms')).toBe('1500');
  });

  it('makes the same ids for the same seed', async () => {
    const a = await startFast({ seed: 42 });
    const b = await startFast({ seed: 42 });
    try {
      expect((await createVideo(a)).id).toBe((await createVideo(b)).id);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('counts requests per route and per video and records when the job finished', async () => {
    sim = await startFast();
    const id = String((await createVideo(sim)).id);
    await pollUntilDone(sim, id);
    expect(sim.stats.count('create')).toBe(1);
    expect(sim.stats.count('retrieve', id)).toBeGreaterThan(0);
    expect(sim.stats.count('any', id)).toBe(sim.stats.count('create') + sim.stats.count('retrieve'));
    const done = sim.stats.completion(id);
    expect(done?.state).toBe('completed');
    expect(sim.stats.detectionLatencyMs(id)).toBeGreaterThanOrEqual(0);
  });
});
