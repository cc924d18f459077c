/** Poll schedule for tests: a simulator job with tiny timings is checked every few tens of ms. */
import type { PollTiming } from '../../src/engine/poll-schedule.ts';

export const FAST_POLL_TIMING = {
  firstMinMs: 20,
  firstFraction: 0.25,
  minMs: 15,
  maxMs: 80,
  jitter: 0.1,
  errorBaseMs: 20,
  errorMaxMs: 200,
} as const satisfies PollTiming;
