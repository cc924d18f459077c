/**
 * The bot's restart with the embedded simulator: `startUpstream` keeps the simulator's jobs
 * in `<DATA_DIR>/simulator-state.json`, so a job in flight when the bot stopped is found by
 * the restarted engine (at the simulator's new port) and delivered, instead of failing on 404.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatorStateFile, startUpstream, type Upstream } from '../../src/app/upstream.ts';
import { type Config, loadConfig } from '../../src/config/config.ts';
import { createEngineFromConfig } from '../../src/engine/create-engine.ts';
import type { Engine } from '../../src/engine/engine.ts';
import type { Job } from '../../src/engine/job.ts';
import { CliSurface } from '../../src/platforms/cli/cli-surface.ts';

/** A 4 s clip runs 1.2 s: long enough to stop the bot in the middle. */
const SIM_TIMING = { queuedMs: 20, msPerVideoSecond: 300, minRunMs: 60, jitter: 0 } as const;
const ENGINE_TIMING = {
  progressIntervalMs: 20,
  poll: { firstMinMs: 20, firstFraction: 0, minMs: 20, maxMs: 100 },
  fallbackMsPerVideoSecond: 300,
};

let dir: string | undefined;
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

interface Bot {
  upstream: Upstream;
  engine: Engine;
  surface: CliSurface;
  stop(): Promise<void>;
}

/** What `src/main.ts` does: the upstream first, then an engine pointed at it. */
async function startBot(config: Config): Promise<Bot> {
  const upstream = await startUpstream(config, { timing: SIM_TIMING });
  const engine = await createEngineFromConfig(config, {
    simulatorBaseUrl: upstream.baseUrl,
    simulatorApiKey: upstream.apiKey,
    overrides: { timing: ENGINE_TIMING },
  });
  const surface = new CliSurface({
    err: { write: () => true },
    outputs: new Map(),
    fallbackDir: join(config.DATA_DIR, 'out'),
  });
  engine.attachSurface('cli', surface);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await engine.stop();
    await upstream.close();
  };
  cleanups.push(stop);
  await engine.start();
  return { upstream, engine, surface, stop };
}

function waitForEvent(engine: Engine, accept: (job: Job) => boolean, what: string): Promise<Job> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 15_000);
    const done = (job: Job) => {
      if (!accept(job)) return;
      clearTimeout(timer);
      resolve(job);
    };
    engine.events.on('state', done);
    engine.events.on('delivered', done);
  });
}

describe('bot restart with the embedded simulator', () => {
  it('a job in flight when the bot stopped is found after the restart and delivered', async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelbot-restart-'));
    const dataDir = join(dir, 'data');
    const config = loadConfig({
      DATA_DIR: dataDir,
      STORE_URL: `sqlite://${join(dataDir, 'reelbot.sqlite')}`,
    });
    expect(config.simulated).toBe(true);

    const first = await startBot(config);
    const submitted = await first.engine.submit({
      actor: { platform: 'cli', userId: 'u1', displayName: 'u1', isAdmin: false },
      place: { platform: 'cli', workspaceId: 'local', channelId: 'terminal' },
      prompt: 'a red fox in snow',
      seconds: 4,
    });
    if (!submitted.ok) throw new Error(JSON.stringify(submitted.refusal));
    const jobId = submitted.value.job.id;
    const upstreamJob = await waitForEvent(first.engine, (j) => j.id === jobId && !!j.videoId, 'submission');
    await first.stop();
    const state = await readFile(simulatorStateFile(dataDir), 'utf8');
    expect(state).toContain(upstreamJob.videoId);

    const second = await startBot(config);
    expect(second.upstream.baseUrl).not.toBe(first.upstream.baseUrl);
    const delivered = await waitForEvent(
      second.engine,
      (j) => j.id === jobId && j.state === 'delivered',
      'delivery',
    );
    expect(delivered.videoId).toBe(upstreamJob.videoId);
    const saved = second.surface.saved.find((s) => s.jobId === jobId);
    expect(saved && existsSync(saved.path)).toBe(true);
    const bytes = await readFile(saved!.path);
    expect(bytes.toString('latin1', 4, 8)).toBe('ftyp');
  });
});
