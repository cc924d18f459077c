/**
 * Scenario 2: upstream calls per completed job and detection latency (upstream finished → the
 * contender knows), for 4, 8 and 12 s clips with lifelike timing scaled down, the bot's engine
 * side by side with the loops users write today, all at once against the same simulator.
 * A second simulator that sends `openai-poll-after-ms` runs alongside, for the SDK's cadence
 * when a server gives one (and how the engine honours it), and a third that sends signed
 * `video.completed` webhooks to the bot's real endpoint, for the engine in webhook mode.
 */
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { median, percentile } from '../lib/percentiles.ts';
import { benchSimInternals, prewarm } from '../lib/reused-renderer.ts';
import { scaledSimTiming } from '../lib/time-scale.ts';
import { startWebhookInbox, type WebhookInbox } from '../lib/webhook-inbox.ts';
import type { Contender, FollowedJob } from '../loops/contender.ts';
import { curlLoop } from '../loops/curl-loop.ts';
import { engineContender } from '../loops/engine-contender.ts';
import { SDK_DEFAULT_POLL_MS, sdkCadenceLoop, seedSdkLoop } from '../loops/openai-sdk-loop.ts';
import type { BenchContext, BenchRow, ScenarioResult } from '../report/bench-row.ts';

const SCENARIO = '2 upstream calls';
/** What a server sends in `openai-poll-after-ms` in the hinted variant (real time). */
const SERVER_HINT_MS = 10_000;

interface Tally {
  name: string;
  jobs: number;
  callsPerJob: number;
  detectionMs: number[];
  detectionMedianMs: number;
  detectionP90Ms: number;
  byDuration: Record<string, { calls: number; detectionMs: number }>;
}

/** Status traffic a job cost: its create plus every retrieve of its id (downloads not included). */
function callsFor(sim: Simulator, job: FollowedJob): number {
  return 1 + sim.stats.count('retrieve', job.videoId);
}

function tally(sim: Simulator, name: string, jobs: FollowedJob[]): Tally {
  const detection = jobs.map((j) => {
    const done = sim.stats.completion(j.videoId);
    return done ? Math.max(0, j.learnedAt - done.finishedAtMs) : Number.NaN;
  });
  const calls = jobs.map((j) => callsFor(sim, j));
  const byDuration: Tally['byDuration'] = {};
  for (const s of [...new Set(jobs.map((j) => j.seconds))]) {
    const idx = jobs.flatMap((j, i) => (j.seconds === s ? [i] : []));
    byDuration[`${s}s`] = {
      calls: median(idx.map((i) => calls[i]!)),
      detectionMs: median(idx.map((i) => detection[i]!)),
    };
  }
  return {
    name,
    jobs: jobs.length,
    callsPerJob: calls.reduce((a, b) => a + b, 0) / Math.max(1, jobs.length),
    detectionMs: detection,
    detectionMedianMs: median(detection),
    detectionP90Ms: percentile(detection, 90),
    byDuration,
  };
}

async function runAll(sim: Simulator, contenders: Contender[], durations: number[]): Promise<Tally[]> {
  const results = await Promise.all(contenders.map((c) => c.run(durations)));
  for (const c of contenders) await c.close?.();
  return contenders.map((c, i) => tally(sim, c.name, results[i]!));
}

export async function upstreamCalls(ctx: BenchContext): Promise<ScenarioResult> {
  const { scale } = ctx;
  const perDuration = ctx.quick ? 1 : 3;
  const durations = [4, 8, 12].flatMap((s) => Array<number>(perDuration).fill(s));
  await prewarm({ width: 1280, height: 720, seconds: 4 });
  await prewarm({ width: 1280, height: 720, seconds: 8 });
  await prewarm({ width: 1280, height: 720, seconds: 12 });
  const common = { timing: scaledSimTiming(scale), concurrencyPerKey: 10_000 } as const;
  const plain = await startSimulator(common, benchSimInternals);
  const hinted = await startSimulator(
    { ...common, pollAfterMs: Math.round(SERVER_HINT_MS * scale) },
    benchSimInternals,
  );
  const inbox = await startWebhookInbox();
  const hooked = await startSimulator(
    { ...common, webhook: { url: inbox.url, secret: inbox.secret } },
    benchSimInternals,
  );
  const sec = (ms: number) => Math.round(ms * scale);
  try {
    const names = {
      engine: 'reelbot',
      seed: 'SDK example loop 20 s',
      curl: 'curl loop 5 s',
      sdk: 'SDK cadence 5 s',
      engineHinted: 'reelbot, hint 10 s',
      sdkHinted: 'SDK cadence, hint 10 s',
      engineHooks: 'reelbot + webhooks',
    };
    ctx.log(
      `  ${durations.length} jobs per contender, 7 contenders at once (12 s clip ≈ ${Math.round(sec(200_000) / 1000)} s)`,
    );
    const [onPlain, onHinted, onHooked] = await Promise.all([
      runAll(
        plain,
        [
          engineContender(plain, scale, names.engine),
          seedSdkLoop(plain, sec(20_000), names.seed),
          curlLoop(plain, sec(5000), names.curl),
          sdkCadenceLoop(plain, sec(SDK_DEFAULT_POLL_MS), names.sdk),
        ],
        durations,
      ),
      runAll(
        hinted,
        [
          engineContender(hinted, scale, names.engineHinted),
          sdkCadenceLoop(hinted, sec(SDK_DEFAULT_POLL_MS), names.sdkHinted),
        ],
        durations,
      ),
      runAll(hooked, [engineContender(hooked, scale, names.engineHooks, inbox)], durations),
    ]);
    const hooks = webhookTally(onHooked[0]!, inbox);
    return {
      rows: [...rowsFor(onPlain, onHinted, scale), ...webhookRows(hooks, onPlain[0]!)],
      detail: { scale, durations, plain: onPlain, hinted: onHinted, webhooks: { ...onHooked[0], ...hooks } },
    };
  } finally {
    await plain.close();
    await hinted.close();
    await hooked.close();
    await inbox.close();
  }
}

interface WebhookTally {
  tally: Tally;
  /** Status checks a webhook triggered, per job. */
  triggeredPerJob: number;
  /** Status checks the engine scheduled on its own (the safety net), per job. */
  scheduledPerJob: number;
  /** Webhook requests by outcome (`polled`, `bad_signature`, ...). */
  received: Record<string, number>;
}

function webhookTally(t: Tally, inbox: WebhookInbox): WebhookTally {
  const received = Object.fromEntries(Object.entries(inbox.receiver.counts).filter(([, v]) => v > 0));
  const triggeredPerJob = inbox.receiver.counts.polled / Math.max(1, t.jobs);
  // calls/job = 1 create + status checks; the checks not triggered by an event were scheduled.
  return { tally: t, triggeredPerJob, scheduledPerJob: t.callsPerJob - 1 - triggeredPerJob, received };
}

/** Rows of the webhook contender; its ratios are against the polling engine on a twin simulator. */
function webhookRows(w: WebhookTally, polling: Tally): BenchRow[] {
  const t = w.tally;
  const perDuration = Object.entries(t.byDuration)
    .map(([k, v]) => `${k}: ${v.calls}`)
    .join(', ');
  return [
    {
      scenario: SCENARIO,
      metric: `calls/job: ${t.name}`,
      value: t.callsPerJob,
      unit: '',
      ratio: { against: polling.name, value: t.callsPerJob / polling.callsPerJob },
      note: `create + ${w.triggeredPerJob.toFixed(1)} check(s) on an event + ${w.scheduledPerJob.toFixed(1)} scheduled; ${perDuration}`,
    },
    {
      scenario: SCENARIO,
      metric: `scheduled polls/job: ${t.name}`,
      value: w.scheduledPerJob,
      unit: '',
      target: 'near zero (safety net only)',
      pass: w.scheduledPerJob <= 2,
      note: 'first at half the expected run time (progress), then every 4 × maxMs; ≤ 2 counts as near zero',
    },
    {
      scenario: SCENARIO,
      metric: `detection p50: ${t.name}`,
      value: t.detectionMedianMs,
      unit: 'ms',
      target: '< 100 ms',
      pass: t.detectionMedianMs < 100,
      ratio: { against: polling.name, value: t.detectionMedianMs / polling.detectionMedianMs },
      note: `p90 ${Math.round(t.detectionP90Ms)} ms; event → status check → engine knows (HTTP on 127.0.0.1, not time-scaled)`,
    },
  ];
}

function rowsFor(plain: Tally[], hinted: Tally[], scale: number): BenchRow[] {
  const [engine, seed, curl, sdk] = plain as [Tally, Tally, Tally, Tally];
  const [engineHinted, sdkHinted] = hinted as [Tally, Tally];
  const realS = (ms: number) => `≈ ${(ms / scale / 1000).toFixed(1)} s real time`;
  const rows: BenchRow[] = [];
  const callsRow = (t: Tally, against?: Tally, target?: { text: string; pass: boolean }): BenchRow => ({
    scenario: SCENARIO,
    metric: `calls/job: ${t.name}`,
    value: t.callsPerJob,
    unit: '',
    ...(target ? { target: target.text, pass: target.pass } : {}),
    ...(against ? { ratio: { against: against.name, value: t.callsPerJob / against.callsPerJob } } : {}),
    note: Object.entries(t.byDuration)
      .map(([k, v]) => `${k}: ${v.calls}`)
      .join(', '),
  });
  const detectRow = (t: Tally, against?: Tally, target?: { text: string; pass: boolean }): BenchRow => ({
    scenario: SCENARIO,
    metric: `detection p50: ${t.name}`,
    value: t.detectionMedianMs,
    unit: 'ms',
    ...(target ? { target: target.text, pass: target.pass } : {}),
    ...(against
      ? { ratio: { against: against.name, value: t.detectionMedianMs / against.detectionMedianMs } }
      : {}),
    note: `p90 ${Math.round(t.detectionP90Ms)} ms; ${realS(t.detectionMedianMs)}`,
  });
  rows.push(callsRow(engine, curl, { text: `< ${curl.name}`, pass: engine.callsPerJob < curl.callsPerJob }));
  rows.push(
    detectRow(engine, seed, {
      text: `< ${seed.name}`,
      pass: engine.detectionMedianMs < seed.detectionMedianMs,
    }),
  );
  for (const t of [seed, curl, sdk]) {
    rows.push(callsRow(t, engine));
    rows.push(detectRow(t, engine));
  }
  rows.push(callsRow(engineHinted, sdkHinted));
  rows.push(detectRow(engineHinted, sdkHinted));
  rows.push(callsRow(sdkHinted));
  rows.push(detectRow(sdkHinted));
  return rows;
}
