/** The one sleep and the one retry loop. */
import { describe, expect, it } from 'vitest';
import { retry } from '../../src/async/retry.ts';
import { backoffMs, sleep } from '../../src/async/sleep.ts';

describe('sleep', () => {
  it('ends with false as soon as the signal aborts, and at once when already aborted', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort();
    expect(await pending).toBe(false);
    expect(await sleep(60_000, AbortSignal.abort())).toBe(false);
    expect(await sleep(1)).toBe(true);
  });

  it('backs off exponentially within ±20%, capped', () => {
    expect(backoffMs(1, 100, 1000, () => 0.5)).toBe(100);
    expect(backoffMs(3, 100, 1000, () => 0.5)).toBe(400);
    expect(backoffMs(10, 100, 1000, () => 1)).toBe(1200);
    expect(backoffMs(10, 100, 1000, () => 0)).toBe(800);
  });
});

describe('retry', () => {
  it('tries until the task works, waiting between tries', async () => {
    const waits: number[] = [];
    const result = await retry(
      async (attempt) => {
        if (attempt < 3) throw new Error(`try ${attempt}`);
        return attempt;
      },
      { attempts: 5, delayMs: (a) => a, onRetry: (_e, _a, ms) => waits.push(ms) },
    );
    expect(result).toBe(3);
    expect(waits).toEqual([1, 2]);
  });

  it('throws the last error when the tries run out, or at once when it is not retryable', async () => {
    let calls = 0;
    const failing = () => {
      calls += 1;
      return Promise.reject(new Error(`no ${calls}`));
    };
    await expect(retry(failing, { attempts: 3, delayMs: () => 0 })).rejects.toThrow('no 3');
    calls = 0;
    await expect(retry(failing, { attempts: 3, delayMs: () => 0, retryable: () => false })).rejects.toThrow(
      'no 1',
    );
  });

  it('stops waiting when the signal aborts, with the error asked for', async () => {
    const controller = new AbortController();
    const pending = retry(() => Promise.reject(new Error('down')), {
      attempts: 0,
      delayMs: () => 60_000,
      onRetry: () => controller.abort(),
      signal: controller.signal,
      aborted: () => new Error('stopped'),
    });
    await expect(pending).rejects.toThrow('stopped');
  });
});
