import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import type { Job } from '../../src/engine/job.ts';
import { openStore, type Store } from '../../src/engine/store.ts';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { actor, clientFor, RecordingSurface, tempDir, waitFor } from './engine-harness.ts';
import { CHILD_LIMITS, CHILD_TIMING } from './fixtures/engine-child-config.ts';

const JOBS = 6;
let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

interface Line {
  id?: string;
  state?: string;
  videoId?: string | null;
  submittedAll?: number;
}

function spawnChild(sim: Simulator, dir: string): { child: ChildProcess; lines: Line[] } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'engine-child.ts')],
    {
      env: {
        ...process.env,
        SIM_URL: sim.url,
        SIM_KEY: sim.options.apiKey,
        TEST_DIR: dir,
        JOBS: String(JOBS),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: Line[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    try {
      lines.push(JSON.parse(l) as Line);
    } catch {
      // not ours (warnings)
    }
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGKILL' && stderr) console.error(stderr);
  });
  return { child, lines };
}

describe('restart recovery', () => {
  it('a bot killed with SIGKILL mid-job loses nothing: the next start finishes and delivers every job, each created once', async () => {
    // Slow enough that the kill lands with jobs waiting, running and completed-but-undelivered.
    const sim = await startSimulator({
      timing: { queuedMs: 100, msPerVideoSecond: 60, minRunMs: 200, jitter: 0 },
    });
    cleanup.push(() => sim.close());
    const dir = tempDir();
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));

    const { child, lines } = spawnChild(sim, dir);
    cleanup.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    await waitFor(
      () => lines.some((l) => l.submittedAll) && lines.some((l) => l.state === 'completed'),
      'the child to have submitted everything and completed one job',
      30_000,
    );
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const statesAtKill = new Map(lines.filter((l) => l.id).map((l) => [l.id!, l.state]));
    expect(statesAtKill.size).toBe(JOBS);
    expect([...statesAtKill.values()].some((s) => s !== 'delivered')).toBe(true);

    // A new process-worth of engine on the same store.
    const store: Store = await openStore(`sqlite://${join(dir, 'store.sqlite')}`);
    const surface = new RecordingSurface();
    const engine = new Engine({
      store,
      client: clientFor(sim),
      dataDir: join(dir, 'data'),
      choices: { models: ['sora-2'], sizes: ['1280x720'], seconds: [4] },
      limits: CHILD_LIMITS,
      maxConcurrency: 2,
      timing: CHILD_TIMING,
    });
    cleanup.push(async () => {
      await engine.stop();
      await store.close();
    });
    engine.attachSurface('cli', surface);
    const report = await engine.start();
    expect(report.resumed).toBe(JOBS);

    const ids = [...statesAtKill.keys()];
    let last: Array<Job | undefined> = [];
    const isEnded = (j: Job | undefined) => j?.state === 'delivered';
    const finished = await waitFor(
      async () => {
        last = await Promise.all(ids.map((id) => engine.getJob(id)));
        return last.every(isEnded) ? (last as Job[]) : undefined;
      },
      'every job finished after the restart',
      20_000,
    ).catch((err: unknown) => {
      const now = last.map((j) => [j?.id, j?.state, j?.submitInFlight, j?.videoId, j?.error?.code]);
      console.error(JSON.stringify({ report, atKill: [...statesAtKill], now }));
      throw err;
    });
    const delivered = finished.filter((j) => j.state === 'delivered');
    // A kill during a create POST that never reached the simulator leaves no upstream job: the
    // upstream's list proves it, so that job is submitted again. Every job ends delivered, and
    // each has exactly one upstream job: nothing was created twice.
    expect(delivered).toHaveLength(JOBS);
    const simPrompts = sim.jobs().map((j) => j.prompt);
    for (const j of finished) expect(simPrompts.filter((p) => p === j.prompt)).toHaveLength(1);
    expect(sim.stats.count('create')).toBe(sim.jobs().length);
    expect(sim.jobs()).toHaveLength(delivered.length);
    expect(new Set(delivered.map((j) => j.videoId)).size).toBe(delivered.length);
    for (const j of delivered) expect(surface.of('completed', j.id)).toHaveLength(1);
    // Every job has its message (posted before the kill, or after the restart if the kill came first).
    for (const j of finished) expect(j.place.messageRef).toBeDefined();
    // Quota counts exact: one charge per job, none twice.
    let charged = 0;
    for (const u of ['user0', 'user1', 'user2']) charged += (await engine.usage(actor(u), 'ws1')).videos.used;
    expect(charged).toBe(delivered.length);
  }, 60_000);
});
