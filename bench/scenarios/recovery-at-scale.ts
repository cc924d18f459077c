/**
 * Scenario 13: scenario 6 at ten times the size (100,000 stored jobs, 10,000 unfinished), and
 * the first start on a store whose active index is still the one array earlier versions kept
 * (converted to one record per job on that start; the same start also recovers every job).
 * Same-run ratio: the x10 figure against scenario 6's size, measured here too.
 */
import { rmSync } from 'node:fs';
import { newBenchDir } from '../lib/engine-rig.ts';
import { median } from '../lib/percentiles.ts';
import type { BenchContext, BenchRow, ScenarioResult } from '../report/bench-row.ts';
import { type RecoveryRun, recoverOnce, seedStore } from './recovery.ts';

const SCENARIO = '13 recovery x10';
const TARGET_MS = 2000;

async function measure(ctx: BenchContext, total: number, runs: number, legacy = false) {
  const unfinished = total / 10;
  const seeded = newBenchDir('recovery-seed');
  try {
    const t = performance.now();
    await seedStore(seeded, total, unfinished, legacy);
    ctx.log(
      `  seeded ${total} jobs${legacy ? ' (array index)' : ''} in ${Math.round(performance.now() - t)} ms`,
    );
    const out: RecoveryRun[] = [];
    for (let i = 0; i < runs; i++) out.push(await recoverOnce(seeded, unfinished));
    ctx.log(`  ${total} stored: ${out.map((r) => Math.round(r.ms)).join(', ')} ms`);
    return { total, unfinished, ms: median(out.map((r) => r.ms)), runs: out };
  } finally {
    rmSync(seeded, { recursive: true, force: true });
  }
}

export async function recoveryAtScale(ctx: BenchContext): Promise<ScenarioResult> {
  const base = ctx.quick ? 2000 : 10_000;
  const runs = ctx.quick ? 1 : 3;
  const small = await measure(ctx, base, runs);
  const big = await measure(ctx, base * 10, runs);
  const legacy = await measure(ctx, base * 10, runs, true);
  const rows: BenchRow[] = [
    {
      scenario: SCENARIO,
      metric: `start with ${big.total} stored, ${big.unfinished} unfinished`,
      value: big.ms,
      unit: 'ms',
      target: `<= ${TARGET_MS} ms`,
      pass: big.ms <= TARGET_MS,
      ratio: { against: `${small.total} stored`, value: big.ms / small.ms },
      note: `median of ${runs}; open store → all followed again (${big.runs[0]?.polling} polling, ${big.runs[0]?.waiting} queued); ${small.total} stored: ${Math.round(small.ms)} ms`,
    },
    {
      scenario: SCENARIO,
      metric: `same, active index in the old one-array layout`,
      value: legacy.ms,
      unit: 'ms',
      target: `<= ${TARGET_MS} ms`,
      pass: legacy.ms <= TARGET_MS,
      ratio: { against: 'new layout', value: legacy.ms / big.ms },
      note: `median of ${runs}; each run starts from the old layout and converts it (${legacy.unfinished} ids → one record each) before resuming`,
    },
  ];
  return { rows, detail: { small, big, legacy } };
}
