/**
 * Scenario 3: chat calls per job (message edits + uploads) for a job that takes 60 s upstream,
 * through the real Discord adapter and the fake Discord: the edit rate must stay within the
 * throttle (default one edit per 3 s; scaled with the rest of the time) and the fake must never
 * have to answer 429. Three jobs run at once, each counted on its own.
 */
import type { RecordedRequest } from '../../test/fakes/discord/fake-state.ts';
import { DiscordRig } from '../bot/discord-rig.ts';
import { median } from '../lib/percentiles.ts';
import { prewarm } from '../lib/reused-renderer.ts';
import { scaledEngineTiming, scaledSimTiming } from '../lib/time-scale.ts';
import { waitUntil } from '../lib/wait-until.ts';
import type { BenchContext, BenchRow, ScenarioResult } from '../report/bench-row.ts';

const SCENARIO = '3 chat calls';
const JOBS = 3;
/** A 12 s clip that takes 60 s upstream: 12 s queued, then 4 s of work per video-second. */
const SIXTY_SECOND_JOB = { queuedMs: 12_000, msPerVideoSecond: 4000, minRunMs: 0, jitter: 0 };
const DEFAULT_THROTTLE_MS = 3000;
/** The config floor of PROGRESS_EDIT_INTERVAL_MS. */
const MIN_THROTTLE_MS = 250;

interface JobCalls {
  total: number;
  accepts: number;
  edits: number;
  uploads: number;
  callbacks: number;
  posts: number;
  /** Shortest time between two progress edits of the job message. */
  minEditGapMs: number;
  /** Most edits (progress and final) inside any one throttle window. */
  maxEditsPerWindow: number;
}

function callsOf(requests: RecordedRequest[], keys: string[], throttleMs: number): JobCalls {
  const mine = requests.filter((r) => keys.some((k) => r.path.includes(k))).sort((a, b) => a.at - b.at);
  const edits = mine.filter((r) => r.method === 'PATCH');
  // The deferred reply becoming the job message (webhook `@original`) is the acknowledgement's
  // second half, not a progress edit; progress edits go to the channel message by bot token.
  const accepts = edits.filter((r) => r.path.includes('/webhooks/'));
  const progress = edits.filter((r) => r.files.length === 0 && !r.path.includes('/webhooks/'));
  let minGap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < progress.length; i++) minGap = Math.min(minGap, progress[i]!.at - progress[i - 1]!.at);
  let maxInWindow = 0;
  for (const [i, e] of edits.entries()) {
    maxInWindow = Math.max(maxInWindow, edits.slice(i).filter((x) => x.at < e.at + throttleMs).length);
  }
  return {
    total: mine.length,
    accepts: accepts.length,
    edits: progress.length,
    uploads: mine.filter((r) => r.files.length > 0).length,
    callbacks: mine.filter((r) => r.path.includes('/callback')).length,
    posts: mine.filter((r) => r.method === 'POST' && !r.path.includes('/callback')).length,
    minEditGapMs: minGap,
    maxEditsPerWindow: maxInWindow,
  };
}

export async function chatCalls(ctx: BenchContext): Promise<ScenarioResult> {
  const throttleMs = Math.max(MIN_THROTTLE_MS, Math.round(DEFAULT_THROTTLE_MS * ctx.scale));
  await prewarm({ width: 1280, height: 720, seconds: 12 });
  const rig = await DiscordRig.start({
    sim: { timing: scaledSimTiming(ctx.scale, SIXTY_SECOND_JOB), concurrencyPerKey: JOBS },
    engineTiming: { ...scaledEngineTiming(ctx.scale), progressIntervalMs: throttleMs },
    env: { VIDEO_API_MAX_CONCURRENCY: String(JOBS), PROGRESS_EDIT_INTERVAL_MS: String(throttleMs) },
    uploadLimit: 25 * 1024 * 1024,
  });
  try {
    const { handles } = await rig.burst(JOBS, 100, (i) => ({
      prompt: `bench chat #${i}: a kite over dunes`,
      seconds: 12,
    }));
    const delivered = () =>
      handles.every((h) => String(h.original()?.embeds[0]?.title ?? '').startsWith('✅'));
    await waitUntil(delivered, Math.max(60_000, 60_000 * ctx.scale * 4), 'the 60 s jobs to be delivered', 50);
    const requests = rig.fake.requests();
    const jobs = handles.map((h) => callsOf(requests, [h.id, h.token, h.original()!.id], throttleMs));
    const throttled = requests.filter((r) => r.status === 429).length + rig.fake.rateLimitsServed;
    return { rows: rowsFor(jobs, throttled, throttleMs, ctx.scale), detail: { throttleMs, jobs } };
  } finally {
    await rig.close();
  }
}

function rowsFor(jobs: JobCalls[], throttled: number, throttleMs: number, scale: number): BenchRow[] {
  const pick = (f: (j: JobCalls) => number) => median(jobs.map(f));
  const minGap = Math.min(...jobs.map((j) => j.minEditGapMs));
  const maxWindow = Math.max(...jobs.map((j) => j.maxEditsPerWindow));
  const scaledNote = `throttle ${throttleMs} ms here = 3 s real (time scale 1/${Math.round(1 / scale)})`;
  return [
    {
      scenario: SCENARIO,
      metric: 'chat calls per 60 s job',
      value: pick((j) => j.total),
      unit: '',
      note: `median of ${jobs.length}: ${pick((j) => j.callbacks)} ack + ${pick((j) => j.accepts)} job message + ${pick((j) => j.edits)} edits + ${pick((j) => j.uploads)} upload + ${pick((j) => j.posts)} posts`,
    },
    {
      scenario: SCENARIO,
      metric: 'shortest gap between progress edits',
      value: minGap,
      unit: 'ms',
      target: `>= ${throttleMs} ms`,
      // A timer may fire a few ms early relative to the fake's clock; 5 % is not a second edit.
      pass: minGap >= throttleMs * 0.95,
      note: scaledNote,
    },
    {
      scenario: SCENARIO,
      metric: 'most edits in one throttle window',
      value: maxWindow,
      unit: '',
      target: '<= 2 (progress + final)',
      note: 'any edit of the job message, the first included',
      pass: maxWindow <= 2,
    },
    {
      scenario: SCENARIO,
      metric: '429s from the fake Discord',
      value: throttled,
      unit: '',
      target: '0',
      pass: throttled === 0,
    },
  ];
}
