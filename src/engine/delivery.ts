/**
 * Delivery of a finished video: download it once (streamed to `<dataDir>/videos/<jobId>.mp4`)
 * right after completion, hand it to the surface, and mark the job delivered only once the
 * surface confirmed. A failed download and a rejected delivery are each retried with capped
 * exponential backoff (`src/async/retry.ts`) and never dropped; a result that expired before
 * we got it ends as `expired`, refunded.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { retry } from '../async/retry.ts';
import { readCapped } from '../net/read-capped.ts';
import { SourceExpiredError, VideoNotFoundError } from '../video/errors.ts';
import type { Video } from '../video/video.ts';
import type { EngineCore } from './engine-core.ts';
import type { Job } from './job.ts';
import { expiredBeforeDelivery } from './job-errors.ts';
import { backoffMs } from './sleep.ts';
import type { DeliveredVideo, MessageRef } from './surface.ts';

const THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024;
const SHARED_KEY = 'index:shared-files';

/**
 * Takes the result to the chat once. In distributed mode another instance may run the same job
 * after a stall; `guard` (a Redis SET NX) then says whether this one may post it.
 */
export interface DeliveryGuard {
  /** True when this process may post job `jobId`'s result (the first to ask wins). */
  claim(jobId: string): Promise<boolean>;
  /** The post failed or was cut off: let the next try claim it again. */
  release(jobId: string): Promise<void>;
  /** Posted: keep the claim so a duplicate run does not post again. */
  settle(jobId: string): Promise<void>;
}

export class Delivery {
  /** Jobs being delivered right now (one delivery per job at a time). */
  readonly #delivering = new Map<string, Promise<void>>();

  constructor(
    private readonly core: EngineCore,
    private readonly guard?: DeliveryGuard,
  ) {}

  /** Start delivering a completed job (once per job at a time). */
  start(job: Job, video?: Video): void {
    void this.run(job, video);
  }

  /** Deliver a completed job; resolves when it is delivered, or left to a later try. Never throws. */
  run(job: Job, video?: Video): Promise<void> {
    const running = this.#delivering.get(job.id);
    if (running) return running;
    const core = this.core;
    const done = this.#guarded(job.id, video)
      .catch((err: unknown) => core.problem('delivery failed', err, job.id))
      .finally(() => this.#delivering.delete(job.id));
    this.#delivering.set(job.id, done);
    return done;
  }

  /** Delete shared files whose link expired (on start and hourly). */
  sweepSharedFiles(): Promise<number> {
    return sweepSharedFiles(this.core);
  }

  async #guarded(jobId: string, video: Video | undefined): Promise<void> {
    if (!this.guard) {
      await deliver(this.core, jobId, video);
      return;
    }
    if (!(await this.guard.claim(jobId))) {
      this.core.logger.info('result already being posted by another instance', { job: jobId });
      return;
    }
    let delivered = false;
    try {
      delivered = await deliver(this.core, jobId, video);
    } finally {
      await (delivered ? this.guard.settle(jobId) : this.guard.release(jobId));
    }
  }
}

/** Returns true once the surface confirmed and the job is written as delivered. */
async function deliver(core: EngineCore, jobId: string, known?: Video): Promise<boolean> {
  const job = core.active.get(jobId);
  if (!job?.videoId || job.state !== 'completed') return false;
  const file = join(core.deps.dataDir, 'videos', `${jobId}.mp4`);
  const fetched = await fetchResult(core, job, file, known);
  if (!fetched) return false;
  const { bytes, video } = fetched;
  const thumbnail = await fetchThumbnail(core, job, video);
  const lineage = await core.lineage.chain(video.id, job.place.platform);
  let shared = false;
  const fileName = `reelbot-${video.id}.mp4`;
  const delivered: DeliveredVideo = {
    open: () => createReadStream(file),
    bytes,
    contentType: 'video/mp4',
    fileName,
    lineage,
    share: async () => {
      const share = core.deps.fileShare;
      if (!share) return undefined;
      const expiresAt = job.resultExpiresAt ?? core.now() + 24 * 3_600_000;
      const link = await share.publish({ path: file, fileName, contentType: 'video/mp4', expiresAt });
      if (link) {
        shared = true;
        await rememberShared(core, file, expiresAt);
      }
      return link;
    },
  };
  if (thumbnail) delivered.thumbnail = thumbnail;

  let tries = 0;
  let ref: MessageRef | undefined;
  const { deliveryRetryBaseMs, deliveryRetryMaxMs } = core.deps.timing;
  const ok = await core.notifier.final(
    jobId,
    'completed',
    async (surface, view) => {
      tries += 1;
      ref = await surface.jobCompleted(view, delivered);
    },
    { attempts: 0, baseMs: deliveryRetryBaseMs, maxMs: deliveryRetryMaxMs },
  );
  if (!ok) return false; // stopping: the job stays `completed` and is delivered after restart
  // The link and the recent-videos entry are written before the job is marked delivered: whoever
  // sees `delivered` (a remix of the result, its lineage, autocomplete) finds them, and a crash
  // in between leaves the job `completed`, so both are written again with the delivery.
  await afterDelivery(core, core.active.get(jobId) ?? job, video.id, ref).catch((err: unknown) =>
    core.problem('bookkeeping after delivery', err, jobId),
  );
  const patch: Partial<Job> = {
    state: 'delivered',
    deliveredAt: core.now(),
    attempts: { ...job.attempts, delivery: job.attempts.delivery + tries },
  };
  if (ref?.messageRef) patch.resultMessageRef = ref.messageRef;
  const done = await core.update(jobId, patch);
  core.events.emit('delivered', done);
  // The gallery's copy: a failure costs only the gallery's player, never the delivery.
  await core.deps.media
    ?.keep({ videoId: video.id, file, thumbnail })
    .catch((err: unknown) => core.problem('keeping media for the gallery', err, jobId));
  if (!shared && !core.deps.keepFiles) await rm(file, { force: true });
  return true;
}

/**
 * Download the MP4 once, retried (with the one retry loop) on any error until it works, the
 * result expires or the engine stops. The only retrier of the MP4 stream (the transport does not
 * retry streams); a status check the transport already gave up on is re-run by the next try.
 */
async function fetchResult(core: EngineCore, job: Job, file: string, known?: Video) {
  let video = known;
  const existing = await stat(file).catch(() => undefined);
  const { deliveryRetryBaseMs: base, deliveryRetryMaxMs: max } = core.deps.timing;
  const gone = (err: unknown) =>
    err instanceof SourceExpiredError ||
    err instanceof VideoNotFoundError ||
    (job.resultExpiresAt !== undefined && core.now() >= job.resultExpiresAt);
  try {
    return await retry(
      async () => {
        if (!video) {
          const id = job.videoId!;
          video = await core.upstream('retrieve', job.id, () =>
            core.clientFor(job).retrieve(id, { signal: core.abort.signal }),
          );
        }
        // A complete file from before a restart is reused: it was only renamed into place once verified.
        if (existing && existing.size > 0) return { bytes: existing.size, video };
        const bytes = await downloadTo(core, job, video, file);
        return { bytes, video };
      },
      {
        attempts: 0,
        retryable: (err) => !gone(err),
        // Capped at a minute, or lower when the delivery backoff is configured lower.
        delayMs: (attempt) => backoffMs(attempt, base, Math.min(max, 60_000)),
        onRetry: (err, attempt) =>
          core.logger.warn('download failed, will retry', { job: job.id, attempt, err }),
        signal: core.abort.signal,
      },
    );
  } catch (err) {
    if (core.abort.signal.aborted) return undefined;
    if (!gone(err)) throw err;
    await core.fail(job, expiredBeforeDelivery(), { refund: true, state: 'expired' });
    return undefined;
  }
}

async function downloadTo(core: EngineCore, job: Job, video: Video, file: string): Promise<number> {
  await mkdir(join(core.deps.dataDir, 'videos'), { recursive: true });
  const part = `${file}.part`;
  const download = await core.upstream('download', job.id, () =>
    core.clientFor(job).download(video, 'video', { signal: core.abort.signal }),
  );
  await pipeline(download.body, createWriteStream(part));
  const { size } = await stat(part);
  if (size === 0 || (download.contentLength !== undefined && size !== download.contentLength)) {
    await rm(part, { force: true });
    throw new Error(
      `download incomplete: got ${size} bytes, expected ${download.contentLength ?? 'more than 0'}`,
    );
  }
  await rename(part, file);
  return size;
}

async function fetchThumbnail(
  core: EngineCore,
  job: Job,
  video: Video,
): Promise<DeliveredVideo['thumbnail']> {
  try {
    const d = await core.upstream('download', job.id, () =>
      core.clientFor(job).download(video, 'thumbnail', { signal: core.abort.signal }),
    );
    const data = await readCapped(d.body, THUMBNAIL_MAX_BYTES);
    if (data === 'too_large') return undefined;
    const ext = d.contentType.includes('png') ? 'png' : d.contentType.includes('jpeg') ? 'jpg' : 'webp';
    return {
      data,
      contentType: d.contentType,
      fileName: `reelbot-${video.id}.${ext}`,
    };
  } catch (err) {
    core.logger.debug('no thumbnail', { job: job.id, err });
    return undefined;
  }
}

async function afterDelivery(core: EngineCore, job: Job, videoId: string, ref: MessageRef | undefined) {
  if (ref?.link) await core.lineage.setLink(videoId, job.place.platform, ref.link);
  else if (job.place.link) await core.lineage.setLink(videoId, job.place.platform, job.place.link);
  const link = ref?.link ?? job.place.link;
  await core.jobs.addRecent(job.place.platform, job.place.workspaceId, {
    videoId,
    jobId: job.id,
    prompt: job.prompt,
    requester: job.requester.displayName,
    createdAt: job.createdAt,
    userId: job.requester.userId,
    channelId: job.place.channelId,
    ...(link ? { link } : {}),
  });
}

interface SharedFile {
  path: string;
  expiresAt: number;
}

async function rememberShared(core: EngineCore, path: string, expiresAt: number): Promise<void> {
  await core.mutex.run(SHARED_KEY, async () => {
    const list = (await core.deps.store.get<SharedFile[]>(SHARED_KEY)) ?? [];
    await core.deps.store.set(SHARED_KEY, [...list.filter((f) => f.path !== path), { path, expiresAt }]);
  });
}

async function sweepSharedFiles(core: EngineCore): Promise<number> {
  return core.mutex.run(SHARED_KEY, async () => {
    const list = (await core.deps.store.get<SharedFile[]>(SHARED_KEY)) ?? [];
    const now = core.now();
    const expired = list.filter((f) => f.expiresAt <= now);
    if (expired.length === 0) return 0;
    for (const f of expired) await rm(f.path, { force: true });
    await core.deps.store.set(
      SHARED_KEY,
      list.filter((f) => f.expiresAt > now),
    );
    return expired.length;
  });
}
