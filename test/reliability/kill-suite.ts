/**
 * One SIGKILL suite: `ROUNDS` child processes of `BOTS` bots each, killed at seeded moments in
 * `killWindow` (ms after start), then recovered and checked by `runKillRound`. The early and late
 * suites are separate files so vitest runs them side by side.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { tempDir } from '../engine/engine-harness.ts';
import { type KillPoint, runKillRound, suiteSeed } from './kill-rounds.ts';

const ROUNDS = 5;
const BOTS = 5;

export interface KillSuite {
  name: string;
  defaultSeed: number;
  killWindow: [number, number];
  /** What the states at the kills (a job state, or `none`) must include, so the suite really covered its part of the lifecycle. */
  covered: { what: string; test: (state: string) => boolean };
}

export function defineKillSuite(suite: KillSuite): void {
  const seed = suiteSeed(suite.defaultSeed);
  let sim: Simulator;
  let dir: string;
  beforeAll(async () => {
    sim = await startSimulator({
      seed,
      concurrencyPerKey: 16,
      timing: { queuedMs: 30, msPerVideoSecond: 25, minRunMs: 80, jitter: 0.2 },
    });
    dir = tempDir('reelbot-kill-');
  });
  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe(`SIGKILL ${suite.name}`, () => {
    it(`${ROUNDS * BOTS} kills (seed ${seed}): every accepted job ends delivered or failed with a message, quotas exact, nothing created twice`, async () => {
      const points: KillPoint[] = [];
      try {
        for (let round = 0; round < ROUNDS; round++) {
          points.push(
            ...(await runKillRound({ sim, dir, seed, round, bots: BOTS, killWindow: suite.killWindow })),
          );
        }
      } catch (err) {
        console.error(`SIGKILL suite failed with FAULT_SEED=${seed}`);
        throw err;
      }
      expect(points).toHaveLength(ROUNDS * BOTS);
      const states = points.flatMap((p) => p.statesAtKill);
      const dup = points.reduce((n, p) => n + p.duplicateDeliveries, 0);
      console.info(
        `seed ${seed}: states at kill ${JSON.stringify(histogram(states))}; re-sent deliveries ${dup}`,
      );
      expect(states.some(suite.covered.test), suite.covered.what).toBe(true);
    }, 55_000);
  });
}

function histogram(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
