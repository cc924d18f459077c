import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.ts';
import { RESOLVED_DIALECTS } from '../../src/video/dialect-requests.ts';
import { fitImage } from '../../src/video/image-fit.ts';
import { VideoClient } from '../../src/video/video-client.ts';
import { jpegOf, pollUntilDone, readAll, simWithClient, TEST_KEY } from './sim-client-fixture.ts';

const MP4_FTYP = Buffer.from('ftyp');

describe.each(RESOLVED_DIALECTS)('the client in the %s dialect', (dialect) => {
  let sim: Simulator;
  let client: VideoClient;

  beforeAll(async () => {
    ({ sim, client } = await simWithClient({ dialect }));
  });
  afterAll(() => sim.close());

  it('creates a text-to-video, polls it to completion and downloads a playable MP4', async () => {
    const created = await client.create({ prompt: 'a red fox in snow', size: '1280x720', seconds: 4 });
    expect(['queued', 'in_progress']).toContain(created.status);
    expect(created.id).toBe(sim.jobs().at(-1)?.id);
    const done = await pollUntilDone(client, created.id);
    expect(done).toMatchObject({ status: 'completed', progress: 100, size: '1280x720', seconds: 4 });
    const download = await client.download(done);
    expect(download.contentType).toBe('video/mp4');
    const bytes = await readAll(download.body);
    expect(bytes.subarray(4, 8)).toEqual(MP4_FTYP);
    if (download.contentLength !== undefined) expect(bytes.length).toBe(download.contentLength);
  });

  it('creates an image-to-video with a fitted image as multipart input_reference', async () => {
    const image = await fitImage(await jpegOf(400, 300), '720x1280');
    expect(image.fitted).toBe(true);
    const created = await client.create({
      prompt: 'the card comes alive',
      size: '720x1280',
      seconds: 4,
      inputReference: image,
    });
    expect(sim.job(created.id)?.hasInputReference).toBe(true);
  });

  it('remixes a completed video on the dialect route and the remix points back at its source', async () => {
    const source = await client.create({ prompt: 'a lighthouse', size: '720x1280', seconds: 4 });
    sim.completeNow(source.id);
    const remix = await client.remix({ videoId: source.id, prompt: 'make it night' });
    const job = sim.job(remix.id);
    expect(job?.remixedFromVideoId).toBe(source.id);
    expect(job?.size).toBe('720x1280');
    // json-remix-size writes the source id without its prefix: kept as given.
    expect(source.id.endsWith(remix.remixedFromVideoId ?? '<none>')).toBe(true);
    expect(sim.stats.count('remix')).toBeGreaterThanOrEqual(1);
  });

  it('downloads the thumbnail as an image', async () => {
    const v = await client.create({ prompt: 'a teapot', size: '1280x720', seconds: 4 });
    const done = await client.retrieve(sim.completeNow(v.id).id);
    const thumb = await client.download(done, 'thumbnail');
    expect(thumb.contentType.startsWith('image/')).toBe(true);
    expect((await readAll(thumb.body)).length).toBeGreaterThan(0);
  });

  it('lists recent videos and deletes one', async () => {
    const v = await client.create({ prompt: 'to be deleted', size: '1280x720', seconds: 4 });
    const list = await client.list({ limit: 100 });
    expect(list.data.map((x) => x.id)).toContain(v.id);
    expect(await client.delete(v.id)).toEqual({ id: v.id, deleted: true });
    expect(sim.job(v.id)).toBeUndefined();
  });

  it('spends no probe requests when the dialect is set explicitly', async () => {
    const before = sim.stats.count();
    expect(await client.dialect()).toBe(dialect);
    expect(sim.stats.count()).toBe(before);
  });
});

describe.each(RESOLVED_DIALECTS)('auto detection against a %s upstream', (dialect) => {
  it('names the dialect with at most 4 harmless requests, once, starting no job', async () => {
    const { sim, client } = await simWithClient({ dialect }, { dialect: 'auto' });
    try {
      const [a, b] = await Promise.all([client.dialect(), client.dialect()]);
      expect([a, b]).toEqual([dialect, dialect]);
      const probes = sim.stats.count();
      expect(probes).toBeLessThanOrEqual(4);
      expect(sim.jobs()).toHaveLength(0);
      await client.dialect();
      const v = await client.create({ prompt: 'after probing', size: '1280x720', seconds: 4 });
      expect(sim.stats.count()).toBe(probes + 1);
      sim.completeNow(v.id);
      const remix = await client.remix({ videoId: v.id, prompt: 'add rain' });
      expect(sim.job(remix.id)?.remixedFromVideoId).toBe(v.id);
    } finally {
      await sim.close();
    }
  });

  it('also tells the dialect from the list when videos already exist', async () => {
    const { sim, client } = await simWithClient({ dialect });
    try {
      const v = await client.create({ prompt: 'seed video', size: '1280x720', seconds: 4 });
      sim.completeNow(v.id);
      const auto = new VideoClient({ baseUrl: sim.url, apiKey: TEST_KEY, dialect: 'auto' });
      const before = sim.stats.count();
      expect(await auto.dialect()).toBe(dialect);
      expect(sim.stats.count() - before).toBeLessThanOrEqual(4);
      const caps = await auto.capabilities();
      expect(caps).toMatchObject({ dialect, remix: true, list: true, delete: true });
    } finally {
      await sim.close();
    }
  });
});

describe('a gateway deployment without remix', () => {
  it('reports remix as unsupported in capabilities and refuses remix with a clear error', async () => {
    const { sim, client } = await simWithClient({ dialect: 'gateway', remix: false }, { dialect: 'auto' });
    try {
      const caps = await client.capabilities();
      expect(caps.remix).toBe(false);
      const v = await client.create({ prompt: 'no remix here', size: '1280x720', seconds: 4 });
      sim.completeNow(v.id);
      await expect(client.remix({ videoId: v.id, prompt: 'x' })).rejects.toMatchObject({
        code: 'remix_unsupported',
        message: expect.stringMatching(/does not offer remix/),
      });
      expect(sim.jobs()).toHaveLength(1);
    } finally {
      await sim.close();
    }
  });
});
