/**
 * The one retry loop: try, and on an error worth retrying wait and try again, up to a number of
 * tries or until the signal aborts. Each kind of call has exactly one owner that uses this
 * (docs/architecture.md says which); layers above it do not retry the same call again.
 */
import { sleep } from './sleep.ts';

export interface RetryOptions {
  /** Tries in all (the first included); 0: until it works or `signal` aborts. */
  attempts: number;
  /** The wait after failed try number `attempt` (1-based). */
  delayMs(attempt: number, err: unknown): number;
  /** Whether `err` is worth another try. @default every error */
  retryable?(err: unknown): boolean;
  /** Told before each wait (for a log line). */
  onRetry?(err: unknown, attempt: number, waitMs: number): void;
  signal?: AbortSignal;
  /** What to throw when `signal` aborts. @default the last error, or an `Error('aborted')` */
  aborted?(): Error;
}

/** `task(attempt)` until it resolves; throws the last error once tries run out or the signal aborts. */
export async function retry<T>(task: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  let last: unknown = new Error('aborted');
  for (let attempt = 1; ; attempt++) {
    if (o.signal?.aborted) throw o.aborted?.() ?? last;
    try {
      return await task(attempt);
    } catch (err) {
      last = err;
      const out = o.attempts > 0 && attempt >= o.attempts;
      if (out || (o.retryable && !o.retryable(err))) throw err;
      const wait = o.delayMs(attempt, err);
      o.onRetry?.(err, attempt, wait);
      if (!(await sleep(wait, o.signal))) throw o.aborted?.() ?? err;
    }
  }
}
