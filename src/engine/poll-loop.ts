/**
 * One scheduler for every in-flight job: a min-heap ordered by due time and one timer
 * re-armed to the earliest entry, with a small cap on concurrent checks. No timer per job.
 */

export interface PollLoopOptions {
  /** Most checks running at once. @default 4 */
  maxConcurrent: number;
  now: () => number;
  /** Check one job; resolve the delay until its next check, or `undefined` to stop following it. */
  check: (jobId: string) => Promise<number | undefined>;
  onError?: (jobId: string, err: unknown) => void;
}

interface Entry {
  jobId: string;
  at: number;
  seq: number;
}

export class PollLoop {
  readonly #heap: Entry[] = [];
  /** The live entry per job; heap entries with another seq are stale and skipped. */
  readonly #live = new Map<string, number>();
  readonly #running = new Set<string>();
  /** Jobs removed while their check was running: not rescheduled. */
  readonly #dropped = new Set<string>();
  /** Jobs poked while their check was running: checked again right after it. */
  readonly #recheck = new Set<string>();
  #seq = 0;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #stopped = false;

  constructor(private readonly options: PollLoopOptions) {}

  /** Jobs followed (scheduled or being checked). */
  get size(): number {
    return new Set([...this.#live.keys(), ...this.#running]).size;
  }

  /** Check `jobId` at `atMs` (replaces any earlier schedule). */
  schedule(jobId: string, atMs: number): void {
    if (this.#stopped) return;
    this.#dropped.delete(jobId);
    const seq = ++this.#seq;
    this.#live.set(jobId, seq);
    heapPush(this.#heap, { jobId, at: atMs, seq });
    this.#arm();
  }

  /**
   * Check as soon as a slot is free (webhook, tests). A job whose check is running right now is
   * checked once more after it: that check may have read the upstream just before the news.
   */
  pokeNow(jobId: string): void {
    // Never two checks of one job at once: a running one is followed by another instead.
    if (this.#running.has(jobId)) {
      if (!this.#dropped.has(jobId)) this.#recheck.add(jobId);
    } else if (this.#live.has(jobId)) {
      this.schedule(jobId, this.options.now());
    }
  }

  /** Stop following a job. A check already running finishes but is not rescheduled. */
  remove(jobId: string): void {
    this.#live.delete(jobId);
    if (this.#running.has(jobId)) this.#dropped.add(jobId);
  }

  has(jobId: string): boolean {
    return this.#live.has(jobId) || this.#running.has(jobId);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#live.clear();
    this.#heap.length = 0;
  }

  #arm(): void {
    if (this.#stopped) return;
    while (this.#heap.length > 0 && this.#live.get(this.#heap[0]!.jobId) !== this.#heap[0]!.seq) {
      heapPop(this.#heap);
    }
    const head = this.#heap[0];
    if (!head || this.#running.size >= this.options.maxConcurrent) return;
    if (this.#timer && this.#timerAt <= head.at) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = head.at;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, head.at - this.options.now()));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = this.options.now();
    while (this.#running.size < this.options.maxConcurrent && this.#heap.length > 0) {
      const head = this.#heap[0]!;
      if (this.#live.get(head.jobId) !== head.seq) {
        heapPop(this.#heap);
        continue;
      }
      if (head.at > now) break;
      heapPop(this.#heap);
      this.#live.delete(head.jobId);
      this.#run(head.jobId);
    }
    this.#arm();
  }

  #run(jobId: string): void {
    this.#running.add(jobId);
    this.options
      .check(jobId)
      .then(
        (delay) => {
          // A schedule() made while checking wins over the returned delay; a poke made while
          // checking brings the next check forward to now (unless the job is done: undefined).
          if (this.#dropped.has(jobId) || delay === undefined || this.#live.has(jobId)) return;
          this.schedule(jobId, this.options.now() + (this.#recheck.has(jobId) ? 0 : delay));
        },
        (err: unknown) => this.options.onError?.(jobId, err),
      )
      .finally(() => {
        this.#running.delete(jobId);
        this.#dropped.delete(jobId);
        this.#recheck.delete(jobId);
        this.#arm();
      });
  }
}

function heapPush(heap: Entry[], e: Entry): void {
  heap.push(e);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!less(heap[i]!, heap[parent]!)) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function heapPop(heap: Entry[]): Entry | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length > 0 && last) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
  return top;
}

function less(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
