/**
 * A pool of upstream keys (`VIDEO_API_KEY=k1,k2`): each key has its own cap, a job sticks to the
 * key that created it, and a key the upstream refuses leaves the pool (logged without the key)
 * while its jobs go to the other key.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../src/engine/job.ts';
import { createLogger } from '../../src/log/logger.ts';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { ended, expectPromisesKept } from '../reliability/outcome-checks.ts';
import {
  clientFor,
  type Harness,
  rateLimitedCreates,
  request,
  startHarness,
  submitted,
} from './engine-harness.ts';

const SECOND_KEY = 'sim-key-two';

/** Jobs run 200 ms; `held`: they finish only when the test says so (`completeNow`). */
async function poolSim(held = false): Promise<Simulator> {
  return startSimulator({
    timing: held
      ? { queuedMs: 3_600_000, msPerVideoSecond: 0, minRunMs: 0, jitter: 0 }
      : { queuedMs: 20, msPerVideoSecond: 60, minRunMs: 200, jitter: 0 },
    concurrencyPerKey: 2,
    overLimit: 'reject',
    extraApiKeys: [SECOND_KEY],
  });
}

/**
 * Three jobs (users `${user}0..2`) submitted while the first key is refused: all delivered, all on
 * the second key. Their final records.
 */
async function threeDeliveredOnSecondKey(harness: Harness, user: string, prompt: string): Promise<Job[]> {
  const jobs = [];
  for (let i = 0; i < 3; i++)
    jobs.push(submitted(await harness.engine.submit(request(`${user}${i}`, `${prompt} ${i}`))).job);
  const done = await ended(
    harness.engine,
    jobs.map((j) => j.id),
    30_000,
  );
  expect(done.map((j) => j.state)).toEqual(['delivered', 'delivered', 'delivered']);
  expect(done.every((j) => j.keyIndex === 1)).toBe(true);
  return done;
}

let h: Harness | undefined;
let sim: Simulator | undefined;
afterEach(async () => {
  await h?.close();
  await sim?.close();
  h = undefined;
  sim = undefined;
});

describe('upstream key pool', () => {
  it('two keys with a cap of 2 each run four jobs at once, with no 429, each job following on its own key', async () => {
    // Held upstream until all four run, however slow the machine: the cap is what is measured.
    sim = await poolSim(true);
    const s = sim;
    h = await startHarness({
      simulator: s,
      engine: { client: clientFor(s, s.options.apiKey), extraKeyClients: [clientFor(s, SECOND_KEY)] },
    });
    let most = 0;
    h.engine.events.on('inflight', (n) => {
      most = Math.max(most, n);
    });
    const jobs = [];
    for (let i = 0; i < 4; i++)
      jobs.push(submitted(await h.engine.submit(request(`u${i}`, `pool ${i}`))).job);
    await vi.waitFor(() => expect(s.jobs()).toHaveLength(4), { timeout: 30_000, interval: 20 });
    for (const j of s.jobs()) s.completeNow(j.id);
    const done = await ended(
      h.engine,
      jobs.map((j) => j.id),
      30_000,
    );
    expect(done.map((j) => j.state)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
    expect(most).toBe(4);
    expect(rateLimitedCreates(s)).toBe(0);
    expect(done.map((j) => j.keyIndex).sort()).toEqual([0, 0, 1, 1]);
    await expectPromisesKept({ engine: h.engine, sim: s, surface: h.surface }, done, [
      'u0',
      'u1',
      'u2',
      'u3',
    ]);
  }, 60_000);

  it('a key the upstream refuses (401) leaves the pool with an alert and no secret logged; its jobs run on the other key', async () => {
    sim = await poolSim();
    const s = sim;
    const lines: string[] = [];
    const revoked = 'sk-revoked-0123456789abcdef';
    h = await startHarness({
      simulator: s,
      engine: {
        client: clientFor(s, revoked),
        extraKeyClients: [clientFor(s, SECOND_KEY)],
        logger: createLogger({ level: 'info', sink: (l) => lines.push(l) }),
      },
    });
    const keyEvents: number[] = [];
    h.engine.events.on('keys', (k) => keyEvents.push(k.disabled));
    const done = await threeDeliveredOnSecondKey(h, 'v', 'revoked');
    expect(h.engine.keysDisabled).toBe(1);
    expect(keyEvents).toEqual([1]);
    const alert = lines.find((l) => l.includes('taken out of the pool'));
    expect(alert).toBeDefined();
    expect(lines.join('\n')).not.toContain(revoked);
    await expectPromisesKept({ engine: h.engine, sim: s, surface: h.surface }, done, ['v0', 'v1', 'v2']);
  }, 60_000);

  it('two jobs refused on the same key at the same moment both move to the other key', async () => {
    sim = await poolSim();
    const s = sim;
    h = await startHarness({
      simulator: s,
      engine: { client: clientFor(s, 'sk-revoked-two-at-once'), extraKeyClients: [clientFor(s, SECOND_KEY)] },
    });
    // Every create waits, so both of the revoked key's jobs have theirs out when the first 401 lands.
    s.faults.inject({ route: 'create', kind: 'delay', ms: 300, times: 3 });
    await threeDeliveredOnSecondKey(h, 'w', 'together');
    expect(s.stats.requests({ route: 'create' }).filter((r) => r.status === 401)).toHaveLength(2);
  }, 60_000);
});
