/**
 * Scenario 10: 10,000 jobs in flight in one bot process (engine + Discord adapter, SQLite, as
 * `npm start` runs it). 10,000 `/video` commands from 20 people arrive through the fake gateway over about 40 s
 * and each gets its job message; the upstream (simulator, cap 100) keeps every job running or
 * queued, so all of them stay in flight. Then one burst of 500 commands within a second: the ack
 * latency while the 10,000 are in flight. Peak RSS of the bot process over the whole scenario.
 */
import { DiscordRig } from '../bot/discord-rig.ts';
import { scaledEngineTiming } from '../lib/time-scale.ts';
import { waitUntil } from '../lib/wait-until.ts';
import type { BenchContext, BenchRow, ScenarioResult } from '../report/bench-row.ts';
import { runBurst } from './ack-latency.ts';

const SCENARIO = '10 scale';
const MIB = 1024 * 1024;
const TARGET_RSS_MIB = 300;
const TARGET_P99_MS = 100;
const UPSTREAM_CAP = 100;
/** People typing: the configuration caps one person's active jobs at 1,000. */
const PEOPLE = 20;

export async function scaleInFlight(ctx: BenchContext): Promise<ScenarioResult> {
  const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? (ctx.quick ? 2000 : 10_000));
  const burst = ctx.quick ? 100 : 500;
  const intakeMs = ctx.quick ? 10_000 : 40_000;
  const rig = await DiscordRig.start({
    // Nothing finishes during the scenario: every job stays running upstream or in our queue.
    sim: {
      timing: { queuedMs: 3_600_000, msPerVideoSecond: 0, minRunMs: 0, jitter: 0 },
      concurrencyPerKey: UPSTREAM_CAP,
    },
    engineTiming: scaledEngineTiming(ctx.scale),
    env: {
      VIDEO_API_MAX_CONCURRENCY: String(UPSTREAM_CAP),
      PROGRESS_EDIT_INTERVAL_MS: String(Math.max(250, Math.round(3000 * ctx.scale))),
      QUOTA_ACTIVE_JOBS: '1000',
    },
  });
  rig.addPeople(PEOPLE - rig.people.length);
  try {
    await rig.bot.memory(true);
    const started = Date.now();
    const intake = await rig.burst(inFlight, intakeMs, (i) => ({
      prompt: `bench in flight #${i}: a tram at night`,
      seconds: 12,
    }));
    const stored = intake.handles.map((h) => rig.fake.state.interactions.get(h.id)!);
    const shown = () => intake.handles.filter((h) => (h.original()?.edits ?? 0) >= 1).length;
    let lastLog = Date.now();
    await waitUntil(
      () => {
        if (Date.now() - lastLog > 10_000) {
          lastLog = Date.now();
          ctx.log(`  ${shown()} of ${inFlight} job messages shown`);
        }
        return shown() === inFlight;
      },
      ctx.quick ? 120_000 : 600_000,
      `all ${inFlight} job messages to be shown`,
      500,
    ).catch((err: unknown) => {
      const refused = intake.handles.filter((h) => h.original()?.flags).length;
      throw new Error(`${String(err)} (${shown()} shown, ${refused} ephemeral)`);
    });
    const intakeShownMs = Date.now() - started;
    const unanswered = stored.filter((s) => !s.callback).length;
    const afterIntake = await rig.bot.memory();
    ctx.log(
      `  ${inFlight} in flight after ${(intakeShownMs / 1000).toFixed(1)} s; bot peak ${(afterIntake.peakRss / MIB).toFixed(0)} MiB, ${unanswered} unanswered`,
    );
    const b = await runBurst(rig, 0, burst);
    const end = await rig.bot.memory();
    const peak = Math.max(afterIntake.peakRss, b.botPeakRss, end.peakRss);
    ctx.log(`  burst of ${burst}: p50 ${b.p50} ms, p99 ${b.p99} ms, max ${b.max} ms, late ${b.late}`);
    const rows: BenchRow[] = [
      {
        scenario: SCENARIO,
        metric: `peak RSS, ${inFlight + burst} jobs in flight`,
        value: peak / MIB,
        unit: 'MiB',
        target: `<= ${TARGET_RSS_MIB} MiB`,
        pass: peak <= TARGET_RSS_MIB * MIB,
        note: `bot process (bundled, with npm start's node flags), ${end.peakSource} peak; ${inFlight} taken in over ${Math.round(intake.sentInMs / 1000)} s, all job messages shown after ${(intakeShownMs / 1000).toFixed(1)} s; heap ${(end.heapUsed / MIB).toFixed(0)} MiB`,
      },
      {
        scenario: SCENARIO,
        metric: `ack p99, burst of ${burst} with ${inFlight} in flight`,
        value: b.p99,
        unit: 'ms',
        target: `<= ${TARGET_P99_MS} ms`,
        pass: b.p99 <= TARGET_P99_MS && b.late === 0,
        note: `p50 ${b.p50} ms, max ${b.max} ms, ${b.late} late; bot event-loop stall max ${Math.round(b.botLoopMaxMs)} ms; all ${burst} job messages shown after ${(b.allShownMs / 1000).toFixed(1)} s`,
      },
    ];
    return { rows, detail: { inFlight, intakeShownMs, unanswered, burst: b, memory: end } };
  } finally {
    await rig.close();
  }
}
