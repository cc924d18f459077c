import { describe, expect, it } from 'vitest';
import { FaultController } from '../../src/simulator/fault-controller.ts';
import { type CardLook, MediaCache, type MediaRenderer } from '../../src/simulator/media-cache.ts';
import { SeededRandom } from '../../src/simulator/seeded-random.ts';
import { type SimJob, steeringFor } from '../../src/simulator/sim-job.ts';
import { resolveSimulatorOptions } from '../../src/simulator/simulator-options.ts';
import { call, createVideo, startFast, waitFor } from './sim-http.ts';

function fakeJob(id: string, extra: Partial<SimJob> = {}): SimJob {
  return {
    id,
    owner: 'o',
    model: 'sora-2',
    prompt: 'p',
    size: '1280x720',
    width: 1280,
    height: 720,
    seconds: 4,
    remixedFromVideoId: undefined,
    rootPrompt: 'p',
    remixPrompts: [],
    hasInputReference: false,
    outcome: 'complete',
    runMs: 1,
    createdAtMs: 0,
    state: 'completed',
    admittedAtMs: 0,
    startedAtMs: 0,
    finishedAtMs: 0,
    expiresAtMs: undefined,
    error: undefined,
    frozenProgress: undefined,
    videoBytes: undefined,
    answers: 0,
    ...extra,
  };
}

const LOOK: CardLook = { badge: 'SIMULATED', keyframeIntervalSeconds: undefined };

describe('media cache', () => {
  it('renders once per video and variant, evicting the least recently used past the byte limit', async () => {
    const calls: string[] = [];
    const renderer: MediaRenderer = {
      render: (variant, spec) => {
        calls.push(`${spec.title}:${variant}`);
        return Buffer.alloc(40);
      },
      palette: () => ({ background: [0, 0, 0], foreground: [255, 255, 255], accent: [255, 0, 0] }),
    };
    const cache = new MediaCache(async () => renderer, LOOK, 100);
    const a = fakeJob('a', { prompt: 'A' });
    const b = fakeJob('b', { prompt: 'B' });
    const c = fakeJob('c', { prompt: 'C' });
    await cache.get(a, 'video');
    await cache.get(a, 'video');
    await cache.get(b, 'video');
    await cache.get(a, 'video'); // a is now the most recent
    await cache.get(c, 'video'); // evicts b
    await cache.get(a, 'video');
    await cache.get(b, 'video');
    expect(calls).toEqual(['A:video', 'B:video', 'C:video', 'B:video']);
    expect(cache.size).toBeLessThanOrEqual(100);
    expect(a.videoBytes).toBe(40);
  });

  it('concurrent requests for one variant share one render and count its bytes once', async () => {
    let renders = 0;
    const renderer: MediaRenderer = {
      render: async () => {
        renders += 1;
        await Promise.resolve();
        return Buffer.alloc(30);
      },
      palette: () => ({ background: [0, 0, 0], foreground: [255, 255, 255], accent: [255, 0, 0] }),
    };
    const cache = new MediaCache(async () => renderer, LOOK, 1000);
    const job = fakeJob('a', { prompt: 'A' });
    const got = await Promise.all([1, 2, 3].map(() => cache.get(job, 'thumbnail')));
    expect(renders).toBe(1);
    expect(new Set(got).size).toBe(1);
    expect(cache.size).toBe(30);
  });

  it('draws a remix with the root prompt as title, the change and the source id', async () => {
    const specs: Array<{ title: string; lines?: string[] }> = [];
    const seeds: string[] = [];
    const renderer: MediaRenderer = {
      render: (_v, spec) => {
        specs.push(spec);
        return Buffer.alloc(1);
      },
      palette: (seed) => {
        seeds.push(seed);
        return { background: [0, 0, 0], foreground: [255, 255, 255], accent: [255, 0, 0] };
      },
    };
    const cache = new MediaCache(async () => renderer, LOOK, 1000);
    const remix = fakeJob('r', {
      prompt: 'add snow',
      rootPrompt: 'a red barn',
      remixPrompts: ['add snow'],
      remixedFromVideoId: 'video_src',
    });
    await cache.get(remix, 'thumbnail');
    expect(specs[0]).toMatchObject({ title: 'a red barn', lines: ['remix: add snow', 'from video_src'] });
    expect(seeds).toEqual(['a red barnadd snow']);
  });
});

describe('fault controller', () => {
  it('uses faults in the order armed and forgets them when used up', () => {
    const faults = new FaultController();
    faults.inject({ route: 'retrieve', kind: 'status', status: 500, times: 2 });
    faults.inject({ route: 'any', kind: 'reset' });
    expect(faults.take('create', undefined)?.kind).toBe('reset');
    expect(faults.take('retrieve', 'v')?.kind).toBe('status');
    expect(faults.take('retrieve', 'v')?.kind).toBe('status');
    expect(faults.take('retrieve', 'v')).toBeUndefined();
    expect(() => faults.inject({ route: 'any', kind: 'hang', times: 0 })).toThrow(RangeError);
  });
});

describe('options and ids', () => {
  it('fills defaults in one place and rejects values that cannot work', () => {
    const o = resolveSimulatorOptions({ timing: { queuedMs: undefined as unknown as number } });
    expect(o).toMatchObject({
      dialect: 'openai',
      apiKey: 'sim-key',
      host: '127.0.0.1',
      concurrencyPerKey: 2,
    });
    expect(o.timing.queuedMs).toBe(100);
    expect(() => resolveSimulatorOptions({ concurrencyPerKey: 0 })).toThrow(RangeError);
    expect(() => resolveSimulatorOptions({ timing: { jitter: 1 } })).toThrow(RangeError);
    expect(() =>
      resolveSimulatorOptions({ webhook: { url: 'http://127.0.0.1:1', secret: 'plain' } }),
    ).toThrow(RangeError);
  });

  it('repeats the same sequence for the same seed', () => {
    const a = new SeededRandom(5);
    const b = new SeededRandom(5);
    expect([a.hex(24), a.uuid(), a.alnum(8)]).toEqual([b.hex(24), b.uuid(), b.alnum(8)]);
  });

  it('reads every prompt tag', () => {
    expect(steeringFor('x [REJECT]').reject).toBe(true);
    expect(steeringFor('a celebrity').outcome).toBe('policy');
    expect(steeringFor('celebrityish').outcome).toBe('complete');
    expect(steeringFor('[fail]').outcome).toBe('fail');
    expect(steeringFor('[never]').outcome).toBe('never');
    expect(steeringFor('[slow]').slowFactor).toBe(10);
  });
});

describe('start and close', () => {
  it('starts many simulators quickly and leaves no servers, sockets or timers after close', async () => {
    const count = (types: string[]) =>
      process.getActiveResourcesInfo().filter((t) => types.includes(t)).length;
    const watched = ['TCPServerWrap', 'TCPSocketWrap', 'Timeout'];
    const before = count(watched);
    const sims = await Promise.all(
      Array.from({ length: 20 }, () => startFast({ timing: { queuedMs: 60_000 } })),
    );
    for (const s of sims) {
      await createVideo(s);
      s.faults.inject({ route: 'list', kind: 'hang' });
      void call(s, '/videos').catch(() => undefined);
    }
    await Promise.all(sims.map((s) => s.close()));
    await waitFor(() => (count(watched) <= before ? true : undefined), 'handles to be released');
  });
});
