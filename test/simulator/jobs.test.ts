import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.ts';
import { call, createVideo, download, pollUntilDone, startFast, waitFor } from './sim-http.ts';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('list', () => {
  it('lists newest first by default and pages with after/limit', async () => {
    sim = await startFast({ concurrencyPerKey: 10 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(String((await createVideo(sim, { prompt: `clip ${i}` })).id));
    const newest = [...ids].reverse();

    const page1 = await call(sim, '/videos?limit=2');
    expect(page1.body).toMatchObject({
      object: 'list',
      first_id: newest[0],
      last_id: newest[1],
      has_more: true,
    });
    expect((page1.body.data as Array<{ id: string }>).map((v) => v.id)).toEqual(newest.slice(0, 2));

    const page2 = await call(sim, `/videos?limit=2&after=${newest[1]}`);
    expect((page2.body.data as Array<{ id: string }>).map((v) => v.id)).toEqual(newest.slice(2, 4));

    const rest = await call(sim, `/videos?limit=10&after=${newest[3]}`);
    expect(rest.body).toMatchObject({ has_more: false, first_id: newest[4], last_id: newest[4] });

    const asc = await call(sim, '/videos?order=asc&limit=100');
    expect((asc.body.data as Array<{ id: string }>).map((v) => v.id)).toEqual(ids);
  });

  it('answers an empty list with null ids and refuses a bad limit', async () => {
    sim = await startFast();
    expect((await call(sim, '/videos')).body).toEqual({
      object: 'list',
      data: [],
      first_id: null,
      last_id: null,
      has_more: false,
    });
    expect((await call(sim, '/videos?limit=0')).status).toBe(400);
    expect((await call(sim, '/videos?order=sideways')).status).toBe(400);
  });
});

describe('delete', () => {
  it('deletes a video, after which it is gone', async () => {
    sim = await startFast();
    const id = String((await createVideo(sim)).id);
    const r = await call(sim, `/videos/${id}`, { method: 'DELETE' });
    expect(r.body).toEqual({ id, object: 'video.deleted', deleted: true });
    expect((await call(sim, `/videos/${id}`)).status).toBe(404);
    expect((await call(sim, `/videos/${id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('deleting a running job frees its slot for a waiting one', async () => {
    sim = await startFast({ concurrencyPerKey: 1, timing: { queuedMs: 60_000 } });
    const first = String((await createVideo(sim)).id);
    const second = String((await createVideo(sim)).id);
    expect(sim.job(second)?.state).toBe('waiting');
    await call(sim, `/videos/${first}`, { method: 'DELETE' });
    expect(sim.job(second)?.state).toBe('queued');
  });
});

describe('concurrency per key', () => {
  it('queues jobs over the limit and runs them as slots free (overLimit: queue)', async () => {
    sim = await startFast({ concurrencyPerKey: 2, timing: { msPerVideoSecond: 100 } });
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(String((await createVideo(sim, { prompt: `clip ${i}` })).id));
    const states = ids.map((id) => sim!.job(id)!.state);
    expect(states.slice(2)).toEqual(['waiting', 'waiting']);
    for (const s of states.slice(0, 2)) expect(['queued', 'in_progress']).toContain(s);
    // Waiting jobs read as plain queued on the wire.
    expect((await call(sim, `/videos/${ids[3]}`)).body.status).toBe('queued');
    for (const id of ids) await pollUntilDone(sim, id);
    const starts = ids.map((id) => sim!.job(id)!.startedAtMs!);
    const ends = ids.map((id) => sim!.job(id)!.finishedAtMs!);
    // The third job only started once one of the first two had finished.
    expect(starts[2]).toBeGreaterThanOrEqual(Math.min(ends[0]!, ends[1]!));
  });

  it('refuses create and remix over the limit with 429 and Retry-After (overLimit: reject)', async () => {
    sim = await startFast({ concurrencyPerKey: 2, overLimit: 'reject', timing: { queuedMs: 60_000 } });
    const done = String((await createVideo(sim)).id);
    sim.completeNow(done);
    await createVideo(sim);
    await createVideo(sim);
    const refused = await call(sim, '/videos', { json: { prompt: 'one too many' } });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'rate_limit_exceeded' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const remix = await call(sim, `/videos/${done}/remix`, { json: { prompt: 'x' } });
    expect(remix.status).toBe(429);
    expect(sim.jobs()).toHaveLength(3);
  });
});

describe('expiry', () => {
  it('expires a completed video after expiresAfterMs: status stays completed, content answers 410', async () => {
    sim = await startFast({ timing: { expiresAfterMs: 50 } });
    const id = String((await createVideo(sim)).id);
    await pollUntilDone(sim, id);
    const gone = await waitFor(async () => {
      const r = await download(sim!, `/videos/${id}/content`);
      return r.status === 200 ? undefined : r;
    }, 'content to expire');
    expect(gone.status).toBe(410);
    expect(JSON.parse(gone.bytes.toString()).error).toMatchObject({ code: 'video_expired' });
    expect((await call(sim, `/videos/${id}`)).body.status).toBe('completed');
  });

  it('gateway reports expired as a status of its own', async () => {
    sim = await startFast({ dialect: 'gateway' });
    const id = String((await createVideo(sim)).id);
    sim.expireNow(id);
    expect(String((await call(sim, `/videos/${id}`)).body.status).toLowerCase()).toBe('expired');
  });

  it('form asset links stop working once the video expires', async () => {
    sim = await startFast({ dialect: 'form' });
    const id = String((await createVideo(sim)).id);
    sim.completeNow(id);
    const url = ((await call(sim, `/videos/${id}`)).body.assets as Array<{ url: string }>)[0]!.url;
    expect((await download(sim, url, null)).status).toBe(200);
    sim.expireNow(id);
    expect((await download(sim, url, null)).status).toBe(410);
  });
});

describe('test shortcuts', () => {
  it('failNow and cancelNow end a job with the matching status', async () => {
    sim = await startFast({ timing: { queuedMs: 60_000 } });
    const a = String((await createVideo(sim)).id);
    const b = String((await createVideo(sim)).id);
    sim.failNow(a);
    sim.cancelNow(b);
    expect((await call(sim, `/videos/${a}`)).body).toMatchObject({
      status: 'failed',
      error: { code: 'generation_failed' },
    });
    expect((await call(sim, `/videos/${b}`)).body.status).toBe('cancelled');
  });
});
