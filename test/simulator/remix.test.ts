import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator, SimulatorDialect } from '../../src/simulator/simulator.ts';
import {
  type CallResult,
  call,
  createVideo,
  download,
  form,
  isMp4,
  pollUntilDone,
  startFast,
} from './sim-http.ts';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** Remix the way each dialect wants it. */
function remix(
  s: Simulator,
  sourceId: string,
  prompt: string,
  extra: Record<string, string> = {},
): Promise<CallResult> {
  switch (s.options.dialect) {
    case 'body-remix':
      return call(s, '/videos/remix', { json: { video_id: sourceId, prompt, ...extra } });
    case 'form':
      return call(s, `/videos/${sourceId}/remix`, { form: form({ prompt, ...extra }) });
    default:
      return call(s, `/videos/${sourceId}/remix`, { json: { prompt, ...extra } });
  }
}

/** The route each dialect does NOT offer. */
function wrongRemix(s: Simulator, sourceId: string): Promise<CallResult> {
  return s.options.dialect === 'body-remix'
    ? call(s, `/videos/${sourceId}/remix`, { json: { prompt: 'x' } })
    : call(s, '/videos/remix', { json: { video_id: sourceId, prompt: 'x' } });
}

async function completedSource(s: Simulator, fields: Record<string, string> = {}): Promise<string> {
  const id = String((await createVideo(s, { size: '720x1280', seconds: '8', ...fields })).id);
  s.completeNow(id);
  return id;
}

describe.each(['openai', 'body-remix', 'form', 'json-remix-size', 'gateway'] as const)(
  'dialect %s',
  (dialect) => {
    it('remixes a completed video on its own route, inheriting size and seconds', async () => {
      sim = await startFast({ dialect });
      const sourceId = await completedSource(sim);
      const r = await remix(sim, sourceId, 'make it night');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ size: '720x1280', prompt: 'make it night' });
      expect(Number(r.body.seconds)).toBe(8);
      const from = String(r.body.remixed_from_video_id);
      expect(dialect === 'json-remix-size' ? `video_${from}` : from).toBe(sourceId);

      const id = String(r.body.id);
      await pollUntilDone(sim, id);
      const original = await download(sim, `/videos/${sourceId}/content`);
      const remixed = await download(sim, `/videos/${id}/content`);
      expect(isMp4(remixed.bytes)).toBe(true);
      expect(remixed.bytes.equals(original.bytes)).toBe(false);
    });

    it('answers the other remix route with 404', async () => {
      sim = await startFast({ dialect });
      const sourceId = await completedSource(sim);
      const r = await wrongRemix(sim, sourceId);
      expect(r.status).toBe(404);
      expect(sim.jobs()).toHaveLength(1);
    });

    it('refuses to remix a video that is not completed', async () => {
      sim = await startFast({ dialect, timing: { queuedMs: 60_000 } });
      const sourceId = String((await createVideo(sim)).id);
      const r = await remix(sim, sourceId, 'x');
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body)).toContain('video_not_completed');
    });

    it('refuses to remix an expired video', async () => {
      sim = await startFast({ dialect });
      const sourceId = await completedSource(sim);
      sim.expireNow(sourceId);
      const r = await remix(sim, sourceId, 'x');
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body)).toContain('video_expired');
    });
  },
);

describe('remix details', () => {
  it.each(['openai', 'body-remix', 'json-remix-size', 'gateway'] as const)(
    '%s: an unknown source answers 404 invalid_video_id',
    async (dialect: SimulatorDialect) => {
      sim = await startFast({ dialect });
      const r = await remix(sim, 'video_0000', 'x');
      expect(r.status).toBe(404);
      expect(JSON.stringify(r.body)).toContain('invalid_video_id');
    },
  );

  it('form: an unknown source answers a plain 404', async () => {
    sim = await startFast({ dialect: 'form' });
    const r = await remix(sim, 'video_0000', 'x');
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('form: a JSON remix is refused with 415 and a remix prompt over 1000 characters with 400', async () => {
    sim = await startFast({ dialect: 'form' });
    const sourceId = await completedSource(sim);
    const json = await call(sim, `/videos/${sourceId}/remix`, { json: { prompt: 'x' } });
    expect(json.status).toBe(415);
    expect(json.body.error).toMatchObject({
      code: 'unsupported_content_type',
      type: 'invalid_request_error',
    });
    const long = await remix(sim, sourceId, 'y'.repeat(1001));
    expect(long.status).toBe(400);
    expect(long.body.error).toMatchObject({ code: 'invalid_parameter' });
  });

  it('json-remix-size: takes size from the body, and accepts the source id without its prefix', async () => {
    sim = await startFast({ dialect: 'json-remix-size' });
    const sourceId = await completedSource(sim);
    const r = await call(sim, `/videos/${sourceId.replace(/^video_/, '')}/remix`, {
      json: { prompt: 'wider', size: '1280x720' },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ size: '1280x720', seconds: '8' });
  });

  it('body-remix: a missing video_id answers 400 invalid_parameter without a type field', async () => {
    sim = await startFast({ dialect: 'body-remix' });
    const r = await call(sim, '/videos/remix', { json: { prompt: 'x' } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: { message: expect.any(String), code: 'invalid_parameter' } });
  });

  it('openai: POST /videos/remix is an unknown route with the official body', async () => {
    sim = await startFast({ dialect: 'openai' });
    const r = await call(sim, '/videos/remix', { json: { video_id: 'video_1', prompt: 'x' } });
    expect(r.status).toBe(404);
    expect(r.body).toEqual({
      error: {
        message: 'Invalid URL (POST /v1/videos/remix)',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });

  it('gateway with remix:false answers 404 on every remix route', async () => {
    sim = await startFast({ dialect: 'gateway', remix: false });
    const sourceId = await completedSource(sim);
    expect((await remix(sim, sourceId, 'x')).status).toBe(404);
    expect((await call(sim, '/videos/remix', { json: { video_id: sourceId, prompt: 'x' } })).status).toBe(
      404,
    );
    expect(sim.jobs()).toHaveLength(1);
  });

  it('a remix of a remix keeps the root prompt and lists both changes', async () => {
    sim = await startFast();
    const root = await completedSource(sim, { prompt: 'a red barn' });
    const first = String((await remix(sim, root, 'add snow')).body.id);
    sim.completeNow(first);
    const second = String((await remix(sim, first, 'add a fox')).body.id);
    const job = sim.job(second)!;
    expect(job.rootPrompt).toBe('a red barn');
    expect(job.remixPrompts).toEqual(['add snow', 'add a fox']);
    expect(job.remixedFromVideoId).toBe(first);
  });
});
