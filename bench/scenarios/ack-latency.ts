/**
 * Scenario 1: acknowledgement latency. Bursts of `/video` commands (500 within one second)
 * reach the bot through the fake Discord's gateway and the real discord.js client; latency runs
 * from the fake sending INTERACTION_CREATE to the fake receiving the interaction callback.
 * The same bot process then holds 1,000 jobs in flight, which gives scenario 5's first figure.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DiscordRig } from '../bot/discord-rig.ts';
import { ackFigures, jobMessagesShown } from '../bot/fake-traffic.ts';
import { median, percentile } from '../lib/percentiles.ts';
import { prewarm } from '../lib/reused-renderer.ts';
import { scaledEngineTiming, scaledSimTiming } from '../lib/time-scale.ts';
import { waitUntil } from '../lib/wait-until.ts';
import type { BenchContext, BenchRow, ScenarioResult } from '../report/bench-row.ts';

const SCENARIO = '1 ack latency';
const TARGET_P99_MS = 100;
const MIB = 1024 * 1024;
const WARM_UP = 20;

export interface Burst {
  sent: number;
  sentInMs: number;
  acked: number;
  late: number;
  p50: number;
  p99: number;
  max: number;
  /** Burst start → every job message shown (deferred reply edited into the job message). */
  allShownMs: number;
  /** Event-loop delay during the burst: the bot's and the bench's (fake + simulator). */
  botLoopP99Ms: number;
  botLoopMaxMs: number;
  benchLoopMaxMs: number;
  /** The bot's peak RSS during the burst (and until its job messages were shown). */
  botPeakRss: number;
  peakSource: string;
}

export interface InFlightMemory {
  jobs: number;
  baselineRss: number;
  peakRss: number;
  peakSource: string;
}

export async function runBurst(rig: DiscordRig, index: number, count: number): Promise<Burst> {
  await rig.bot.memory(true);
  const benchLoop = monitorEventLoopDelay({ resolution: 5 });
  benchLoop.enable();
  const started = Date.now();
  const { handles, sentInMs } = await rig.burst(count, 1000, (i) => ({
    prompt: `bench burst ${index} #${i}: a lighthouse in a storm`,
    seconds: 12,
  }));
  const { latencies, late } = await ackFigures(rig.fake, handles);
  benchLoop.disable();
  const botLoop = await rig.bot.memory();
  await jobMessagesShown(handles, 120_000);
  return {
    sent: count,
    sentInMs,
    acked: latencies.length,
    late,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    allShownMs: Date.now() - started,
    botLoopP99Ms: botLoop.loopDelayP99Ms,
    botLoopMaxMs: botLoop.loopDelayMaxMs,
    benchLoopMaxMs: benchLoop.max / 1e6,
    botPeakRss: botLoop.peakRss,
    peakSource: botLoop.peakSource,
  };
}

export async function ackLatency(ctx: BenchContext): Promise<ScenarioResult & { memory: InFlightMemory }> {
  const perBurst = ctx.quick ? 100 : 500;
  const bursts = ctx.quick ? 1 : 3;
  // After this many bursts, 1,000 jobs are in flight (full run) and memory is read.
  const memoryAfter = ctx.quick ? 1 : 2;
  const rig = await DiscordRig.start({
    sim: { timing: scaledSimTiming(ctx.scale), concurrencyPerKey: 100 },
    engineTiming: scaledEngineTiming(ctx.scale),
    env: {
      VIDEO_API_MAX_CONCURRENCY: '100',
      PROGRESS_EDIT_INTERVAL_MS: String(Math.max(250, Math.round(3000 * ctx.scale))),
    },
  });
  // Drawn once before anything is timed (the first delivery would otherwise stall the fake).
  await prewarm({ width: 1280, height: 720, seconds: 12 });
  try {
    // The first commands load and compile code paths (lazy modules, JIT): a cold start is not
    // what 500 people typing at once meet, so it is kept out of the figures.
    const warm = await rig.burst(WARM_UP, 500, (i) => ({ prompt: `bench warm-up #${i}`, seconds: 12 }));
    await waitUntil(() => warm.handles.every((h) => (h.original()?.edits ?? 0) >= 1), 60_000, 'warm-up', 50);
    const baseline = await rig.bot.memory(true);
    const results: Burst[] = [];
    let memory: InFlightMemory | undefined;
    for (let b = 0; b < bursts; b++) {
      const burst = await runBurst(rig, b, perBurst);
      ctx.log(
        `  burst ${b + 1}: p50 ${burst.p50} ms, p99 ${burst.p99} ms, max ${burst.max} ms, late ${burst.late}; ` +
          `event-loop delay max: bot ${Math.round(burst.botLoopMaxMs)} ms, bench ${Math.round(burst.benchLoopMaxMs)} ms`,
      );
      results.push(burst);
      if (b + 1 === memoryAfter) {
        memory = {
          jobs: WARM_UP + perBurst * memoryAfter,
          baselineRss: baseline.rss,
          peakRss: Math.max(...results.map((r) => r.botPeakRss)),
          peakSource: burst.peakSource,
        };
      }
    }
    return { rows: rowsFor(results), detail: { perBurst, bursts: results }, memory: memory! };
  } finally {
    await rig.close();
  }
}

function rowsFor(bursts: Burst[]): BenchRow[] {
  const p50 = median(bursts.map((b) => b.p50));
  const p99 = median(bursts.map((b) => b.p99));
  const max = Math.max(...bursts.map((b) => b.max));
  const late = bursts.reduce((a, b) => a + b.late, 0);
  const n = `median of ${bursts.length} burst(s) of ${bursts[0]?.sent} in ${Math.round(median(bursts.map((b) => b.sentInMs)))} ms`;
  return [
    { scenario: SCENARIO, metric: 'p50', value: p50, unit: 'ms', note: n },
    {
      scenario: SCENARIO,
      metric: 'p99',
      value: p99,
      unit: 'ms',
      target: `<= ${TARGET_P99_MS} ms`,
      pass: p99 <= TARGET_P99_MS,
      note: `event-loop stalls (median of burst maxima): bot ${Math.round(median(bursts.map((b) => b.botLoopMaxMs)))} ms, bench ${Math.round(median(bursts.map((b) => b.benchLoopMaxMs)))} ms`,
    },
    {
      scenario: SCENARIO,
      metric: 'max',
      value: max,
      unit: 'ms',
      target: '< 3000 ms (platform limit)',
      pass: max < 3000 && late === 0,
      note: `over all bursts; ${late} late or unanswered`,
    },
    {
      scenario: SCENARIO,
      metric: 'all job messages shown',
      value: median(bursts.map((b) => b.allShownMs)),
      unit: 'ms',
      note: 'burst start → every deferred reply edited into its job message',
    },
  ];
}

/** Scenario 5's row for the in-flight figure taken here. */
export function inFlightMemoryRow(m: InFlightMemory): BenchRow {
  return {
    scenario: '5 memory',
    metric: `peak RSS, ${m.jobs} jobs in flight`,
    value: m.peakRss / MIB,
    unit: 'MiB',
    target: '<= 200 MiB',
    pass: m.peakRss <= 200 * MIB,
    note: `idle bot ${(m.baselineRss / MIB).toFixed(0)} MiB; ${m.peakSource} peak; bot in its own process`,
  };
}
