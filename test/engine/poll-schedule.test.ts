import { describe, expect, it } from 'vitest';
import { DEFAULT_POLL_TIMING, nextPollDelay, type PollState } from '../../src/engine/poll-schedule.ts';

const noJitter = () => 0.5;
const base: PollState = {
  polls: 1,
  expectedRunMs: 120_000,
  runningForMs: 0,
  progress: 0,
  consecutiveErrors: 0,
};
const t = DEFAULT_POLL_TIMING;

describe('poll interval', () => {
  it('first poll waits a quarter of the expected run time, at least 2 s', () => {
    expect(nextPollDelay(t, { ...base, polls: 0 }, noJitter)).toBe(30_000);
    expect(nextPollDelay(t, { ...base, polls: 0, expectedRunMs: 4000 }, noJitter)).toBe(2000);
  });

  it('extrapolates from progress and polls near the expected end, clamped to 1-30 s', () => {
    // 50% after 10 s → about 10 s left.
    expect(nextPollDelay(t, { ...base, progress: 50, runningForMs: 10_000 }, noJitter)).toBe(10_000);
    // 90% after 9 s → 1 s left.
    expect(nextPollDelay(t, { ...base, progress: 90, runningForMs: 9000 }, noJitter)).toBe(1000);
    // 1% after 10 s → 990 s left, clamped to 30 s.
    expect(nextPollDelay(t, { ...base, progress: 1, runningForMs: 10_000 }, noJitter)).toBe(30_000);
    // 99% after 1 s → 10 ms, clamped up to 1 s.
    expect(nextPollDelay(t, { ...base, progress: 99, runningForMs: 1000 }, noJitter)).toBe(1000);
  });

  it('an upstream hint wins when it is longer', () => {
    expect(nextPollDelay(t, { ...base, progress: 90, runningForMs: 9000, hintMs: 5000 }, noJitter)).toBe(
      5000,
    );
    expect(nextPollDelay(t, { ...base, progress: 50, runningForMs: 10_000, hintMs: 500 }, noJitter)).toBe(
      10_000,
    );
  });

  it('errors and unknown statuses back off exponentially up to the cap', () => {
    const d = (n: number) => nextPollDelay(t, { ...base, consecutiveErrors: n }, noJitter);
    expect([d(1), d(2), d(3), d(6), d(10)]).toEqual([2000, 4000, 8000, 60_000, 60_000]);
  });

  it('jitter stays within ±10%', () => {
    const s = { ...base, progress: 50, runningForMs: 10_000 };
    expect(nextPollDelay(t, s, () => 0)).toBe(9000);
    expect(nextPollDelay(t, s, () => 0.999999)).toBe(11_000);
  });
});
