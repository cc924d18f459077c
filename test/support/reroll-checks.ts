/** What every platform's Re-roll must do (both go through `engine.reroll`). */
import { expect } from 'vitest';
import type { Job } from '../../src/engine/job.ts';
import type { Simulator } from '../../src/simulator/simulator.ts';

/** The parameters the Re-roll tests make their first video with (image-to-video, non-default choices). */
export const REROLL_CASE = {
  prompt: 'the tide comes in',
  model: 'sora-2-pro',
  size: '720x1280',
  seconds: 8,
} as const;

/** `copy` repeats `original` for `requesterId`: same prompt, first frame, model, size, seconds, upstream too. */
export function expectSameReroll(
  original: Job | undefined,
  copy: Job | undefined,
  requesterId: string,
  sim: Simulator,
): void {
  expect(copy?.id).not.toBe(original?.id);
  expect(copy).toMatchObject({ ...REROLL_CASE, rerollOf: original?.id, requester: { userId: requesterId } });
  // The fitted first frame is reused as it is (not fetched or fitted again).
  expect(copy?.image?.path).toBeDefined();
  expect(copy?.image?.path).toBe(original?.image?.path);
  const { prompt: _p, ...params } = REROLL_CASE;
  const upstream = sim.jobs().find((j) => j.id === copy?.videoId);
  expect(upstream).toMatchObject({ ...params, hasInputReference: true });
}
