/**
 * The `/v1/videos` simulator: a real local HTTP server speaking one dialect per
 * instance, with timed jobs, playable MP4s, fault injection and request stats.
 * It is the bot's default upstream, every test's double and the benchmark target.
 *
 * ```ts
 * const sim = await startSimulator({ dialect: 'form' });
 * // point a client at sim.url (includes /v1) with key sim.options.apiKey
 * await sim.close();
 * ```
 * Prompt tags that steer jobs (`[reject]`, `[policy]`/`celebrity`, `[fail]`,
 * `[never]`, `[slow]`) are documented in `sim-job.ts`. With `stateFile` the jobs
 * survive a restart (`sim-state-file.ts`).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CharacterStore, type SimCharacter } from './character-store.ts';
import { DIALECT_PROFILES } from './dialects/dialect-profiles.ts';
import { FaultController } from './fault-controller.ts';
import { JobBoard } from './job-board.ts';
import { MediaCache, type RendererLoader } from './media-cache.ts';
import { serveRequest } from './request-pipeline.ts';
import { SeededRandom } from './seeded-random.ts';
import type { SimContext } from './sim-context.ts';
import type { SimJob } from './sim-job.ts';
import { loadSimState, type SimState, SimStateSaver, withoutForgotten } from './sim-state-file.ts';
import { claimStateLock, type StateLock } from './sim-state-lock.ts';
import {
  type ResolvedSimulatorOptions,
  resolveSimulatorOptions,
  type SimulatorOptions,
} from './simulator-options.ts';
import { SimulatorStats } from './simulator-stats.ts';
import { WebhookSender } from './webhook-sender.ts';

export type { SimCharacter } from './character-store.ts';
export type { Fault, FaultAction, SimRoute } from './fault-controller.ts';
export { FaultController } from './fault-controller.ts';
export type { SimJob, SimJobStatus } from './sim-job.ts';
export type { ResolvedSimulatorOptions, SimulatorDialect, SimulatorOptions } from './simulator-options.ts';
export type { CompletionRecord, RequestRecord } from './simulator-stats.ts';
export { SimulatorStats } from './simulator-stats.ts';

export interface Simulator {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:34567/v1`. */
  readonly url: string;
  /** `http://127.0.0.1:34567` (asset links live outside `/v1`). */
  readonly origin: string;
  readonly options: ResolvedSimulatorOptions;
  readonly faults: FaultController;
  readonly stats: SimulatorStats;
  /** Every job still known (deleted ones are gone), oldest first. */
  jobs(): readonly SimJob[];
  job(id: string): SimJob | undefined;
  /** Characters made with `POST /videos/characters`, oldest first. */
  characters(): readonly SimCharacter[];
  /** Finish a job successfully now (tests). */
  completeNow(id: string): SimJob;
  /** Make a job's result expire now, completing it first if needed (tests). */
  expireNow(id: string): SimJob;
  /** Fail a job now. @default error `generation_failed` */
  failNow(id: string, error?: { code: string; message: string }): SimJob;
  /** Cancel a job now without deleting it. */
  cancelNow(id: string): SimJob;
  /** Stop the server, every timer, socket and webhook delivery. Idempotent. */
  close(): Promise<void>;
}

/** Extra wiring for tests of the simulator itself. */
export interface SimulatorInternals {
  /** Loads the drawing functions. @default the real card renderer from `./media/` */
  loadRenderer?: RendererLoader;
}

/** Changes within this window share one state-file write. */
const STATE_SAVE_DELAY_MS = 100;

/** Start a simulator on `host:port` (default 127.0.0.1, a free port). Cheap: no media is made until asked for. */
export async function startSimulator(
  options: SimulatorOptions = {},
  internals: SimulatorInternals = {},
): Promise<Simulator> {
  const resolved = resolveSimulatorOptions(options);
  const persisted = resolved.stateFile ? await openState(resolved.stateFile, resolved) : undefined;
  const saved = persisted?.state;
  // A seeded run continues its sequence; an unseeded one draws afresh, so ids of jobs
  // created after the last save (lost in a crash) are never handed out a second time.
  const rng = new SeededRandom(saved && options.seed !== undefined ? saved.rngState : resolved.seed);
  const stats = new SimulatorStats();
  const faults = new FaultController();
  const webhook = resolved.webhook ? new WebhookSender(resolved.webhook, rng, resolved.logger) : undefined;
  let saver: SimStateSaver | undefined;
  const board = new JobBoard({
    timing: resolved.timing,
    concurrencyPerKey: resolved.concurrencyPerKey,
    rng,
    onFinish: (job) => {
      stats.recordFinish(job);
      if (job.state === 'completed') webhook?.send('video.completed', job.id);
      if (job.state === 'failed') webhook?.send('video.failed', job.id);
    },
    onChange: () => saver?.changed(),
  });
  const characters = new CharacterStore(() => saver?.changed());
  const media = new MediaCache(
    internals.loadRenderer ?? loadCardRenderer,
    { badge: resolved.badge, keyframeIntervalSeconds: resolved.keyframeIntervalSeconds },
    resolved.mediaCacheBytes,
  );
  const ctx: SimContext = {
    options: resolved,
    dialect: DIALECT_PROFILES[resolved.dialect],
    board,
    characters,
    media,
    stats,
    rng,
    origin: '',
    assetSecret: saved?.assetSecret ?? randomBytes(32),
  };
  if (persisted?.lock.owned) {
    saver = new SimStateSaver({
      path: persisted.path,
      delayMs: STATE_SAVE_DELAY_MS,
      logger: resolved.logger,
      snapshot: (): SimState => ({
        rngState: rng.state,
        assetSecret: ctx.assetSecret,
        jobs: board.all(),
        characters: characters.all(),
      }),
    });
  }
  if (saved) {
    board.restore(withoutForgotten(saved.jobs, Date.now()));
    characters.restore(saved.characters);
  }
  const closing = new AbortController();
  const server = createServer((req, res) => {
    serveRequest({ ctx, faults, closing: closing.signal }, req, res).catch((err: unknown) => {
      resolved.logger.error('simulator request crashed', { err });
      res.destroy();
    });
  });
  try {
    await listen(server, resolved.host, resolved.port);
  } catch (err) {
    board.close();
    await persisted?.release();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  ctx.origin = `http://${host}:${port}`;
  resolved.logger.info('simulator listening', { url: `${ctx.origin}/v1`, dialect: resolved.dialect });

  let closed: Promise<void> | undefined;
  return {
    url: `${ctx.origin}/v1`,
    origin: ctx.origin,
    options: { ...resolved, port },
    faults,
    stats,
    jobs: () => board.all(),
    job: (id) => board.get(id),
    characters: () => characters.all(),
    completeNow: (id) => board.completeNow(id),
    expireNow: (id) => board.expireNow(id),
    failNow: (id, error) => board.failNow(id, error),
    cancelNow: (id) => board.cancelNow(id),
    close: () => {
      closed ??= shutdown(server, () => {
        closing.abort();
        board.close();
        webhook?.close();
        media.clear();
      }).then(async () => {
        await saver?.flush();
        await persisted?.release();
      });
      return closed;
    },
  };
}

interface OpenedState {
  path: string;
  lock: StateLock;
  state: SimState | undefined;
  release(): Promise<void>;
}

/** Claim the state file (or learn who owns it) and read what it holds. */
async function openState(path: string, options: ResolvedSimulatorOptions): Promise<OpenedState> {
  const { logger } = options;
  const lock = await claimStateLock(path);
  if (!lock.owned) {
    logger.warn('simulator state file in use by another process: reading it, not saving this run', {
      path,
      ownerPid: lock.ownerPid,
    });
  }
  const release = async () => {
    if (lock.owned) await lock.release();
  };
  try {
    const state = await loadSimState(path, logger);
    if (state) logger.info('simulator state loaded', { path, jobs: state.jobs.length });
    return { path, lock, state, release };
  } catch (err) {
    await release();
    throw err;
  }
}

async function loadCardRenderer() {
  return (await import('./card-renderer.ts')).cardRenderer;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function shutdown(server: Server, stopRest: () => void): Promise<void> {
  stopRest();
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Hung requests and idle keep-alive sockets would otherwise hold close() open.
    server.closeAllConnections();
  });
}
