/**
 * The client's edit, extend and character calls against the simulator in every dialect, and
 * against a deployment without those routes: capabilities say so, and calls fail with a clear
 * `<feature>_unsupported` error instead of a crash or a misleading "video not found".
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator, SimulatorOptions } from '../../src/simulator/simulator.ts';
import { RESOLVED_DIALECTS } from '../../src/video/dialect-requests.ts';
import {
  InvalidParameterError,
  SourceNotCompletedError,
  UpstreamServerError,
  VideoNotFoundError,
} from '../../src/video/errors.ts';
import { rapidRetryPolicy } from '../../src/video/retry-policy.ts';
import { VideoClient, type VideoClientOptions } from '../../src/video/video-client.ts';
import { inspectMp4 } from '../simulator/media/mp4-inspector.ts';
import { FAST_TIMING } from '../simulator/sim-http.ts';
import { errorOf, pollUntilDone, readAll, simWithClient, TEST_KEY } from './sim-client-fixture.ts';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: SimulatorOptions = {}, client: Partial<VideoClientOptions> = {}) {
  const started = await simWithClient({ timing: FAST_TIMING, ...options }, client);
  sim = started.sim;
  return started.client;
}

async function completed(client: VideoClient, seconds = 4): Promise<string> {
  const v = await client.create({ prompt: 'a paper boat', size: '1280x720', seconds });
  sim!.completeNow(v.id);
  return v.id;
}

const CLIP = {
  data: Buffer.from('\0\0\0\x18ftypisom\0\0\0\0isom'),
  contentType: 'video/mp4',
  fileName: 'c.mp4',
};

describe.each(RESOLVED_DIALECTS)('dialect %s', (dialect) => {
  it('edits a completed video into a new one that names its source and inherits its shape', async () => {
    const client = await start({ dialect });
    const source = await completed(client, 8);
    const edit = await client.edit({ videoId: source, prompt: 'paint it blue' });
    expect(edit.id).not.toBe(source);
    expect(edit).toMatchObject({ status: 'queued', size: '1280x720', seconds: 8, prompt: 'paint it blue' });
    expect(source).toContain(edit.remixedFromVideoId); // json-remix-size drops the prefix
    expect((await pollUntilDone(client, edit.id)).status).toBe('completed');
  });

  it('extends a completed video; seconds is the stitched total and the MP4 is that long', async () => {
    const client = await start({ dialect });
    const source = await completed(client, 4);
    const ext = await client.extend({ videoId: source, prompt: 'it sails away', seconds: 8 });
    expect(ext.seconds).toBe(12);
    const done = await pollUntilDone(client, ext.id);
    expect(done).toMatchObject({ status: 'completed', seconds: 12 });
    const mp4 = inspectMp4(await readAll((await client.download(done)).body));
    expect(mp4.movieDuration / mp4.movieTimescale).toBeCloseTo(12, 1);
  });

  it('creates a character and reads it back', async () => {
    const client = await start({ dialect });
    const made = await client.createCharacter({ name: '  Mira  ', video: CLIP });
    expect(made).toEqual({
      id: expect.stringMatching(/^char_/),
      name: 'Mira',
      createdAt: expect.any(Number),
    });
    expect(await client.retrieveCharacter(made.id)).toEqual(made);
  });

  it('finds all three routes in its capabilities', async () => {
    const client = await start({ dialect }, { dialect: 'auto' });
    expect(await client.capabilities()).toMatchObject({
      dialect,
      edits: true,
      extensions: true,
      characters: true,
    });
    expect(sim!.jobs()).toHaveLength(0);
    expect(sim!.characters()).toHaveLength(0);
  });
});

describe('a deployment without the 2026 routes', () => {
  it('reports them as missing, and each call fails with a clear unsupported error', async () => {
    const client = await start({ editRoutes: false }, { dialect: 'auto' });
    expect(await client.capabilities()).toMatchObject({ edits: false, extensions: false, characters: false });
    const source = await completed(client);
    const cases = [
      [() => client.edit({ videoId: source, prompt: 'x' }), 'edits_unsupported', /does not offer edits/],
      [
        () => client.extend({ videoId: source, prompt: 'x', seconds: 4 }),
        'extensions_unsupported',
        /does not offer extensions/,
      ],
      [
        () => client.createCharacter({ name: 'Mira', video: CLIP }),
        'characters_unsupported',
        /does not offer characters/,
      ],
      [() => client.retrieveCharacter('char_abc'), 'characters_unsupported', /does not offer characters/],
    ] as const;
    for (const [call, code, message] of cases) {
      const err = await errorOf(call());
      expect(err).toMatchObject({ code, status: 404, message: expect.stringMatching(message) });
      expect((err as { url?: string }).url).toContain('/videos/');
      expect(err).not.toBeInstanceOf(VideoNotFoundError);
    }
    expect(sim!.jobs()).toHaveLength(1);
  });

  it('the form dialect without them says the same (bodies go as multipart there)', async () => {
    const client = await start({ dialect: 'form', editRoutes: false });
    expect(await client.capabilities()).toMatchObject({ edits: false, extensions: false, characters: false });
    const source = await completed(client);
    await expect(client.edit({ videoId: source, prompt: 'x' })).rejects.toMatchObject({
      code: 'edits_unsupported',
    });
  });
});

/**
 * A vendor that answers a bare text 404 on `POST /videos/edits` whether the route or the source
 * is missing; only `video_known` exists.
 */
async function bareNotFoundVendor(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/v1/videos/video_known') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'video_known', object: 'video', status: 'completed', progress: 100 }));
      return;
    }
    if (req.method === 'GET' && req.url?.startsWith('/v1/videos/')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'no such video', code: 'invalid_video_id' } }));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('404 page not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('a vendor answering a bare 404', () => {
  it('looks the source up to tell a missing route from a missing video', async () => {
    const vendor = await bareNotFoundVendor();
    try {
      const client = new VideoClient({
        baseUrl: vendor.url,
        apiKey: TEST_KEY,
        dialect: 'openai',
        retry: rapidRetryPolicy,
      });
      await expect(client.edit({ videoId: 'video_known', prompt: 'x' })).rejects.toMatchObject({
        code: 'edits_unsupported',
      });
      const err = await errorOf(client.extend({ videoId: 'video_unknown', prompt: 'x', seconds: 4 }));
      expect(err).toBeInstanceOf(VideoNotFoundError);
      expect((err as VideoNotFoundError).code).toBe('invalid_video_id');
    } finally {
      await vendor.close();
    }
  });
});

describe('errors and retries', () => {
  it('tells a missing source or character apart from a missing route', async () => {
    const client = await start();
    expect(await errorOf(client.edit({ videoId: 'video_gone', prompt: 'x' }))).toBeInstanceOf(
      VideoNotFoundError,
    );
    const err = await errorOf(client.retrieveCharacter('char_gone'));
    expect(err).toBeInstanceOf(VideoNotFoundError);
    expect((err as Error).message).toMatch(/does not know that character/);
  });

  it('refuses an unfinished source with the remix error', async () => {
    const client = await start();
    const running = await client.create({ prompt: 'still going [never]' });
    const err = await errorOf(client.extend({ videoId: running.id, prompt: 'x', seconds: 4 }));
    expect(err).toBeInstanceOf(SourceNotCompletedError);
  });

  it('checks input before sending anything', async () => {
    const client = await start({}, { limits: { seconds: [4, 8, 12] } });
    const source = await completed(client);
    const before = sim!.stats.count();
    const refusals = [
      () => client.extend({ videoId: source, prompt: 'x', seconds: 5 }),
      () => client.edit({ videoId: source, prompt: '   ' }),
      // Ids of any printable characters are escaped and sent; a dot-segment or a control character never is.
      () => client.edit({ videoId: '..', prompt: 'x' }),
      () => client.createCharacter({ name: 'n'.repeat(81), video: CLIP }),
      () => client.createCharacter({ name: 'Mira', video: { ...CLIP, data: new Uint8Array() } }),
      () => client.retrieveCharacter('a\u0000b'),
    ];
    for (const refused of refusals) {
      const err = await errorOf(refused());
      expect([InvalidParameterError, VideoNotFoundError].some((t) => err instanceof t)).toBe(true);
    }
    expect(sim!.stats.count()).toBe(before);
  });

  it('never repeats an edit, extension or character POST after a 5xx, but retries a character GET', async () => {
    const client = await start();
    const source = await completed(client);
    const posts = [
      ['edit', () => client.edit({ videoId: source, prompt: 'x' })],
      ['extend', () => client.extend({ videoId: source, prompt: 'x', seconds: 4 })],
      ['create-character', () => client.createCharacter({ name: 'Mira', video: CLIP })],
    ] as const;
    for (const [route, send] of posts) {
      sim!.faults.inject({ route, kind: 'status', status: 503, times: 3 });
      expect(await errorOf(send())).toBeInstanceOf(UpstreamServerError);
      expect(sim!.stats.count(route)).toBe(1);
      sim!.faults.clear();
    }
    expect(sim!.jobs()).toHaveLength(1);
    const made = await client.createCharacter({ name: 'Mira', video: CLIP });
    sim!.faults.inject({ route: 'retrieve-character', kind: 'status', status: 503 });
    expect(await client.retrieveCharacter(made.id)).toEqual(made);
    expect(sim!.stats.count('retrieve-character')).toBe(2);
  });
});
