/**
 * What the simulator saw: every request (route, video, time, answer status, fault)
 * and when each job finished. The benchmark derives "upstream calls per job" and
 * "detection latency" (finish → first answer that reported it) from these.
 */
import type { FaultAction, SimRoute } from './fault-controller.ts';
import type { SimJob } from './sim-job.ts';

export interface RequestRecord {
  /** `other` for paths that match no route (404s). */
  route: SimRoute | 'other';
  method: string;
  videoId: string | undefined;
  /** Arrival, epoch ms. */
  at: number;
  /** HTTP status sent; undefined when none was (hang, reset, still running). */
  status: number | undefined;
  fault: FaultAction['kind'] | undefined;
}

export interface CompletionRecord {
  id: string;
  state: 'completed' | 'failed' | 'cancelled';
  createdAtMs: number;
  startedAtMs: number | undefined;
  finishedAtMs: number;
  /** Creation to finish. */
  durationMs: number;
  /** First retrieve/list answer (2xx) that carried the finished state; undefined until polled. */
  firstReportedAtMs: number | undefined;
}

/** Records kept before the oldest are dropped (long benchmark runs). */
const MAX_RECORDS = 200_000;

export class SimulatorStats {
  readonly #requests: RequestRecord[] = [];
  readonly #completions = new Map<string, CompletionRecord>();

  /** Requests seen, optionally only one route and/or one video. */
  count(route: SimRoute | 'other' | 'any' = 'any', videoId?: string): number {
    return this.requests({ route, ...(videoId === undefined ? {} : { videoId }) }).length;
  }

  requests(filter: { route?: SimRoute | 'other' | 'any'; videoId?: string } = {}): readonly RequestRecord[] {
    return this.#requests.filter(
      (r) =>
        (filter.route === undefined || filter.route === 'any' || r.route === filter.route) &&
        (filter.videoId === undefined || r.videoId === filter.videoId),
    );
  }

  /** Request counts per route. */
  byRoute(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.#requests) out[r.route] = (out[r.route] ?? 0) + 1;
    return out;
  }

  completion(id: string): CompletionRecord | undefined {
    return this.#completions.get(id);
  }

  completions(): readonly CompletionRecord[] {
    return [...this.#completions.values()];
  }

  /** Finish → first answer that told a client about it; undefined until then. */
  detectionLatencyMs(id: string): number | undefined {
    const c = this.#completions.get(id);
    return c?.firstReportedAtMs === undefined ? undefined : c.firstReportedAtMs - c.finishedAtMs;
  }

  /** Forget everything seen so far (e.g. after a warm-up). */
  reset(): void {
    this.#requests.length = 0;
    this.#completions.clear();
  }

  /** @internal */
  recordRequest(record: RequestRecord): RequestRecord {
    if (this.#requests.length >= MAX_RECORDS) this.#requests.splice(0, MAX_RECORDS / 10);
    this.#requests.push(record);
    return record;
  }

  /** @internal */
  recordFinish(job: SimJob): void {
    if (job.state !== 'completed' && job.state !== 'failed' && job.state !== 'cancelled') return;
    const finishedAtMs = job.finishedAtMs ?? Date.now();
    this.#completions.set(job.id, {
      id: job.id,
      state: job.state,
      createdAtMs: job.createdAtMs,
      startedAtMs: job.startedAtMs,
      finishedAtMs,
      durationMs: finishedAtMs - job.createdAtMs,
      firstReportedAtMs: undefined,
    });
  }

  /** @internal A 2xx answer showed this job in a finished state. */
  recordReported(job: SimJob, at: number): void {
    const c = this.#completions.get(job.id);
    if (c && c.firstReportedAtMs === undefined) c.firstReportedAtMs = at;
  }
}
