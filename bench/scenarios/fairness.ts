/**
 * Scenario 4: fairness. One user submits 20 jobs, then 10 other users one each, with the
 * upstream taking two at a time: every other user's job must start (leave our queue for the
 * upstream) before the heavy user's third.
 */
import { startSimulator } from '../../src/simulator/simulator.ts';
import { cliRequest, startEngineRig } from '../lib/engine-rig.ts';
import { median } from '../lib/percentiles.ts';
import { benchSimInternals, prewarm } from '../lib/reused-renderer.ts';
import { waitUntil } from '../lib/wait-until.ts';
import type { BenchContext, BenchRow, ScenarioResult } from '../report/bench-row.ts';

const SCENARIO = '4 fairness';
const HEAVY_JOBS = 20;
const LIGHT_USERS = 10;

interface FairnessRun {
  /** Others' jobs that started before the heavy user's third. */
  othersFirst: number;
  /** 1-based start position of the heavy user's third job. */
  heavyThirdAt: number;
  /** Start order, by user. */
  order: string[];
}

async function runOnce(): Promise<FairnessRun> {
  const sim = await startSimulator(
    { timing: { queuedMs: 20, msPerVideoSecond: 40, minRunMs: 100, jitter: 0 }, concurrencyPerKey: 2 },
    benchSimInternals,
  );
  const rig = await startEngineRig({
    sim,
    maxConcurrency: 2,
    // Fast and short: only the order matters here.
    timing: {
      fallbackMsPerVideoSecond: 50,
      poll: {
        firstMinMs: 20,
        minMs: 20,
        maxMs: 100,
        firstFraction: 0.25,
        jitter: 0.1,
        errorBaseMs: 50,
        errorMaxMs: 500,
      },
    },
  });
  try {
    const order: string[] = [];
    rig.engine.events.on('state', (job, previous) => {
      if (previous === 'waiting') order.push(job.requester.userId);
    });
    for (let i = 0; i < HEAVY_JOBS; i++) {
      const out = await rig.engine.submit(cliRequest('heavy', `bench fairness heavy #${i}`, 4));
      if (!out.ok) throw new Error(JSON.stringify(out.refusal));
    }
    for (let u = 0; u < LIGHT_USERS; u++) {
      const out = await rig.engine.submit(cliRequest(`light-${u}`, `bench fairness light #${u}`, 4));
      if (!out.ok) throw new Error(JSON.stringify(out.refusal));
    }
    const heavyThird = () => {
      let seen = 0;
      for (const [i, who] of order.entries()) if (who === 'heavy' && ++seen === 3) return i + 1;
      return undefined;
    };
    const lightStarted = () => order.filter((w) => w !== 'heavy').length === LIGHT_USERS;
    const at = await waitUntil(
      () => lightStarted() && heavyThird(),
      60_000,
      'the fairness jobs to start',
      10,
    );
    return {
      othersFirst: order.slice(0, at - 1).filter((w) => w !== 'heavy').length,
      heavyThirdAt: at,
      order: [...order],
    };
  } finally {
    await rig.close();
    await sim.close();
  }
}

export async function fairness(ctx: BenchContext): Promise<ScenarioResult> {
  await prewarm({ width: 1280, height: 720, seconds: 4 });
  const runs: FairnessRun[] = [];
  for (let i = 0; i < (ctx.quick ? 1 : 3); i++) runs.push(await runOnce());
  const worst = Math.min(...runs.map((r) => r.othersFirst));
  const rows: BenchRow[] = [
    {
      scenario: SCENARIO,
      metric: "others' jobs started before heavy user's 3rd",
      value: worst,
      unit: `of ${LIGHT_USERS}`,
      target: `${LIGHT_USERS} of ${LIGHT_USERS}`,
      pass: worst === LIGHT_USERS,
      note: `worst of ${runs.length} run(s); upstream takes 2 at a time`,
    },
    {
      scenario: SCENARIO,
      metric: "heavy user's 3rd job started as",
      value: median(runs.map((r) => r.heavyThirdAt)),
      unit: 'th',
      note: `of ${HEAVY_JOBS + LIGHT_USERS} jobs (best possible: ${LIGHT_USERS + 3}th)`,
    },
  ];
  return { rows, detail: runs };
}
