/**
 * What `/healthz` answers: healthy when the engine is running and the store answers a read
 * within a second. Anything else is 503 with the reason, so an orchestrator restarts a bot
 * whose database hangs instead of leaving it silently refusing work.
 */
import type { Store } from '../engine/store.ts';

export type EngineRunState = 'starting' | 'running' | 'stopping';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  /** Why it is unavailable. */
  reason?: string;
  engine: EngineRunState;
  store: 'ok' | 'failed' | 'timeout' | 'unchecked';
  /** How long the store read took. */
  storeMs?: number;
  uptimeS: number;
  simulated: boolean;
}

export interface HealthInputs {
  engineState: () => EngineRunState;
  store: Pick<Store, 'get'>;
  simulated: boolean;
  /** @default 1000 */
  storeTimeoutMs?: number;
}

/** The key read to prove the store answers (never written). */
const PROBE_KEY = 'index:healthz-probe';

export async function checkHealth(i: HealthInputs): Promise<HealthReport> {
  const engine = i.engineState();
  const base = { engine, uptimeS: Math.round(process.uptime()), simulated: i.simulated };
  if (engine !== 'running') {
    return { status: 'unavailable', reason: `the engine is ${engine}`, store: 'unchecked', ...base };
  }
  const started = performance.now();
  const read = await readWithin(i.store, i.storeTimeoutMs ?? 1000);
  const storeMs = Math.round(performance.now() - started);
  if (read === 'ok') return { status: 'ok', store: 'ok', storeMs, ...base };
  const reason =
    read === 'timeout'
      ? `the store did not answer a read within ${i.storeTimeoutMs ?? 1000} ms`
      : `the store failed a read: ${read.message}`;
  return {
    status: 'unavailable',
    reason,
    store: read === 'timeout' ? 'timeout' : 'failed',
    storeMs,
    ...base,
  };
}

async function readWithin(store: Pick<Store, 'get'>, ms: number): Promise<'ok' | 'timeout' | Error> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([
      store.get(PROBE_KEY).then(
        () => 'ok' as const,
        (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
