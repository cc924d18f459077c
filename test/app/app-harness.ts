/**
 * Shared pieces for the operations tests: fast engine timings, a recording surface, waiting
 * for a condition with a deadline, and reading a Prometheus page.
 */
import type { EngineOptions } from '../../src/engine/engine-options.ts';
import type { JobError } from '../../src/engine/job.ts';
import type { DeliveredVideo, JobView, MessageRef, Surface } from '../../src/engine/surface.ts';
import { FAST_POLL_TIMING } from '../support/fast-poll-timing.ts';

/** Engine timings that make a simulator job take well under a second. */
export const FAST_TIMING: NonNullable<EngineOptions['timing']> = {
  progressIntervalMs: 20,
  poll: FAST_POLL_TIMING,
  rateLimitBackoffMs: 50,
  unknownSubmitCheckMs: 50,
  deliveryRetryBaseMs: 20,
  deliveryRetryMaxMs: 200,
  surfaceRetryBaseMs: 10,
  surfaceRetryMaxMs: 100,
  fallbackMsPerVideoSecond: 50,
};

/** Simulator timing to match. */
export const FAST_SIM = { queuedMs: 20, msPerVideoSecond: 15, minRunMs: 60, jitter: 0 } as const;

/** A surface that keeps everything it was asked to show, and can publish oversized videos. */
export class RecordingSurface implements Surface {
  /** Everything shown, serialised, in order. */
  readonly shown: string[] = [];
  readonly failures: JobError[] = [];
  readonly delivered: Array<{ jobId: string; video: DeliveredVideo; link: string | undefined }> = [];

  constructor(private readonly share = false) {}

  async jobAccepted(view: JobView): Promise<MessageRef> {
    this.shown.push(JSON.stringify(view));
    return { messageRef: `m-${view.job.id}` };
  }

  async jobProgress(view: JobView): Promise<void> {
    this.shown.push(JSON.stringify(view));
  }

  async jobCompleted(view: JobView, video: DeliveredVideo): Promise<MessageRef | undefined> {
    const link = this.share ? await video.share() : undefined;
    this.shown.push(JSON.stringify({ view, lineage: video.lineage, fileName: video.fileName, link }));
    this.delivered.push({ jobId: view.job.id, video, link });
    return { messageRef: `r-${view.job.id}` };
  }

  async jobFailed(view: JobView, error: JobError): Promise<void> {
    this.failures.push(error);
    this.shown.push(JSON.stringify({ view, error }));
  }

  async jobCancelled(view: JobView, by: { userId: string; displayName: string }): Promise<void> {
    this.shown.push(JSON.stringify({ view, by }));
  }
}

/** Resolve with `check()`'s first truthy value; reject after `timeoutMs` naming `what`. */
export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The value of one sample on a Prometheus page, e.g. `sample(page, 'reelbot_jobs', { state: 'delivered' })`. */
export function sample(page: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of page.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries(
      [...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}
