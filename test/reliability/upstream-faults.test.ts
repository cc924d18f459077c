/**
 * Upstream faults against the whole engine (real VideoClient, simulator faults): 429 storms,
 * 5xx bursts, hangs past the client timeout, resets and truncation mid-download, malformed JSON,
 * jobs that never finish, and a seeded mix of all of them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/simulator/seeded-random.ts';
import type { Fault } from '../../src/simulator/simulator.ts';
import { type Harness, request, startHarness, submitted } from '../engine/engine-harness.ts';
import { suiteSeed } from './kill-rounds.ts';
import { ended, expectPromisesKept } from './outcome-checks.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function run(prompts: string[], faults: Fault[], engine: Parameters<typeof startHarness>[0] = {}) {
  h = await startHarness(engine);
  for (const f of faults) h.sim.faults.inject(f);
  const ids: string[] = [];
  for (const [i, p] of prompts.entries()) {
    ids.push(submitted(await h.engine.submit(request(`u${i % 2}`, p))).job.id);
  }
  const jobs = await ended(h.engine, ids);
  await expectPromisesKept(h, jobs, ['u0', 'u1']);
  return { h, jobs };
}

describe('upstream faults', () => {
  it('a 429 storm on create and status checks with Retry-After delays jobs but each is made once and delivered', async () => {
    const { h, jobs } = await run(
      ['storm a', 'storm b', 'storm c'],
      [
        { route: 'create', kind: 'status', status: 429, retryAfterSeconds: 0, times: 12 },
        { route: 'retrieve', kind: 'status', status: 429, retryAfterSeconds: 0, times: 15 },
      ],
    );
    expect(jobs.every((j) => j.state === 'delivered')).toBe(true);
    expect(h.sim.stats.requests({ route: 'create' }).filter((r) => r.status === 429).length).toBe(12);
    expect(h.sim.faults.pending()).toHaveLength(0);
  });

  it('a burst of 500/502/503 on every route still ends in delivered videos, none created twice', async () => {
    const { jobs } = await run(
      ['burst a', 'burst b'],
      [500, 502, 503].flatMap((status) => [
        { route: 'retrieve' as const, kind: 'status' as const, status, times: 2 },
        { route: 'content' as const, kind: 'status' as const, status, times: 1 },
        { route: 'create' as const, kind: 'status' as const, status, times: 1 },
      ]),
    );
    expect(jobs.every((j) => j.state === 'delivered')).toBe(true);
  });

  it('a create and a status check that hang past the client timeout are recovered without a second upstream job', async () => {
    const { jobs } = await run(
      ['hang a'],
      [
        { route: 'create', kind: 'hang' },
        { route: 'retrieve', kind: 'hang' },
      ],
    );
    expect(jobs[0]?.state).toBe('delivered');
  }, 30_000);

  it('a connection reset and a truncated MP4 mid-download are retried and the whole file is delivered', async () => {
    const { h, jobs } = await run(
      ['download a'],
      [
        { route: 'content', kind: 'truncate', afterBytes: 2000 },
        { route: 'content', kind: 'reset' },
        { route: 'content', kind: 'truncate', afterBytes: 10 },
      ],
    );
    const job = jobs[0]!;
    expect(job.state).toBe('delivered');
    const full = await fetch(`${h.sim.url}/videos/${job.videoId}/content`, {
      headers: { authorization: `Bearer ${h.sim.options.apiKey}` },
    });
    const size = (await full.arrayBuffer()).byteLength;
    const got = h.surface.of('completed', job.id)[0];
    expect(got?.kind === 'completed' ? got.bytes : 0).toBe(size);
  });

  it('malformed JSON from create and status checks is not trusted: the job is found or made once and delivered', async () => {
    const { jobs } = await run(
      ['garbled a', 'garbled b'],
      [
        { route: 'create', kind: 'malformed-json' },
        { route: 'retrieve', kind: 'malformed-json', times: 3 },
      ],
    );
    expect(jobs.every((j) => j.state === 'delivered')).toBe(true);
  });

  it('a job that never finishes fails at its deadline with a message, refunded', async () => {
    const { jobs } = await run(['stuck forever [never]'], [], { engine: { jobDeadlineMs: 700 } });
    expect(jobs[0]?.state).toBe('failed');
    expect(jobs[0]?.error?.code).toBe('timeout');
    expect(jobs[0]?.error?.userFault).toBe(false);
  });

  it('a seeded mix of faults on every route: every job ends delivered or failed with a message, quotas exact', async () => {
    const seed = suiteSeed(9303);
    const rng = new SeededRandom(seed);
    const routes = ['create', 'retrieve', 'content', 'list'] as const;
    const kinds: Array<() => Fault> = [
      () => ({ route: 'any', kind: 'status', status: 429, retryAfterSeconds: 0 }),
      () => ({ route: 'any', kind: 'status', status: [500, 502, 503][rng.int(3)] ?? 500 }),
      () => ({ route: 'any', kind: 'malformed-json' }),
      () => ({ route: 'any', kind: 'reset' }),
      () => ({ route: 'any', kind: 'truncate', afterBytes: rng.int(400) }),
      () => ({ route: 'any', kind: 'delay', ms: rng.int(150) }),
    ];
    const faults: Fault[] = [];
    for (let i = 0; i < 30; i++) {
      const f = kinds[rng.int(kinds.length)]!();
      faults.push({ ...f, route: routes[rng.int(routes.length)]!, times: 1 + rng.int(2) });
    }
    const prompts = ['mix a', 'mix b', 'mix c [fail]', 'mix d'];
    try {
      const { jobs } = await run(prompts, faults);
      expect(jobs.filter((j) => j.state === 'delivered').length).toBeGreaterThan(0);
    } catch (err) {
      console.error(`seeded upstream faults failed with FAULT_SEED=${seed}`);
      throw err;
    }
  }, 40_000);
});
