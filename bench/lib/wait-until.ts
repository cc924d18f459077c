/**
 * Waiting for a condition with a deadline (never a fixed sleep standing in for one).
 */

/** Resolves with the first truthy value of `probe` (checked every `everyMs`); rejects after `timeoutMs`. */
export async function waitUntil<T>(
  probe: () => T | undefined | null | false,
  timeoutMs: number,
  what: string,
  everyMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(everyMs);
  }
}

/** A plain timer promise, for loops that model a user's `sleep`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
