/**
 * Client behaviour on the wire, against small local HTTP fakes (127.0.0.1, port 0) where the
 * simulator cannot show it: exact request shapes, which origin gets the key, redirects,
 * aborts, stalls, and dialect learning.
 */
import { Agent, type Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  MalformedResponseError,
  NetworkError,
  TimeoutError,
  VideoApiError,
} from '../../src/video/errors.ts';
import { errorOf, readAll } from './sim-client-fixture.ts';
import { clientFor, fake, type Handler, json, KEY, servers, video } from './wire-fake.ts';

describe('request shapes per dialect', () => {
  it('sends text-to-video as JSON with seconds as a string', async () => {
    const up = await fake((_req, res) => json(res, 200, video('video_1', { status: 'queued' })));
    await clientFor(up.origin).create({ prompt: 'fox', size: '1280x720', seconds: 8, model: 'sora-2' });
    const [req] = up.seen;
    expect(req?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req?.body ?? '')).toEqual({
      prompt: 'fox',
      size: '1280x720',
      seconds: '8',
      model: 'sora-2',
    });
    expect(req?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('sends create as multipart in the form dialect', async () => {
    const up = await fake((_req, res) => json(res, 200, video('video_1', { status: 'queued' })));
    await clientFor(up.origin, { dialect: 'form' }).create({ prompt: 'fox', seconds: 4 });
    expect(up.seen[0]?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(up.seen[0]?.body).toContain('name="prompt"');
  });

  it('remixes with {video_id, prompt} at /videos/remix in body-remix', async () => {
    const up = await fake((_req, res) => json(res, 200, video('video_2', { status: 'queued' })));
    await clientFor(up.origin, { dialect: 'body-remix' }).remix({ videoId: 'video_1', prompt: 'night' });
    expect([up.seen[0]?.method, up.seen[0]?.url]).toEqual(['POST', '/v1/videos/remix']);
    expect(JSON.parse(up.seen[0]?.body ?? '')).toEqual({ video_id: 'video_1', prompt: 'night' });
  });

  it('remixes with a multipart prompt in the form dialect', async () => {
    const up = await fake((_req, res) => json(res, 200, video('video_2', { status: 'queued' })));
    await clientFor(up.origin, { dialect: 'form' }).remix({ videoId: 'video_1', prompt: 'night' });
    expect(up.seen[0]?.url).toBe('/v1/videos/video_1/remix');
    expect(up.seen[0]?.headers['content-type']).toMatch(/^multipart\/form-data/);
  });

  it("repeats the source's size in json-remix-size, retrieving it when not given", async () => {
    const up = await fake((req, res) =>
      json(res, 200, req.method === 'GET' ? video('video_a-b') : video('video_c', { status: 'queued' })),
    );
    await clientFor(up.origin, { dialect: 'json-remix-size' }).remix({
      videoId: 'video_a-b',
      prompt: 'finer',
    });
    expect(up.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /v1/videos/video_a-b',
      'POST /v1/videos/video_a-b/remix',
    ]);
    expect(JSON.parse(up.seen[1]?.body ?? '')).toEqual({ prompt: 'finer', size: '720x1280' });
  });

  it('path-encodes ids', async () => {
    const up = await fake((_req, res) => json(res, 200, video('video_1?x')));
    await clientFor(up.origin).retrieve('video_1?x');
    expect(up.seen[0]?.url).toBe('/v1/videos/video_1%3Fx');
  });

  it('returns the openai-poll-after-ms hint', async () => {
    const up = await fake((_req, res) =>
      json(res, 200, video('video_1', { status: 'in_progress' }), { 'openai-poll-after-ms': '1500' }),
    );
    expect((await clientFor(up.origin).retrieve('video_1')).pollAfterMs).toBe(1500);
  });

  it('sends every request through an injected dispatcher', async () => {
    const up = await fake((_req, res) => json(res, 200, video('video_1')));
    let dispatched = 0;
    class CountingAgent extends Agent {
      override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
        dispatched++;
        return super.dispatch(options, handler);
      }
    }
    const agent = new CountingAgent();
    await clientFor(up.origin, { dispatcher: agent }).retrieve('video_1');
    expect(dispatched).toBe(1);
    await agent.close();
  });
});

describe('downloads', () => {
  const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom'), Buffer.alloc(2000, 7)]);
  const serveMp4: Handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(mp4.length) });
    res.end(mp4);
  };

  it('fetches a link on another origin without the Authorization header', async () => {
    const cdn = await fake(serveMp4);
    const up = await fake((_req, res) =>
      json(res, 200, video('video_1', { video_url: `${cdn.origin}/f/v.mp4?sig=s3cr3t` })),
    );
    const client = clientFor(up.origin);
    const v = await client.retrieve('video_1');
    expect(v.result).toEqual({ kind: 'url', url: `${cdn.origin}/f/v.mp4?sig=s3cr3t` });
    const bytes = await readAll((await client.download(v)).body);
    expect(bytes.equals(mp4)).toBe(true);
    expect(cdn.seen[0]?.headers.authorization).toBeUndefined();
  });

  it('sends the key to a link on its own origin', async () => {
    const up = await fake((req, res) =>
      req.url.startsWith('/files')
        ? serveMp4(req, res)
        : json(
            res,
            200,
            video('video_1', {
              url: `http://127.0.0.1:${new URL(`http://${req.headers.host}`).port}/files/v.mp4`,
            }),
          ),
    );
    const client = clientFor(up.origin);
    const v = await client.retrieve('video_1');
    expect(v.result?.kind).toBe('url');
    await readAll((await client.download(v)).body);
    expect(up.seen.at(-1)?.url).toBe('/files/v.mp4');
    expect(up.seen.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('drops the key when /content redirects to another origin', async () => {
    const cdn = await fake(serveMp4);
    const up = await fake((_req, res) => {
      res.writeHead(302, { location: `${cdn.origin}/signed/v.mp4` });
      res.end();
    });
    const bytes = await readAll((await clientFor(up.origin).download('video_1')).body);
    expect(bytes.length).toBe(mp4.length);
    expect(up.seen[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(up.seen[0]?.url).toBe('/v1/videos/video_1/content?variant=video');
    expect(cdn.seen[0]?.headers.authorization).toBeUndefined();
  });

  it('refuses a JSON page served as the video', async () => {
    const up = await fake((_req, res) => json(res, 200, { error: { message: 'not ready' } }));
    expect(await errorOf(clientFor(up.origin).download('video_1'))).toBeInstanceOf(MalformedResponseError);
  });

  it('refuses a video served as the thumbnail', async () => {
    const up = await fake(serveMp4);
    expect(await errorOf(clientFor(up.origin).download('video_1', 'thumbnail'))).toBeInstanceOf(
      MalformedResponseError,
    );
  });

  it('fails a stalled download with TimeoutError once no byte arrives for the idle timeout', async () => {
    const up = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': '10000' });
      res.write(Buffer.alloc(100));
      // ...and nothing more: the socket stays open.
    });
    const download = await clientFor(up.origin, { downloadIdleTimeoutMs: 200 }).download('video_1');
    expect(await errorOf(readAll(download.body))).toBeInstanceOf(TimeoutError);
  });
});

describe('cancellation and connection failures', () => {
  it('ends a pending call with AbortedError when the signal aborts', async () => {
    const up = await fake(() => {
      /* never answers */
    });
    const controller = new AbortController();
    const pending = clientFor(up.origin).retrieve('video_1', { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    expect(await errorOf(pending)).toBeInstanceOf(AbortedError);
  });

  it('ends a retry backoff with AbortedError when the signal aborts', async () => {
    const up = await fake((_req, res) =>
      json(res, 503, { error: { message: 'busy' } }, { 'retry-after': '60' }),
    );
    const controller = new AbortController();
    const client = clientFor(up.origin, {
      retry: { maxRetries: 3, baseDelayMs: 10, factor: 2, maxDelayMs: 60_000 },
    });
    const pending = client.retrieve('video_1', { signal: controller.signal });
    const deadline = Date.now() + 5_000;
    while (up.seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    expect(await errorOf(pending)).toBeInstanceOf(AbortedError);
    expect(up.seen).toHaveLength(1);
  });

  it('reports a refused connection as NetworkError after retrying the GET', async () => {
    const up = await fake(() => undefined);
    await Promise.all(servers.splice(0).map((s) => s.close()));
    const err = await errorOf(clientFor(up.origin).list());
    expect(err).toBeInstanceOf(NetworkError);
    expect(JSON.stringify(err)).not.toContain(KEY);
  });
});

describe('learning the remix route', () => {
  /** Official shapes, but remix lives at /videos/remix and looks the source up before validating. */
  function bodyRemixLookalike(): Handler {
    return (req, res) => {
      const path = req.url.split('?')[0];
      if (req.method === 'GET' && path === '/v1/videos') return json(res, 200, { object: 'list', data: [] });
      if (req.method === 'GET' && path === '/v1/videos/video_src') return json(res, 200, video('video_src'));
      if (req.method === 'POST' && path === '/v1/videos/remix') {
        const body = JSON.parse(req.body || '{}') as { video_id?: string };
        if (body.video_id !== 'video_src') {
          return json(res, 404, {
            error: { message: 'No such video', type: 'invalid_request_error', code: null },
          });
        }
        return json(res, 200, video('video_new', { status: 'queued', remixed_from_video_id: 'video_src' }));
      }
      if (req.method === 'POST' && path === '/v1/videos') {
        return json(res, 400, {
          error: { message: 'prompt is required', type: 'invalid_request_error', param: 'prompt' },
        });
      }
      json(res, 404, { error: { message: 'Invalid URL', type: 'invalid_request_error', code: null } });
    };
  }

  it('switches an auto client to the other remix route once, and remembers it', async () => {
    const up = await fake(bodyRemixLookalike());
    const client = clientFor(up.origin, { dialect: 'auto' });
    expect(await client.dialect()).toBe('openai');
    const remix = await client.remix({ videoId: 'video_src', prompt: 'night' });
    expect(remix.remixedFromVideoId).toBe('video_src');
    const before = up.seen.length;
    await client.remix({ videoId: 'video_src', prompt: 'rain' });
    expect(up.seen.slice(before).map((s) => `${s.method} ${s.url}`)).toEqual(['POST /v1/videos/remix']);
  });

  it('does not switch an explicit dialect: the missing route is reported', async () => {
    const up = await fake(bodyRemixLookalike());
    const err = await errorOf(clientFor(up.origin).remix({ videoId: 'video_src', prompt: 'night' }));
    expect(err).toBeInstanceOf(VideoApiError);
    expect((err as VideoApiError).code).toBe('remix_unsupported');
    expect(up.seen.filter((s) => s.method === 'POST')).toHaveLength(1);
  });
});
