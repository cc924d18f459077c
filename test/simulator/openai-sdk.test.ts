/**
 * Every route of the official `/v1/videos` spec, driven through the official `openai` SDK
 * against the simulator: if the SDK can read every answer, the simulator speaks the real shape.
 */
import OpenAI, { NotFoundError, toFile } from 'openai';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.ts';
import { inspectMp4 } from './media/mp4-inspector.ts';
import { isMp4, PNG_MAGIC, startFast } from './sim-http.ts';

let sim: Simulator;
let openai: OpenAI;

beforeAll(async () => {
  sim = await startFast();
  openai = new OpenAI({ apiKey: sim.options.apiKey, baseURL: sim.url, maxRetries: 0 });
});
afterAll(() => sim.close());

/** Poll through the SDK until the video is finished. */
async function finished(id: string): Promise<OpenAI.Videos.Video> {
  return expect
    .poll(() => openai.videos.retrieve(id), { timeout: 15_000, interval: 20 })
    .toSatisfy((v: OpenAI.Videos.Video) => v.status === 'completed' || v.status === 'failed')
    .then(() => openai.videos.retrieve(id));
}

async function completedVideo(params: Partial<OpenAI.Videos.VideoCreateParams> = {}) {
  const created = await openai.videos.create({ prompt: 'a lighthouse at dawn', size: '1280x720', ...params });
  const done = await finished(created.id);
  expect(done.status).toBe('completed');
  return done;
}

async function bytesOf(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

/** Seconds an MP4 plays, from its movie header. */
function mp4Seconds(bytes: Buffer): number {
  const mp4 = inspectMp4(bytes);
  return mp4.movieDuration / mp4.movieTimescale;
}

describe('the official openai SDK against the simulator', () => {
  it('creates a video from text and follows it to completed', async () => {
    const created = await openai.videos.create({ prompt: 'a red barn', size: '1280x720', seconds: '8' });
    expect(created).toMatchObject({ object: 'video', status: 'queued', progress: 0, seconds: '8' });
    expect(created.id).toMatch(/^video_/);
    const done = await finished(created.id);
    expect(done).toMatchObject({ id: created.id, status: 'completed', progress: 100, size: '1280x720' });
    expect(done.completed_at).toEqual(expect.any(Number));
    expect(done.expires_at).toBeGreaterThan(done.completed_at!);
  });

  it('creates a video from an input_reference image of the requested size', async () => {
    const png = await sharp({
      create: { width: 720, height: 1280, channels: 3, background: { r: 10, g: 80, b: 40 } },
    })
      .png()
      .toBuffer();
    const created = await openai.videos.create({
      prompt: 'the forest wakes up',
      size: '720x1280',
      input_reference: await toFile(png, 'first-frame.png', { type: 'image/png' }),
    });
    expect(created).toMatchObject({ status: 'queued', size: '720x1280' });
    expect(sim.job(created.id)?.hasInputReference).toBe(true);
  });

  it('refuses an input_reference of the wrong size with a 400 the SDK reads', async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const refused = openai.videos.create({
      prompt: 'x',
      size: '1280x720',
      input_reference: await toFile(png, 'small.png', { type: 'image/png' }),
    });
    await expect(refused).rejects.toMatchObject({ status: 400, param: 'input_reference' });
  });

  it('lists videos page by page with after and has_more', async () => {
    for (const prompt of ['list one', 'list two', 'list three']) await openai.videos.create({ prompt });
    const all = sim.jobs().map((j) => j.id);
    const first = await openai.videos.list({ limit: 2, order: 'asc' });
    expect(first.data.map((v) => v.id)).toEqual(all.slice(0, 2));
    expect(first.hasNextPage()).toBe(true);
    const second = await first.getNextPage();
    expect(second.data.map((v) => v.id)).toEqual(all.slice(2, 4));
    const seen: string[] = [];
    for await (const v of openai.videos.list({ limit: 2, order: 'asc' })) seen.push(v.id);
    expect(seen).toEqual(all);
  });

  it('remixes a completed video: same size and seconds, the source recorded', async () => {
    const source = await completedVideo({ seconds: '8' });
    const remix = await openai.videos.remix(source.id, { prompt: 'make it night' });
    expect(remix).toMatchObject({
      remixed_from_video_id: source.id,
      prompt: 'make it night',
      size: source.size,
      seconds: '8',
    });
  });

  it('downloads the video, thumbnail and spritesheet of a completed video', async () => {
    const done = await completedVideo();
    const video = await openai.videos.downloadContent(done.id);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    const mp4 = await bytesOf(video);
    expect(isMp4(mp4)).toBe(true);
    expect(mp4Seconds(mp4)).toBeCloseTo(Number(done.seconds), 1);
    for (const variant of ['thumbnail', 'spritesheet'] as const) {
      const image = await bytesOf(await openai.videos.downloadContent(done.id, { variant }));
      expect(image.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
      const meta = await sharp(image).metadata();
      expect(meta.width).toBeGreaterThan(0);
    }
  });

  it('deletes a video, after which retrieving it is a 404', async () => {
    const created = await openai.videos.create({ prompt: 'short lived' });
    expect(await openai.videos.delete(created.id)).toEqual({
      id: created.id,
      object: 'video.deleted',
      deleted: true,
    });
    await expect(openai.videos.retrieve(created.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('edits a completed video (sent as multipart video[id]): a new video derived from it', async () => {
    const source = await completedVideo({ size: '720x1280', seconds: '4' });
    const edit = await openai.videos.edit({ video: { id: source.id }, prompt: 'paint it blue' });
    expect(edit.id).not.toBe(source.id);
    expect(edit).toMatchObject({
      object: 'video',
      status: 'queued',
      prompt: 'paint it blue',
      size: '720x1280',
      seconds: '4',
      remixed_from_video_id: source.id,
    });
    expect((await finished(edit.id)).status).toBe('completed');
  });

  it('refuses to edit a video that has not finished', async () => {
    const running = await openai.videos.create({ prompt: 'still going [never]' });
    await expect(openai.videos.edit({ video: { id: running.id }, prompt: 'x' })).rejects.toMatchObject({
      status: 400,
      code: 'video_not_completed',
    });
  });

  it('extends a completed video: seconds is the stitched total and the MP4 plays that long', async () => {
    const source = await completedVideo({ seconds: '4' });
    const extension = await openai.videos.extend({
      video: { id: source.id },
      prompt: 'the sun sets',
      seconds: '8',
    });
    expect(extension).toMatchObject({ seconds: '12', size: source.size, remixed_from_video_id: source.id });
    const done = await finished(extension.id);
    expect(done).toMatchObject({ status: 'completed', seconds: '12' });
    const mp4 = await bytesOf(await openai.videos.downloadContent(extension.id));
    expect(mp4Seconds(mp4)).toBeCloseTo(12, 1);
  });

  it('refuses an extension by a length the service does not offer', async () => {
    const source = await completedVideo();
    const refused = openai.videos.extend({
      video: { id: source.id },
      prompt: 'more',
      seconds: '5' as OpenAI.Videos.VideoSeconds,
    });
    await expect(refused).rejects.toMatchObject({ status: 400, param: 'seconds', code: 'invalid_parameter' });
  });

  it('creates a character from an uploaded video and retrieves it', async () => {
    const source = await completedVideo();
    const clip = await bytesOf(await openai.videos.downloadContent(source.id));
    const character = await openai.videos.createCharacter({
      name: 'Captain Lumen',
      video: await toFile(clip, 'lumen.mp4', { type: 'video/mp4' }),
    });
    expect(character).toEqual({
      id: expect.stringMatching(/^char_/),
      name: 'Captain Lumen',
      created_at: expect.any(Number),
    });
    expect(await openai.videos.getCharacter(character.id!)).toEqual(character);
    await expect(openai.videos.getCharacter('char_unknown')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a character whose name is longer than 80 characters', async () => {
    const refused = openai.videos.createCharacter({
      name: 'n'.repeat(81),
      video: await toFile(Buffer.from('....ftypisom....'), 'x.mp4', { type: 'video/mp4' }),
    });
    await expect(refused).rejects.toMatchObject({ status: 400, param: 'name' });
  });
});
