/**
 * The terminal as a surface: a progress bar on a TTY, plain lines otherwise, and the
 * finished MP4 written to the requested file. Jobs of earlier, interrupted CLI runs
 * that the engine resumes are saved under `<dataDir>/cli/` and named on stderr.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { JobError } from '../../engine/job.ts';
import type { DeliveredVideo, JobView, MessageRef, Surface } from '../../engine/surface.ts';
import { formatDuration } from '../../presentation/format-duration.ts';
import { jobErrorText } from '../../presentation/job-error-text.ts';
import { presentJob } from '../../presentation/job-presentation.ts';

export interface CliSurfaceOptions {
  /** Where progress goes. @default process.stderr */
  err?: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean };
  /** Output file per job id (the job this run asked for). */
  outputs: Map<string, string>;
  /** For resumed jobs of earlier runs. */
  fallbackDir: string;
}

export interface SavedVideo {
  jobId: string;
  path: string;
  bytes: number;
}

/** The CLI speaks English (it has no user locale to follow). */
export const CLI_LOCALE = 'en';

/** One progress line: the same state label, bar and timing as the chat platforms show. */
function describe(view: JobView): string {
  const p = presentJob(view, { time: (ms) => `in ${formatDuration(Math.max(0, ms - Date.now()))}` });
  return [p.title, p.progressBar, p.timing].filter(Boolean).join(' · ');
}

export class CliSurface implements Surface {
  readonly saved: SavedVideo[] = [];
  /** Deliveries wait for this (the submit that registers this run's output file). */
  beforeDeliver: Promise<unknown> = Promise.resolve();
  readonly #err: NonNullable<CliSurfaceOptions['err']>;
  readonly #outputs: Map<string, string>;
  readonly #fallbackDir: string;
  #lastLine = '';
  /** Jobs whose failure or cancellation has been printed, and who waits for that. */
  readonly #ended = new Set<string>();
  readonly #endWaiters = new Map<string, () => void>();

  constructor(options: CliSurfaceOptions) {
    this.#err = options.err ?? process.stderr;
    this.#outputs = options.outputs;
    this.#fallbackDir = options.fallbackDir;
  }

  async jobAccepted(view: JobView): Promise<MessageRef> {
    const { job } = view;
    const label = job.simulated ? ' [simulated upstream]' : '';
    this.#line(`${job.id}: accepted${label} - ${job.kind} ${job.size} ${job.seconds}s ${job.model}`, true);
    return { messageRef: job.id };
  }

  async jobProgress(view: JobView): Promise<void> {
    this.#line(`${view.job.id}: ${describe(view)}`);
  }

  async jobCompleted(view: JobView, video: DeliveredVideo): Promise<MessageRef | undefined> {
    const { job } = view;
    await this.beforeDeliver.catch(() => undefined);
    const target = this.#outputs.get(job.id) ?? join(this.#fallbackDir, video.fileName);
    await mkdir(dirname(resolve(target)), { recursive: true });
    // Write beside the target and rename, so a crash never leaves a half file under the real name.
    const partial = `${target}.part`;
    try {
      await pipeline(video.open(), createWriteStream(partial));
      const { size } = await stat(partial);
      if (size !== video.bytes) throw new Error(`wrote ${size} of ${video.bytes} bytes`);
      await rename(partial, target);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    this.saved.push({ jobId: job.id, path: target, bytes: video.bytes });
    const lineage = video.lineage.length > 1 ? ` (remix of ${video.lineage[1]?.videoId})` : '';
    this.#line(`${job.id}: saved ${target} (${video.bytes} bytes, video ${job.videoId})${lineage}`, true);
    return { messageRef: target };
  }

  async jobFailed(view: JobView, error: JobError): Promise<void> {
    this.#line(`${view.job.id}: failed - ${jobErrorText(CLI_LOCALE, error)}`, true);
    this.#markEnded(view.job.id);
  }

  async jobCancelled(view: JobView, by: { displayName: string }): Promise<void> {
    this.#line(`${view.job.id}: cancelled by ${by.displayName}`, true);
    this.#markEnded(view.job.id);
  }

  /**
   * Resolves once this job's failure or cancellation has been printed. The engine tells the
   * surface just after it records the end, so a caller that stops the engine on the state
   * change alone would cut the reason off.
   */
  ended(jobId: string): Promise<void> {
    if (this.#ended.has(jobId)) return Promise.resolve();
    return new Promise((resolveEnded) => this.#endWaiters.set(jobId, resolveEnded));
  }

  #markEnded(jobId: string): void {
    // Told on the next turn of the event loop: the engine first records that the notice was
    // sent (its bookkeeping runs on this turn), so a caller that stops on `ended` does not cut
    // it off and make the next run print the notice again.
    setImmediate(() => this.#settle(jobId));
  }

  #settle(jobId: string): void {
    this.#ended.add(jobId);
    this.#endWaiters.get(jobId)?.();
    this.#endWaiters.delete(jobId);
  }

  /** On a TTY, progress overwrites one line; elsewhere every change is its own line. */
  #line(text: string, final = false): void {
    const tty = 'isTTY' in this.#err && this.#err.isTTY === true;
    if (tty) {
      const pad = this.#lastLine.length > text.length ? ' '.repeat(this.#lastLine.length - text.length) : '';
      this.#err.write(`\r${text}${pad}${final ? '\n' : ''}`);
      this.#lastLine = final ? '' : text;
    } else if (text !== this.#lastLine) {
      this.#err.write(`${text}\n`);
      this.#lastLine = text;
    }
  }
}
