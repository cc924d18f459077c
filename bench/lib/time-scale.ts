/**
 * Real upstreams take minutes per video; the bench runs the same shape faster. Every duration
 * that takes part in a comparison (upstream timing, the bot's poll and edit timing, the users'
 * poll loops) is multiplied by the same factor, so counts and ratios are what they would be in
 * real time and latencies scale back by dividing by the factor.
 */
import { DEFAULT_TIMING, type EngineOptions } from '../../src/engine/engine-options.ts';
import type { SimulatorTiming } from '../../src/simulator/simulator-options.ts';

/**
 * A lifelike upstream: about 20 s queued, then 15 s of work per video-second (at least a minute),
 * ±10 %. A 4 s clip takes ~80 s, a 12 s clip ~200 s, in line with what Sora-class services show.
 */
export const REAL_UPSTREAM_TIMING = {
  queuedMs: 20_000,
  msPerVideoSecond: 15_000,
  minRunMs: 60_000,
  jitter: 0.1,
} as const satisfies SimulatorTiming;

/** Time factor of a full run: a 12 s clip takes ~33 s. */
export const FULL_SCALE = 1 / 6;
/** Time factor of `--quick`: a 12 s clip takes ~7 s. */
export const QUICK_SCALE = 1 / 30;

/** Expected upstream time (ms, unscaled) of a clip of `seconds`, without jitter. */
export function realJobMs(seconds: number, timing: SimulatorTiming = REAL_UPSTREAM_TIMING): number {
  const t = { ...REAL_UPSTREAM_TIMING, ...timing };
  return t.queuedMs + Math.max(t.minRunMs, seconds * t.msPerVideoSecond);
}

/** Simulator timing scaled by `scale`. */
export function scaledSimTiming(
  scale: number,
  timing: SimulatorTiming = REAL_UPSTREAM_TIMING,
): SimulatorTiming {
  const t = { ...REAL_UPSTREAM_TIMING, ...timing };
  return {
    queuedMs: Math.round(t.queuedMs * scale),
    msPerVideoSecond: Math.round(t.msPerVideoSecond * scale),
    minRunMs: Math.round(t.minRunMs * scale),
    jitter: t.jitter,
  };
}

/**
 * The bot's own default timing (poll schedule, retries, edit throttle, ETA fallback) scaled by
 * `scale`. Fractions (jitter, first-poll fraction) stay as they are.
 */
export function scaledEngineTiming(scale: number): NonNullable<EngineOptions['timing']> {
  const d = DEFAULT_TIMING;
  const ms = (x: number) => Math.max(1, Math.round(x * scale));
  return {
    progressIntervalMs: ms(d.progressIntervalMs),
    poll: {
      firstMinMs: ms(d.poll.firstMinMs),
      firstFraction: d.poll.firstFraction,
      minMs: ms(d.poll.minMs),
      maxMs: ms(d.poll.maxMs),
      jitter: d.poll.jitter,
      errorBaseMs: ms(d.poll.errorBaseMs),
      errorMaxMs: ms(d.poll.errorMaxMs),
    },
    maxConcurrentPolls: d.maxConcurrentPolls,
    rateLimitBackoffMs: ms(d.rateLimitBackoffMs),
    unknownSubmitGraceMs: ms(d.unknownSubmitGraceMs),
    unknownSubmitCheckMs: ms(d.unknownSubmitCheckMs),
    deliveryRetryBaseMs: ms(d.deliveryRetryBaseMs),
    deliveryRetryMaxMs: ms(d.deliveryRetryMaxMs),
    surfaceRetryBaseMs: ms(d.surfaceRetryBaseMs),
    surfaceRetryMaxMs: ms(d.surfaceRetryMaxMs),
    fallbackMsPerVideoSecond: ms(d.fallbackMsPerVideoSecond),
    sharedSweepMs: d.sharedSweepMs,
  };
}
