/**
 * The simulator's gateway and reseller variations, read by a client in `auto`: each one creates,
 * follows and downloads a video end to end, remixes where the upstream offers remix, and turns a
 * missing feature off with a clear sentence instead of failing later.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.ts';
import type { SimulatorDialect, SimulatorTiming } from '../../src/simulator/simulator-options.ts';
import {
  MalformedResponseError,
  UnsupportedFeatureError,
  VideoNotFoundError,
} from '../../src/video/errors.ts';
import type { VideoClient } from '../../src/video/video-client.ts';
import { errorOf, pollUntilDone, readAll, simWithClient } from './sim-client-fixture.ts';

const MP4_FTYP = Buffer.from('ftyp');

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(dialect: SimulatorDialect, timing?: SimulatorTiming): Promise<VideoClient> {
  const started = await simWithClient({ dialect, ...(timing ? { timing } : {}) }, { dialect: 'auto' });
  sim = started.sim;
  return started.client;
}

async function madeAndDownloaded(client: VideoClient): Promise<string> {
  const created = await client.create({ prompt: 'a red fox in snow', size: '1280x720', seconds: 4 });
  expect(created.id).toBe(sim?.jobs().at(-1)?.id);
  const done = await pollUntilDone(client, created.id);
  expect(done).toMatchObject({ status: 'completed', progress: 100 });
  const bytes = await readAll((await client.download(done)).body);
  expect(bytes.subarray(4, 8)).toEqual(MP4_FTYP);
  return done.id;
}

describe('an OpenRouter-like upstream (202 + polling_url, job- ids, pending, urls[], no remix/list/delete)', () => {
  it('creates from a 202, reads pending, a 0–1 progress_pct and ms timestamps, downloads from urls[0]', async () => {
    const client = await start('openrouter');
    const created = await client.create({ prompt: 'a lighthouse', size: '1280x720', seconds: 4 });
    expect(created.id).toMatch(/^job-/);
    expect(created).toMatchObject({ status: 'queued', rawStatus: 'pending' });
    expect(created.createdAt).toBeLessThan(Date.now() / 1000 + 5); // `created` in ms read as seconds
    const done = await pollUntilDone(client, created.id);
    expect(done.result).toEqual({ kind: 'url', url: `${sim?.url}/videos/${created.id}/content?index=0` });
    const bytes = await readAll((await client.download(done)).body);
    expect(bytes.subarray(4, 8)).toEqual(MP4_FTYP);
  });

  it('turns remix, list and delete off with a clear sentence, sending nothing once known', async () => {
    const client = await start('openrouter');
    const id = await madeAndDownloaded(client);
    const remix = await errorOf(client.remix({ videoId: id, prompt: 'make it night' }));
    expect(remix).toBeInstanceOf(UnsupportedFeatureError);
    expect((remix as Error).message).toBe(
      'This video service does not offer remix. Make a new video instead.',
    );
    expect(await errorOf(client.list())).toBeInstanceOf(UnsupportedFeatureError); // learned by the probe
    expect(await errorOf(client.delete(id))).toBeInstanceOf(UnsupportedFeatureError);
    expect([...(await client.missingFeatures())].sort()).toEqual(['delete', 'list', 'remix']);
    const before = sim?.stats.count();
    await errorOf(client.remix({ videoId: id, prompt: 'again' }));
    await errorOf(client.delete(id));
    expect(sim?.stats.count()).toBe(before);
    expect(sim?.jobs()).toHaveLength(1);
  });
});

describe('a new-api-like upstream (task_ ids, unknown status, metadata.url, task_not_exist, no list/delete)', () => {
  it('reads `unknown` as still running, finds the result in metadata.url, and remixes', async () => {
    // Started at once and far from done: the gateway says `unknown` for the whole first stretch.
    const client = await start('new-api', { queuedMs: 0, msPerVideoSecond: 3_600_000 });
    const created = await client.create({ prompt: 'a teapot', size: '1280x720', seconds: 4 });
    expect(created.id).toMatch(/^task_/);
    const running = await client.retrieve(created.id);
    expect(running).toMatchObject({ rawStatus: 'unknown', status: 'in_progress' });
    sim?.completeNow(created.id);
    const done = await client.retrieve(created.id);
    expect(done.result?.kind).toBe('url');
    expect((await readAll((await client.download(done)).body)).subarray(4, 8)).toEqual(MP4_FTYP);
    const remix = await client.remix({ videoId: done.id, prompt: 'make it night' });
    expect(sim?.job(remix.id)?.remixedFromVideoId).toBe(done.id);
  });

  it('an unknown task (HTTP 400 task_not_exist) is "not found"', async () => {
    const client = await start('new-api');
    expect(await errorOf(client.retrieve('task_nope'))).toBeInstanceOf(VideoNotFoundError);
  });

  it('a /content that ignores variant (an MP4 for a thumbnail) is never used as an image', async () => {
    const client = await start('new-api');
    const id = await madeAndDownloaded(client);
    expect(await errorOf(client.download(await client.retrieve(id), 'thumbnail'))).toBeInstanceOf(
      MalformedResponseError,
    );
  });
});

describe('a LiteLLM-like upstream (video_ + base64 ids with / + =, 200–300 chars)', () => {
  it('creates, follows, downloads and remixes with the long ids escaped in every path', async () => {
    const client = await start('litellm');
    const id = await madeAndDownloaded(client);
    expect(id.length).toBeGreaterThan(200);
    expect(id).toMatch(/[+/]/);
    expect(id).toMatch(/=$/);
    const remix = await client.remix({ videoId: id, prompt: 'make it night' });
    expect(sim?.job(remix.id)?.remixedFromVideoId).toBe(id);
    expect((await client.list()).data.map((v) => v.id)).toContain(id);
    expect(await client.delete(remix.id)).toEqual({ id: remix.id, deleted: true });
  });
});

describe('a form-only remix upstream that probing mistakes for body-remix', () => {
  it('remixes as multipart after the JSON guesses are refused', async () => {
    const client = await start('form-remix');
    expect(await client.dialect()).toBe('body-remix');
    const id = await madeAndDownloaded(client);
    const remix = await client.remix({ videoId: id, prompt: 'make it night' });
    expect(sim?.job(remix.id)?.remixedFromVideoId).toBe(id);
    const before = sim?.stats.count('remix');
    await client.remix({ videoId: id, prompt: 'add rain' });
    expect(sim?.stats.count('remix')).toBe((before ?? 0) + 1); // straight to the spelling that works
  });
});

describe('an upstream without /content (results only as links)', () => {
  it('downloads the video from its link; a thumbnail is then refused without a request', async () => {
    const started = await simWithClient({ dialect: 'form', contentEndpoint: false }, { dialect: 'auto' });
    sim = started.sim;
    const { client } = started;
    const id = await madeAndDownloaded(client);
    const done = await client.retrieve(id);
    expect(await errorOf(client.download(done, 'thumbnail'))).toBeInstanceOf(UnsupportedFeatureError);
    expect([...(await client.missingFeatures())]).toEqual(['content']);
    const before = sim.stats.count();
    const again = await errorOf(client.download(done, 'thumbnail'));
    expect((again as Error).message).toBe('This video service does not offer downloads from /content.');
    expect(sim.stats.count()).toBe(before);
    expect((await readAll((await client.download(done)).body)).subarray(4, 8)).toEqual(MP4_FTYP);
  });
});
