/**
 * Recent job durations (accepted → completed), for rough ETAs. A moving median per
 * `seconds` value once there are enough samples of it, else over all recent jobs.
 */

const WINDOW = 25;
const MIN_SAMPLES = 3;

export class DurationStats {
  readonly #all: number[] = [];
  readonly #bySeconds = new Map<number, number[]>();

  /** @param fallbackMsPerSecond used before any job finished: expected run time per video-second. */
  constructor(private readonly fallbackMsPerSecond: number) {}

  record(seconds: number, durationMs: number): void {
    if (!(durationMs >= 0)) return;
    push(this.#all, durationMs);
    let list = this.#bySeconds.get(seconds);
    if (!list) {
      list = [];
      this.#bySeconds.set(seconds, list);
    }
    push(list, durationMs);
  }

  /** Typical time from acceptance to completion of a `seconds`-long video. */
  expectedMs(seconds: number): number {
    const own = this.#bySeconds.get(seconds);
    if (own && own.length >= MIN_SAMPLES) return median(own);
    if (this.#all.length >= MIN_SAMPLES) return median(this.#all);
    return seconds * this.fallbackMsPerSecond;
  }

  get samples(): number {
    return this.#all.length;
  }
}

function push(list: number[], value: number): void {
  list.push(value);
  if (list.length > WINDOW) list.shift();
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
