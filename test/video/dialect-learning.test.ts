/**
 * Dialect detection that learns from answers: a create or remix refused because we wrote it the
 * wrong way is tried the other ways, what worked is remembered per upstream (and survives a new
 * client over the same memory), and is learned again when it stops working.
 */
import { describe, expect, it } from 'vitest';
import type { DialectMemory, LearnedDialect } from '../../src/video/dialect-memory.ts';
import { ContentPolicyError, DialectMismatchError, UnsupportedFeatureError } from '../../src/video/errors.ts';
import { errorOf } from './sim-client-fixture.ts';
import { clientFor, fake, type Handler, json, type Seen, video } from './wire-fake.ts';

/** A DialectMemory over a Map, as the engine's store would keep it. */
function mapMemory(): DialectMemory & { entries: Map<string, LearnedDialect> } {
  const entries = new Map<string, LearnedDialect>();
  return {
    entries,
    load: async (upstream) => entries.get(upstream),
    save: async (upstream, learned) => {
      entries.set(upstream, structuredClone(learned));
    },
  };
}

const isForm = (s: Seen) => String(s.headers['content-type']).startsWith('multipart/form-data');
const calls = (seen: Seen[]) =>
  seen.map((s) => `${s.method} ${s.url.split('?')[0]}${isForm(s) ? ' (form)' : ''}`);

/**
 * Remix only as multipart on `/videos/{id}/remix`; a JSON body there reads as an empty form
 * ("prompt is required"). Errors `{message, code}` without a type, so probing guesses body-remix.
 */
function formOnlyRemix(): Handler {
  return (req, res) => {
    const path = req.url.split('?')[0];
    if (req.method === 'GET' && path === '/v1/videos') return json(res, 200, { object: 'list', data: [] });
    if (req.method === 'GET' && path === '/v1/videos/video_src') return json(res, 200, video('video_src'));
    if (req.method === 'GET' && path?.startsWith('/v1/videos/'))
      return json(res, 404, { error: { message: 'Video not found', code: 'invalid_video_id' } });
    if (req.method === 'POST' && path === '/v1/videos/video_src/remix') {
      if (!isForm(req) || !req.body.includes('name="prompt"'))
        return json(res, 400, { error: { message: 'prompt is required', code: 'invalid_parameter' } });
      if (req.body.includes('[policy]'))
        return json(res, 400, { error: { message: 'blocked', code: 'content_policy_violation' } });
      return json(res, 200, video('video_new', { status: 'queued', remixed_from_video_id: 'video_src' }));
    }
    if (req.method === 'POST' && path === '/v1/videos')
      return json(res, 400, { error: { message: 'prompt is required', code: 'invalid_parameter' } });
    json(res, 404, { error: { message: `Invalid URL (${req.method} ${path})`, code: null } });
  };
}

describe('learning how to remix', () => {
  it('a form-only remix upstream: the JSON guesses are refused, multipart works, and it is remembered', async () => {
    const up = await fake(formOnlyRemix());
    const memory = mapMemory();
    const client = clientFor(up.origin, { dialect: 'auto', memory });
    expect(await client.dialect()).toBe('body-remix'); // the wrong guess of the reported failure
    const probed = up.seen.length;
    const remix = await client.remix({ videoId: 'video_src', prompt: 'make it night' });
    expect(remix).toMatchObject({ id: 'video_new', remixedFromVideoId: 'video_src' });
    expect(calls(up.seen.slice(probed))).toEqual([
      'POST /v1/videos/remix',
      'GET /v1/videos/video_src', // a bare 404: is it the video or the route?
      'POST /v1/videos/video_src/remix',
      'POST /v1/videos/video_src/remix (form)',
    ]);
    const saved = memory.entries.get(`${up.origin}/v1`);
    expect(saved).toMatchObject({ dialect: 'body-remix', remixAs: 'form' });
    expect(saved?.evidence.at(-1)).toMatch(/remix works as form/);

    // A restarted bot (new client, same memory): no probe, straight to multipart.
    const before = up.seen.length;
    const again = clientFor(up.origin, { dialect: 'auto', memory });
    await again.remix({ videoId: 'video_src', prompt: 'add rain' });
    expect(calls(up.seen.slice(before))).toEqual(['POST /v1/videos/video_src/remix (form)']);
  });

  it('re-learns when what was remembered stops working', async () => {
    const up = await fake(formOnlyRemix());
    const memory = mapMemory();
    const upstream = `${up.origin}/v1`;
    memory.entries.set(upstream, { dialect: 'openai', remixAs: 'body-remix', evidence: [], learnedAt: 1 });
    const client = clientFor(up.origin, { dialect: 'auto', memory });
    await client.remix({ videoId: 'video_src', prompt: 'make it night' });
    expect(memory.entries.get(upstream)?.remixAs).toBe('form');
    expect(up.seen.filter((s) => s.method === 'POST').at(-1)).toSatisfy(isForm);
  });

  it("a refusal of the user's own prompt is not retried in other spellings", async () => {
    const up = await fake(formOnlyRemix());
    const memory = mapMemory();
    memory.entries.set(`${up.origin}/v1`, { dialect: 'form', evidence: [], learnedAt: 1 });
    const client = clientFor(up.origin, { dialect: 'auto', memory });
    const err = await errorOf(client.remix({ videoId: 'video_src', prompt: 'a real person [policy]' }));
    expect(err).toBeInstanceOf(ContentPolicyError);
    expect(up.seen.filter((s) => s.method === 'POST')).toHaveLength(1);
  });

  it('when every spelling is refused as unread, the error is the bot’s mismatch, not the user’s mistake', async () => {
    const up = await fake((req, res) => {
      const path = req.url.split('?')[0];
      if (req.method === 'GET' && path === '/v1/videos/video_src') return json(res, 200, video('video_src'));
      if (req.method === 'GET') return json(res, 200, { object: 'list', data: [] });
      json(res, 400, { error: { message: "Missing required parameter: 'prompt'.", param: 'prompt' } });
    });
    const client = clientFor(up.origin, { dialect: 'auto' });
    const err = await errorOf(client.remix({ videoId: 'video_src', prompt: 'make it night' }));
    expect(err).toBeInstanceOf(DialectMismatchError);
    expect((err as DialectMismatchError).userFault).toBe(false);
  });

  it('an upstream without any remix route: remix is remembered as missing and later refused without a request', async () => {
    const up = await fake((req, res) => {
      const path = req.url.split('?')[0];
      if (req.method === 'GET' && path === '/v1/videos/video_src') return json(res, 200, video('video_src'));
      if (req.method === 'GET' && path === '/v1/videos') return json(res, 200, { object: 'list', data: [] });
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found');
    });
    const memory = mapMemory();
    const client = clientFor(up.origin, { dialect: 'auto', memory });
    const first = await errorOf(client.remix({ videoId: 'video_src', prompt: 'night' }));
    expect(first).toBeInstanceOf(UnsupportedFeatureError);
    expect((first as UnsupportedFeatureError).message).toBe(
      'This video service does not offer remix. Make a new video instead.',
    );
    expect([...(await client.missingFeatures())]).toEqual(['remix']);
    const before = up.seen.length;
    const restarted = clientFor(up.origin, { dialect: 'auto', memory });
    expect(await errorOf(restarted.remix({ videoId: 'video_src', prompt: 'rain' }))).toBeInstanceOf(
      UnsupportedFeatureError,
    );
    expect(up.seen.length).toBe(before);
  });
});

describe('learning how to create', () => {
  it('with a fixed dialect, a create whose body was not read is the bot’s mismatch, not the user’s', async () => {
    const up = await fake((_req, res) =>
      json(res, 400, { error: { message: 'prompt is required', param: 'prompt' } }),
    );
    const err = await errorOf(clientFor(up.origin).create({ prompt: 'a fox', size: '1280x720', seconds: 4 }));
    expect(err).toBeInstanceOf(DialectMismatchError);
    expect(up.seen).toHaveLength(1);
  });

  it('a create whose JSON body is not read is sent as multipart once, and multipart is remembered', async () => {
    const up = await fake((req, res) => {
      const path = req.url.split('?')[0];
      if (req.method === 'GET' && path === '/v1/videos') return json(res, 200, { object: 'list', data: [] });
      if (req.method === 'POST' && path === '/v1/videos') {
        if (isForm(req)) return json(res, 200, video('video_made', { status: 'queued' }));
        return json(res, 400, { error: { message: 'prompt is required', type: 'invalid_request_error' } });
      }
      json(res, 404, {
        error: { message: 'not found', type: 'invalid_request_error', code: 'invalid_video_id' },
      });
    });
    const memory = mapMemory();
    const client = clientFor(up.origin, { dialect: 'auto', memory });
    expect((await client.create({ prompt: 'a fox', size: '1280x720', seconds: 4 })).id).toBe('video_made');
    expect(memory.entries.get(`${up.origin}/v1`)?.createAs).toBe('form');
    const before = up.seen.length;
    await client.create({ prompt: 'a second fox', size: '1280x720', seconds: 4 });
    expect(calls(up.seen.slice(before))).toEqual(['POST /v1/videos (form)']);
  });
});

describe('what a fixed dialect learned', () => {
  it('counts only for that same setting: auto and other dialects start afresh', async () => {
    const up = await fake((req, res) => {
      const path = req.url.split('?')[0];
      if (req.method === 'GET' && path === '/v1/videos/video_src') return json(res, 200, video('video_src'));
      if (req.method === 'GET') return json(res, 200, { object: 'list', data: [] });
      if (req.method === 'POST' && path === '/v1/videos/video_src/remix')
        return json(res, 200, video('video_new', { status: 'queued', remixed_from_video_id: 'video_src' }));
      json(res, 404, { error: { message: 'Invalid URL', type: 'invalid_request_error', code: null } });
    });
    const memory = mapMemory();
    const wrong = clientFor(up.origin, { dialect: 'body-remix', memory });
    expect(await errorOf(wrong.remix({ videoId: 'video_src', prompt: 'night' }))).toBeInstanceOf(
      UnsupportedFeatureError,
    );
    expect(memory.entries.get(`${up.origin}/v1`)).toMatchObject({
      fixed: true,
      missing: { remix: expect.any(Number) },
    });
    const auto = clientFor(up.origin, { dialect: 'auto', memory });
    expect((await auto.remix({ videoId: 'video_src', prompt: 'night' })).id).toBe('video_new');
    const openai = clientFor(up.origin, { dialect: 'openai', memory });
    expect((await openai.remix({ videoId: 'video_src', prompt: 'night' })).id).toBe('video_new');
  });
});
