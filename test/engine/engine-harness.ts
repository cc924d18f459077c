/**
 * Shared wiring for engine tests: a real simulator, the real VideoClient, an engine with
 * tiny timings over a temp SQLite file, and a recording surface.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.ts';
import type { Actor, VideoRequest } from '../../src/engine/engine-api.ts';
import type { EngineOptions } from '../../src/engine/engine-options.ts';
import type { Job, Platform } from '../../src/engine/job.ts';
import { newJobId } from '../../src/engine/job-store.ts';
import { openStore, type Store } from '../../src/engine/store.ts';
import type { DeliveredVideo, JobView, MessageRef, Surface } from '../../src/engine/surface.ts';
import { clientDialectFor } from '../../src/simulator/client-dialect.ts';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/simulator/simulator.ts';
import { rapidRetryPolicy } from '../../src/video/retry-policy.ts';
import { VideoClient } from '../../src/video/video-client.ts';
import { FAST_POLL_TIMING } from '../support/fast-poll-timing.ts';

export const TEST_TIMING: NonNullable<EngineOptions['timing']> = {
  progressIntervalMs: 20,
  poll: FAST_POLL_TIMING,
  maxConcurrentPolls: 4,
  rateLimitBackoffMs: 50,
  unknownSubmitGraceMs: 300,
  unknownSubmitCheckMs: 50,
  deliveryRetryBaseMs: 20,
  deliveryRetryMaxMs: 100,
  surfaceRetryBaseMs: 10,
  surfaceRetryMaxMs: 50,
  fallbackMsPerVideoSecond: 50,
};

export const FAST_SIM: SimulatorOptions = {
  timing: { queuedMs: 20, msPerVideoSecond: 15, minRunMs: 60, jitter: 0 },
};

export function tempDir(prefix = 'reelbot-engine-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function actor(userId: string, extra: Partial<Actor> = {}): Actor {
  return { platform: 'cli', userId, displayName: `user ${userId}`, isAdmin: false, ...extra };
}

export function request(userId: string, prompt: string, extra: Partial<VideoRequest> = {}): VideoRequest {
  return {
    actor: actor(userId),
    place: { platform: 'cli', workspaceId: 'ws1', channelId: 'c1' },
    prompt,
    seconds: 4,
    ...extra,
  };
}

export function clientFor(sim: Simulator, apiKey = sim.options.apiKey): VideoClient {
  return simClient(sim.url, apiKey, clientDialectFor(sim.options.dialect));
}

/** A client with the fast retry policy for a simulator at `baseUrl` (child processes know only the URL). */
export function simClient(
  baseUrl: string,
  apiKey: string,
  dialect: ConstructorParameters<typeof VideoClient>[0]['dialect'] = 'openai',
): VideoClient {
  return new VideoClient({ baseUrl, apiKey, dialect, retry: rapidRetryPolicy, timeoutMs: 2000 });
}

/** The quota limits of the engine tests: high enough that only the limit under test bites. */
export const TEST_LIMITS: EngineOptions['limits'] = {
  dailyVideos: 50,
  dailySeconds: 1000,
  activeJobs: 20,
  workspaceDailyVideos: 500,
  timeZone: 'UTC',
  adminUsers: ['cli:admin'],
  adminRoles: [],
};

export interface Harness {
  sim: Simulator;
  engine: Engine;
  store: Store;
  surface: RecordingSurface;
  dir: string;
  close(): Promise<void>;
}

export async function startHarness(
  o: {
    sim?: SimulatorOptions;
    engine?: Partial<EngineOptions>;
    surface?: RecordingSurface;
    storeUrl?: string;
    dir?: string;
    simulator?: Simulator;
  } = {},
): Promise<Harness> {
  const dir = o.dir ?? tempDir();
  const sim = o.simulator ?? (await startSimulator({ ...FAST_SIM, ...o.sim }));
  // A store the test built itself (e.g. wrapped to fail) is the one store: a second open of the file would be refused.
  const store = o.engine?.store ?? (await openStore(o.storeUrl ?? `sqlite://${join(dir, 'store.sqlite')}`));
  const surface = o.surface ?? new RecordingSurface();
  const engine = new Engine({
    store,
    client: clientFor(sim),
    dataDir: join(dir, 'data'),
    choices: { models: ['sora-2'], sizes: ['1280x720', '720x1280'], seconds: [4, 8, 12] },
    limits: TEST_LIMITS,
    maxConcurrency: 2,
    timing: TEST_TIMING,
    ...o.engine,
  });
  engine.attachSurface('cli', surface);
  await engine.start();
  return {
    sim,
    engine,
    store,
    surface,
    dir,
    close: async () => {
      await engine.stop();
      await store.close();
      if (!o.simulator) await sim.close();
      if (!o.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Call =
  | { kind: 'accepted'; view: JobView }
  | { kind: 'progress'; view: JobView }
  | { kind: 'completed'; view: JobView; bytes: number; lineage: DeliveredVideo['lineage'] }
  | { kind: 'failed'; view: JobView }
  | { kind: 'cancelled'; view: JobView };

/** A surface that records every call; `failCompleted` makes the next N deliveries reject. */
export class RecordingSurface implements Surface {
  readonly calls: Call[] = [];
  failCompleted = 0;
  failAccepted = 0;
  #n = 0;

  async jobAccepted(view: JobView): Promise<MessageRef> {
    if (this.failAccepted > 0) {
      this.failAccepted -= 1;
      throw new Error('platform down (test)');
    }
    this.calls.push({ kind: 'accepted', view });
    this.#n += 1;
    return { messageRef: `m${this.#n}`, link: `https://chat.test/m/${view.job.id}` };
  }

  async jobProgress(view: JobView): Promise<void> {
    this.calls.push({ kind: 'progress', view });
  }

  async jobCompleted(view: JobView, video: DeliveredVideo): Promise<MessageRef | undefined> {
    if (this.failCompleted > 0) {
      this.failCompleted -= 1;
      throw new Error('upload failed (test)');
    }
    let bytes = 0;
    for await (const chunk of video.open()) bytes += (chunk as Buffer).byteLength;
    this.calls.push({ kind: 'completed', view, bytes, lineage: video.lineage });
    return { messageRef: `r-${view.job.id}`, link: `https://chat.test/r/${view.job.id}` };
  }

  async jobFailed(view: JobView): Promise<void> {
    this.calls.push({ kind: 'failed', view });
  }

  async jobCancelled(view: JobView): Promise<void> {
    this.calls.push({ kind: 'cancelled', view });
  }

  of(kind: Call['kind'], jobId?: string): Call[] {
    return this.calls.filter((c) => c.kind === kind && (jobId === undefined || c.view.job.id === jobId));
  }
}

/** Poll `cond` until it holds or the deadline passes (then throw with `what`). */
export async function waitFor<T>(
  cond: () => T | Promise<T>,
  what: string,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Wait until a job reaches one of `states`. */
export function waitForState(engine: Engine, jobId: string, ...states: Job['state'][]): Promise<Job> {
  return waitFor(
    async () => {
      const j = await engine.getJob(jobId);
      return j && states.includes(j.state) ? j : undefined;
    },
    `job ${jobId} to be ${states.join('/')}`,
  );
}

export function submitted(outcome: Awaited<ReturnType<Engine['submit']>>): { job: Job; position: number } {
  if (!outcome.ok) throw new Error(`refused: ${JSON.stringify(outcome.refusal)}`);
  return outcome.value;
}

/** 429 answers the simulator gave to creates and remixes. */
export function rateLimitedCreates(sim: Simulator): number {
  return sim.stats.requests().filter((r) => (r.route === 'create' || r.route === 'remix') && r.status === 429)
    .length;
}

export type { Platform };

/** A waiting `create` job record as the engine stores one, made at `now` (tests of stores, indexes and quotas). */
export function waitingJob(userId: string, now: number, extra: Partial<Job> = {}): Job {
  return {
    id: newJobId(now),
    kind: 'create',
    state: 'waiting',
    requester: { platform: 'cli', userId, displayName: userId },
    place: { platform: 'cli', workspaceId: 'ws1', channelId: 'c1' },
    prompt: 'p',
    model: 'sora-2',
    size: '1280x720',
    seconds: 4,
    progress: 0,
    createdAt: now,
    updatedAt: now,
    deadlineAt: now + 3_600_000,
    attempts: { submit: 0, poll: 0, delivery: 0 },
    quotaDay: new Date(now).toISOString().slice(0, 10),
    quotaExempt: false,
    simulated: true,
    ...extra,
  };
}
