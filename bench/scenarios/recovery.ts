/**
 * Scenario 6: restart recovery. A store holds 10,000 jobs of which 1,000 are unfinished
 * (running upstream, or waiting in our queue); the figure is the time from opening the store to
 * every unfinished job being followed again (scheduled for a status check or back in the queue),
 * i.e. until `engine.start()` resolves with all of them accounted for. Scenario 13 runs the same
 * at ten times the size, and once on a store written in the earlier index layout (one array).
 */
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LEGACY_ACTIVE_KEY, StoredActiveIndex } from '../../src/engine/active-index.ts';
import type { Job, JobState } from '../../src/engine/job.ts';
import { openStore } from '../../src/engine/store.ts';
import { startSimulator } from '../../src/simulator/simulator.ts';
import { newBenchDir, startEngineRig } from '../lib/engine-rig.ts';
import { median } from '../lib/percentiles.ts';
import type { BenchContext, BenchRow, ScenarioResult } from '../report/bench-row.ts';

const SCENARIO = '6 recovery';
const TARGET_MS = 2000;
const STORE_FILE = 'store.sqlite';

export function storedJob(i: number, state: JobState, now: number): Job {
  const id = `job_bench${String(i).padStart(8, '0')}`;
  const running = state === 'submitted' || state === 'in_progress';
  const done = state === 'delivered';
  const job: Job = {
    id,
    kind: 'create',
    state,
    requester: { platform: 'cli', userId: `user-${i % 50}`, displayName: `user ${i % 50}` },
    place: { platform: 'cli', workspaceId: 'bench', channelId: 'bench', messageRef: `m${i}` },
    prompt: `bench stored job #${i}: a tram at night`,
    model: 'sora-2',
    size: '1280x720',
    seconds: 8,
    progress: done ? 100 : running ? 40 : 0,
    createdAt: now - 3_600_000 + i,
    updatedAt: now - 60_000,
    deadlineAt: now + 3_600_000,
    attempts: { submit: state === 'waiting' ? 0 : 1, poll: running ? 5 : 0, delivery: done ? 1 : 0 },
    quotaDay: new Date(now).toISOString().slice(0, 10),
    quotaExempt: false,
    simulated: true,
  };
  if (state !== 'waiting') {
    job.videoId = `video_bench${i}`;
    job.submittedAt = job.createdAt + 1000;
  }
  if (done) {
    job.completedAt = job.createdAt + 90_000;
    job.deliveredAt = job.createdAt + 95_000;
  }
  return job;
}

/**
 * Write the store once: `total` jobs, the last `unfinished` of them not finished, listed in the
 * active index (`legacy`: as the one array earlier versions kept, converted on the first start).
 */
export async function seedStore(
  dir: string,
  total: number,
  unfinished: number,
  legacy = false,
): Promise<void> {
  const store = await openStore(`sqlite://${join(dir, STORE_FILE)}`);
  const now = Date.now();
  const active: string[] = [];
  const jobs: Job[] = [];
  for (let i = 0; i < total; i++) {
    const k = i - (total - unfinished);
    // Of the unfinished: 60 % running upstream, 20 % just submitted, 20 % waiting in our queue.
    const state: JobState =
      k < 0 ? 'delivered' : k % 5 < 3 ? 'in_progress' : k % 5 === 3 ? 'submitted' : 'waiting';
    const job = storedJob(i, state, now);
    jobs.push(job);
    if (k >= 0) active.push(job.id);
  }
  for (let i = 0; i < jobs.length; i += 500) {
    await Promise.all(jobs.slice(i, i + 500).map((j) => store.set(`jobs:${j.id}`, j)));
  }
  if (legacy) await store.set(LEGACY_ACTIVE_KEY, active);
  else await new StoredActiveIndex(store).add(...active);
  await store.close();
}

export interface RecoveryRun {
  ms: number;
  polling: number;
  waiting: number;
  inFlight: number;
}

export async function recoverOnce(seeded: string, expected: number): Promise<RecoveryRun> {
  const dir = newBenchDir('recovery-run');
  for (const suffix of ['', '-wal', '-shm']) {
    const from = join(seeded, STORE_FILE + suffix);
    if (existsSync(from)) copyFileSync(from, join(dir, STORE_FILE + suffix));
  }
  // Not contacted: first checks are spread over a minute, and the measurement ends before.
  const sim = await startSimulator();
  const started = performance.now();
  const rig = await startEngineRig({ sim, dir, timing: { poll: { firstMinMs: 60_000 } } });
  const ms = performance.now() - started;
  const { report } = rig;
  const run = { ms, polling: report.polling, waiting: report.waiting, inFlight: rig.engine.inFlight };
  await rig.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  if (report.polling + report.waiting !== expected) {
    throw new Error(`recovery resumed ${report.polling + report.waiting} of ${expected} unfinished jobs`);
  }
  return run;
}

export async function recovery(ctx: BenchContext): Promise<ScenarioResult> {
  const total = ctx.quick ? 2000 : 10_000;
  const unfinished = total / 10;
  const seeded = newBenchDir('recovery-seed');
  try {
    const t = performance.now();
    await seedStore(seeded, total, unfinished);
    ctx.log(`  seeded ${total} jobs in ${Math.round(performance.now() - t)} ms`);
    const runs: RecoveryRun[] = [];
    for (let i = 0; i < (ctx.quick ? 1 : 3); i++) runs.push(await recoverOnce(seeded, unfinished));
    const ms = median(runs.map((r) => r.ms));
    const rows: BenchRow[] = [
      {
        scenario: SCENARIO,
        metric: `start with ${total} stored, ${unfinished} unfinished`,
        value: ms,
        unit: 'ms',
        target: `<= ${TARGET_MS} ms`,
        pass: ms <= TARGET_MS,
        note: `median of ${runs.length}; open store → all followed again (${runs[0]?.polling} polling, ${runs[0]?.waiting} queued)`,
      },
    ];
    return { rows, detail: runs };
  } finally {
    rmSync(seeded, { recursive: true, force: true });
  }
}
