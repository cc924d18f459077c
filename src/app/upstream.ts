/**
 * The video upstream the process talks to: the configured `/v1/videos` server, or — when
 * `VIDEO_API_BASE_URL` is unset — the built-in simulator started in-process on 127.0.0.1.
 * The simulator keeps its jobs in `<DATA_DIR>/simulator-state.json`, so a restarted bot
 * finds its in-flight jobs and a CLI run can remix a video an earlier run made. Its port
 * changes with every start; callers build their clients from `baseUrl` after this returns.
 */
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import { type Logger, silentLogger } from '../log/logger.ts';
import type { SimulatorTiming } from '../simulator/simulator-options.ts';

export interface Upstream {
  baseUrl: string;
  /** The (first) key to talk to it with. */
  apiKey: string;
  simulated: boolean;
  /**
   * Typical run time per video-second, when known (the embedded simulator's timing), for the
   * engine's first ETA and poll before it has measured any job (`fallbackMsPerVideoSecond`).
   */
  expectedMsPerVideoSecond?: number;
  close(): Promise<void>;
}

/**
 * Lifelike but short timings for the embedded simulator: a 4 s clip takes about 10 s,
 * a 12 s clip about 20 s, so people trying the bot see queueing and progress.
 * @default queued 2 s, 1.5 s of work per video-second, at least 6 s
 */
export const EMBEDDED_SIMULATOR_TIMING = {
  queuedMs: 2000,
  msPerVideoSecond: 1500,
  minRunMs: 6000,
} as const satisfies SimulatorTiming;

/** About what {@link EMBEDDED_SIMULATOR_TIMING} takes per video-second, queueing included (8 s for a 4 s clip). */
export const EMBEDDED_SIMULATOR_MS_PER_VIDEO_SECOND = 2000;

export async function startUpstream(
  config: Pick<Config, 'VIDEO_API_BASE_URL' | 'VIDEO_API_KEYS' | 'VIDEO_API_MAX_CONCURRENCY' | 'DATA_DIR'>,
  options: { logger?: Logger; timing?: SimulatorTiming } = {},
): Promise<Upstream> {
  const [firstKey] = config.VIDEO_API_KEYS;
  if (config.VIDEO_API_BASE_URL && firstKey) {
    return {
      baseUrl: config.VIDEO_API_BASE_URL,
      // The first key of the pool; the engine builds one client per key itself.
      apiKey: firstKey,
      simulated: false,
      close: async () => {},
    };
  }
  // Loaded only when it runs: a bot with a configured upstream carries none of the simulator.
  const { startSimulator } = await import('../simulator/simulator.ts');
  const sim = await startSimulator({
    timing: options.timing ?? EMBEDDED_SIMULATOR_TIMING,
    concurrencyPerKey: config.VIDEO_API_MAX_CONCURRENCY,
    stateFile: simulatorStateFile(config.DATA_DIR),
    logger: options.logger ?? silentLogger,
  });
  return {
    baseUrl: sim.url,
    apiKey: sim.options.apiKey,
    simulated: true,
    ...(options.timing ? {} : { expectedMsPerVideoSecond: EMBEDDED_SIMULATOR_MS_PER_VIDEO_SECOND }),
    close: () => sim.close(),
  };
}

/** Where the embedded simulator keeps its jobs. */
export function simulatorStateFile(dataDir: string): string {
  return join(dataDir, 'simulator-state.json');
}
