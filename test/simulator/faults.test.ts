import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.ts';
import { call, createVideo, download, startFast } from './sim-http.ts';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** A raw GET that reports how the exchange ended, including a body cut short. */
function rawGet(
  url: string,
  key: string,
): Promise<{ status?: number; declared?: number; received: number; error?: string }> {
  return new Promise((resolve) => {
    let received = 0;
    const req = request(url, { headers: { authorization: `Bearer ${key}` }, agent: false }, (res) => {
      const declared = Number(res.headers['content-length']);
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, declared, received }));
      res.on('error', (err) =>
        resolve({ status: res.statusCode ?? 0, declared, received, error: err.message }),
      );
      res.on('aborted', () => resolve({ status: res.statusCode ?? 0, declared, received, error: 'aborted' }));
    });
    req.on('error', (err) => resolve({ received, error: err.message }));
    req.end();
  });
}

describe('faults', () => {
  it('status: answers the injected status with Retry-After, then recovers', async () => {
    sim = await startFast();
    sim.faults.inject({ route: 'create', kind: 'status', status: 429, retryAfterSeconds: 3 });
    const refused = await call(sim, '/videos', { json: { prompt: 'x' } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('3');
    expect(refused.body.error).toMatchObject({ code: 'rate_limit_exceeded' });
    expect(sim.jobs()).toHaveLength(0);
    expect((await call(sim, '/videos', { json: { prompt: 'x' } })).status).toBe(200);
  });

  it.each([500, 502, 503, 408])('status: %i hits as many requests as times says', async (status) => {
    sim = await startFast();
    sim.faults.inject({ route: 'list', kind: 'status', status, times: 2 });
    expect((await call(sim, '/videos')).status).toBe(status);
    expect((await call(sim, '/videos')).status).toBe(status);
    expect((await call(sim, '/videos')).status).toBe(200);
  });

  it('faults only hit their route, or the one video they name', async () => {
    sim = await startFast();
    const a = String((await createVideo(sim)).id);
    const b = String((await createVideo(sim)).id);
    sim.faults.inject({ route: 'retrieve', videoId: b, kind: 'status', status: 500 });
    expect((await call(sim, '/videos')).status).toBe(200);
    expect((await call(sim, `/videos/${a}`)).status).toBe(200);
    expect((await call(sim, `/videos/${b}`)).status).toBe(500);
    expect(sim.faults.pending()).toHaveLength(0);
  });

  it('delay: answers normally after the delay', async () => {
    sim = await startFast();
    sim.faults.inject({ route: 'any', kind: 'delay', ms: 50 });
    const r = await call(sim, '/videos');
    expect(r.status).toBe(200);
    expect(sim.stats.requests({ route: 'list' })[0]?.fault).toBe('delay');
  });

  it('hang: never answers until the client gives up', async () => {
    sim = await startFast();
    sim.faults.inject({ route: 'retrieve', kind: 'hang' });
    await expect(call(sim, '/videos/video_1', { signal: AbortSignal.timeout(150) })).rejects.toThrow();
    expect(sim.stats.count('retrieve')).toBe(1);
    expect((await call(sim, '/videos/video_1')).status).toBe(404);
  });

  it('hang: close() does not wait for the hung request', async () => {
    sim = await startFast();
    sim.faults.inject({ route: 'list', kind: 'hang' });
    const pending = call(sim, '/videos').catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 30));
    await sim.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  it('malformed-json: 200 with a JSON content type and a body that does not parse', async () => {
    sim = await startFast();
    sim.faults.inject({ route: 'create', kind: 'malformed-json' });
    const r = await call(sim, '/videos', { json: { prompt: 'x' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(() => JSON.parse(r.text)).toThrow();
  });

  it('truncate: declares the full length, sends part, then drops the connection', async () => {
    sim = await startFast();
    const id = String((await createVideo(sim)).id);
    sim.completeNow(id);
    const full = (await download(sim, `/videos/${id}/content`)).bytes.length;
    sim.faults.inject({ route: 'content', kind: 'truncate', afterBytes: 1000 });
    const r = await rawGet(`${sim.url}/videos/${id}/content`, sim.options.apiKey);
    expect(r.status).toBe(200);
    expect(r.declared).toBe(full);
    expect(r.received).toBeLessThan(full);
    expect(r.error).toBeDefined();
    // fetch sees the cut too.
    sim.faults.inject({ route: 'content', kind: 'truncate', afterBytes: 1000 });
    await expect(download(sim, `/videos/${id}/content`)).rejects.toThrow();
  });

  it('reset: destroys the socket without an answer', async () => {
    sim = await startFast();
    sim.faults.inject({ route: 'create', kind: 'reset' });
    await expect(call(sim, '/videos', { json: { prompt: 'x' } })).rejects.toThrow();
    expect(sim.stats.requests({ route: 'create' })[0]).toMatchObject({ fault: 'reset', status: undefined });
    expect(sim.jobs()).toHaveLength(0);
  });

  it('faults can hit asset links too, and clear() disarms everything', async () => {
    sim = await startFast({ dialect: 'gateway' });
    const id = String((await createVideo(sim)).id);
    sim.completeNow(id);
    const url = String((await call(sim, `/videos/${id}`)).body.video_url);
    sim.faults.inject({ route: 'asset', kind: 'status', status: 503 });
    expect((await download(sim, url, null)).status).toBe(503);
    sim.faults.inject({ route: 'any', kind: 'status', status: 500, times: Number.POSITIVE_INFINITY });
    expect((await call(sim, '/videos')).status).toBe(500);
    sim.faults.clear();
    expect((await call(sim, '/videos')).status).toBe(200);
    expect(sim.stats.count('asset')).toBe(1);
  });
});
