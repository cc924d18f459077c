/**
 * Everything a request handler needs about one running simulator.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CharacterStore } from './character-store.ts';
import type { DialectProfile, VideoView } from './dialects/dialect-profile.ts';
import type { JobBoard } from './job-board.ts';
import type { MediaCache } from './media-cache.ts';
import { ASSET_PATH_PREFIX } from './route-table.ts';
import type { SeededRandom } from './seeded-random.ts';
import { progressOf, type SimJob, statusOf } from './sim-job.ts';
import type { ResolvedSimulatorOptions } from './simulator-options.ts';
import type { SimulatorStats } from './simulator-stats.ts';

export interface SimContext {
  readonly options: ResolvedSimulatorOptions;
  readonly dialect: DialectProfile;
  readonly board: JobBoard;
  readonly characters: CharacterStore;
  readonly media: MediaCache;
  readonly stats: SimulatorStats;
  readonly rng: SeededRandom;
  /** `http://127.0.0.1:<port>`, set once listening. */
  origin: string;
  /** Signs asset links so they work without the key but cannot be guessed. */
  readonly assetSecret: Buffer;
}

export function assetSignature(ctx: SimContext, id: string): string {
  return createHmac('sha256', ctx.assetSecret).update(id).digest('hex').slice(0, 32);
}

export function assetSignatureValid(ctx: SimContext, id: string, sig: string | null): boolean {
  const want = Buffer.from(assetSignature(ctx, id));
  const got = Buffer.from(sig ?? '');
  return got.length === want.length && timingSafeEqual(got, want);
}

export function assetUrl(ctx: SimContext, id: string): string {
  return `${ctx.origin}${ASSET_PATH_PREFIX}${encodeURIComponent(id)}.mp4?sig=${assetSignature(ctx, id)}`;
}

/** Find a job by id, also when a dialect's client drops the `video_` prefix. */
export function findJob(ctx: SimContext, id: string | undefined): SimJob | undefined {
  if (!id) return undefined;
  return ctx.board.get(id) ?? ctx.board.get(`video_${id}`);
}

/** The job written in this dialect at this instant; counts the answer. */
export async function wireVideo(ctx: SimContext, job: SimJob): Promise<Record<string, unknown>> {
  if (ctx.dialect.needsVideoBytes && job.state === 'completed' && job.videoBytes === undefined) {
    await ctx.media.get(job, 'video'); // sets job.videoBytes
  }
  const now = Date.now();
  const status = statusOf(job, now);
  const view: VideoView = {
    job,
    status,
    progress: progressOf(job, now),
    assetUrl: assetUrl(ctx, job.id),
    apiUrl: `${ctx.origin}/v1/videos/${encodeURIComponent(job.id)}`,
    videoBytes: job.videoBytes,
  };
  const wire = ctx.dialect.toWire(view);
  job.answers += 1;
  if (job.state === 'completed' || job.state === 'failed' || job.state === 'cancelled') {
    ctx.stats.recordReported(job, now);
  }
  return wire;
}
