/**
 * When to poll a running job next. Pure, so the maths is unit-tested without timers.
 */

export interface PollTiming {
  /** Lower bound of the first poll after submission. @default 2000 */
  firstMinMs: number;
  /** First poll at this fraction of the expected run time (when later than `firstMinMs`). @default 0.25 */
  firstFraction: number;
  /** Clamp of every later interval. @default 1000 */
  minMs: number;
  /** @default 30000 */
  maxMs: number;
  /** ± fraction of random jitter so jobs submitted together do not poll together. @default 0.1 */
  jitter: number;
  /** Backoff after an error or an unknown status: base doubled per consecutive error. @default 2000 */
  errorBaseMs: number;
  /** @default 60000 */
  errorMaxMs: number;
}

export const DEFAULT_POLL_TIMING = {
  firstMinMs: 2000,
  firstFraction: 0.25,
  minMs: 1000,
  maxMs: 30_000,
  jitter: 0.1,
  errorBaseMs: 2000,
  errorMaxMs: 60_000,
} as const satisfies Required<PollTiming>;

export interface PollState {
  /** Polls done so far for this job (0: this is the first one after submission). */
  polls: number;
  /** Expected time from submission to completion. */
  expectedRunMs: number;
  /** How long the job has been running upstream (since submission). */
  runningForMs: number;
  /** Last known progress 0-100. */
  progress: number;
  /** Upstream hint from `openai-poll-after-ms` / `Retry-After`. */
  hintMs?: number | undefined;
  /** Errors or unknown status words in a row. */
  consecutiveErrors: number;
}

/**
 * Poll timing when the upstream's `video.completed` / `video.failed` webhooks reach us: an event
 * triggers the check that matters, so scheduled polls are only a safety net (webhooks get lost)
 * and coarse progress. The first poll comes later (twice the fraction, four times the floor);
 * after it, one poll per four `maxMs` at a steady pace, because aiming at the expected end would
 * only race the event. Error backoff is unchanged: it is about the upstream's health.
 */
export function webhookPollTiming(timing: PollTiming): PollTiming {
  const interval = timing.maxMs * 4;
  return {
    ...timing,
    firstMinMs: timing.firstMinMs * 4,
    firstFraction: Math.min(1, timing.firstFraction * 2),
    minMs: interval,
    maxMs: interval,
  };
}

/** Delay in ms until the next poll. `random` returns [0, 1). */
export function nextPollDelay(
  timing: PollTiming,
  state: PollState,
  random: () => number = Math.random,
): number {
  let delay: number;
  if (state.consecutiveErrors > 0) {
    delay = Math.min(timing.errorMaxMs, timing.errorBaseMs * 2 ** (state.consecutiveErrors - 1));
  } else if (state.polls === 0) {
    delay = Math.max(timing.firstMinMs, timing.firstFraction * state.expectedRunMs);
  } else if (state.progress > 0 && state.progress < 100 && state.runningForMs > 0) {
    // Extrapolate: p% after t ms → the rest takes about t·(100−p)/p; poll near the expected end.
    const remaining = (state.runningForMs * (100 - state.progress)) / state.progress;
    delay = clamp(remaining, timing.minMs, timing.maxMs);
  } else {
    const remaining = state.expectedRunMs - state.runningForMs;
    delay = clamp(remaining > 0 ? remaining : state.expectedRunMs * 0.1, timing.minMs, timing.maxMs);
  }
  if (state.hintMs !== undefined && state.hintMs > delay) delay = state.hintMs;
  const jittered = delay * (1 + timing.jitter * (2 * random() - 1));
  return Math.max(1, Math.round(jittered));
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
