/**
 * SIGKILL at 25 seeded points early in the job lifecycle (while submits, queueing and the first
 * creates are under way), 5 bots per child process. `FAULT_SEED=<n>` replays a run.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { tempDir } from '../engine/engine-harness.ts';
import { type KillPoint, runKillRound, suiteSeed } from './kill-rounds.ts';

const SEED = suiteSeed(7101);
const ROUNDS = 5;
const BOTS = 5;
let sim: Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({
    seed: SEED,
    concurrencyPerKey: 16,
    timing: { queuedMs: 30, msPerVideoSecond: 25, minRunMs: 80, jitter: 0.2 },
  });
  dir = tempDir('reelbot-kill-early-');
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SIGKILL early in the lifecycle', () => {
  it(`25 kills (seed ${SEED}): every accepted job ends delivered or failed with a message, quotas exact, nothing created twice`, async () => {
    const points: KillPoint[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        points.push(
          ...(await runKillRound({ sim, dir, seed: SEED, round, bots: BOTS, killWindow: [0, 450] })),
        );
      }
    } catch (err) {
      console.error(`SIGKILL suite failed with FAULT_SEED=${SEED}`);
      throw err;
    }
    expect(points).toHaveLength(ROUNDS * BOTS);
    const states = points.flatMap((p) => p.statesAtKill);
    const dup = points.reduce((n, p) => n + p.duplicateDeliveries, 0);
    console.info(
      `seed ${SEED}: states at kill ${JSON.stringify(histogram(states))}; re-sent deliveries ${dup}`,
    );
    expect(states.some((s) => s !== 'delivered' && s !== 'failed')).toBe(true);
  }, 55_000);
});

function histogram(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
