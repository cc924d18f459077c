/**
 * The real engine in this process over a temp SQLite file and the real VideoClient, pointed at a
 * simulator, showing jobs on a {@link CountingSurface}. For scenarios that need no chat platform.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.ts';
import type { VideoRequest } from '../../src/engine/engine-api.ts';
import type { EngineOptions } from '../../src/engine/engine-options.ts';
import type { RecoveryReport } from '../../src/engine/recovery.ts';
import { openStore, type Store } from '../../src/engine/store.ts';
import type { Simulator } from '../../src/simulator/simulator.ts';
import { VideoClient } from '../../src/video/video-client.ts';
import { CountingSurface } from './counting-surface.ts';

export interface EngineRigOptions {
  sim: Simulator;
  /** Reuse a directory (recovery); otherwise a fresh temp one, removed on close. */
  dir?: string;
  maxConcurrency?: number;
  timing?: EngineOptions['timing'];
  /** The engine hears the upstream's webhooks (relaxed polling). @default false */
  webhooks?: boolean;
}

export interface EngineRig {
  engine: Engine;
  store: Store;
  surface: CountingSurface;
  dir: string;
  report: RecoveryReport;
  close(): Promise<void>;
}

/** Limits nobody in the bench reaches. */
export const UNLIMITED: EngineOptions['limits'] = {
  dailyVideos: 1_000_000,
  dailySeconds: 100_000_000,
  activeJobs: 100_000,
  workspaceDailyVideos: 1_000_000,
  timeZone: 'UTC',
  adminUsers: [],
  adminRoles: [],
};

export function newBenchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `reelbot-bench-${prefix}-`));
}

export async function startEngineRig(o: EngineRigOptions): Promise<EngineRig> {
  const dir = o.dir ?? newBenchDir('engine');
  const store = await openStore(`sqlite://${join(dir, 'store.sqlite')}`);
  const surface = new CountingSurface();
  const engine = new Engine({
    store,
    client: new VideoClient({ baseUrl: o.sim.url, apiKey: o.sim.options.apiKey, dialect: 'openai' }),
    dataDir: join(dir, 'data'),
    choices: { models: ['sora-2'], sizes: ['1280x720', '720x1280'], seconds: [4, 8, 12] },
    limits: UNLIMITED,
    maxConcurrency: o.maxConcurrency ?? 2,
    closeStoreOnStop: true,
    ...(o.timing ? { timing: o.timing } : {}),
    ...(o.webhooks ? { webhooks: true } : {}),
  });
  engine.attachSurface('cli', surface);
  const report = await engine.start();
  return {
    engine,
    store,
    surface,
    dir,
    report,
    close: async () => {
      await engine.stop();
      if (!o.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A `/video` as the CLI adapter would send it. */
export function cliRequest(userId: string, prompt: string, seconds: number): VideoRequest {
  return {
    actor: { platform: 'cli', userId, displayName: userId, isAdmin: false },
    place: { platform: 'cli', workspaceId: 'bench', channelId: 'bench' },
    prompt,
    seconds,
    size: '1280x720',
  };
}
