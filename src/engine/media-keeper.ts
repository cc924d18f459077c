/**
 * Media kept after delivery for the team gallery: a small still per video (kept) and the MP4
 * (kept for a retention period, under a disk cap, oldest out first). Files live under
 * `<dir>/<key>.mp4` and `<dir>/<key>.webp`, `<key>` a hash of the video id (upstream ids may
 * hold `/`, `+` or `=`), so the disk is the index: a restart re-reads it.
 */
import { createHash } from 'node:crypto';
import { copyFile, link, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/logger.ts';
import { silentLogger } from '../log/logger.ts';
import { loadSharp } from '../video/image-fit.ts';
import { normaliseVideoId } from './lineage.ts';

/** What delivery hands over once a video is on disk (constructor-injected into the engine). */
export interface MediaKeeper {
  /** Keep `file` (the downloaded MP4) and the thumbnail of `videoId`. Never called twice at once for one video. */
  keep(item: {
    videoId: string;
    file: string;
    thumbnail?: { data: Buffer; contentType: string } | undefined;
  }): Promise<void>;
  /** Drop MP4s past the retention or over the cap. Resolves with how many were removed. */
  sweep(): Promise<number>;
  /** Remove everything kept of `videoId` (its result was deleted). */
  forget(videoId: string): Promise<void>;
}

export interface MediaKeeperOptions {
  dir: string;
  /** MP4s older than this are removed. */
  retentionMs: number;
  /** Most bytes of MP4s kept; the oldest go first. */
  maxBytes: number;
  logger?: Logger;
  /** @default Date.now */
  now?: () => number;
}

/** One kept file. */
export interface KeptFile {
  path: string;
  bytes: number;
  contentType: string;
}

/** Totals for /metrics. */
export interface MediaStats {
  videos: number;
  videoBytes: number;
  thumbnails: number;
  thumbnailBytes: number;
  retentionMs: number;
  maxBytes: number;
}

/** Thumbnails are shrunk to this width (a gallery card), WebP. */
export const THUMB_WIDTH = 320;

interface Entry {
  video?: { bytes: number; keptAt: number };
  thumb?: { bytes: number };
}

export class DiskMediaKeeper implements MediaKeeper {
  readonly #o: Required<MediaKeeperOptions>;
  readonly #entries = new Map<string, Entry>();
  #loaded: Promise<void> | undefined;

  constructor(options: MediaKeeperOptions) {
    this.#o = { logger: silentLogger, now: Date.now, ...options };
  }

  /** Read what is on disk (once; every other call waits for it). */
  load(): Promise<void> {
    this.#loaded ??= this.#scan();
    return this.#loaded;
  }

  async keep(item: Parameters<MediaKeeper['keep']>[0]): Promise<void> {
    await this.load();
    const key = mediaKey(item.videoId);
    await mkdir(this.#o.dir, { recursive: true });
    const entry = this.#entries.get(key) ?? {};
    if (item.thumbnail && !entry.thumb) {
      const small = await shrink(item.thumbnail.data).catch((err: unknown) => {
        this.#o.logger.debug('thumbnail not kept', { video: item.videoId, err });
        return undefined;
      });
      if (small) {
        const target = join(this.#o.dir, `${key}.webp`);
        await writeFile(`${target}.tmp`, small);
        await rename(`${target}.tmp`, target);
        entry.thumb = { bytes: small.byteLength };
      }
    }
    if (!entry.video) {
      const target = join(this.#o.dir, `${key}.mp4`);
      await rm(target, { force: true });
      // A hard link costs no space while delivery still holds the download; a copy where links fail.
      await link(item.file, target).catch(async () => {
        await copyFile(item.file, `${target}.tmp`);
        await rename(`${target}.tmp`, target);
      });
      const { size } = await stat(target);
      entry.video = { bytes: size, keptAt: this.#o.now() };
    }
    this.#entries.set(key, entry);
    await this.sweep();
  }

  /** The kept MP4 of `videoId`, while it is kept. */
  video(videoId: string): KeptFile | undefined {
    const key = mediaKey(videoId);
    const v = this.#entries.get(key)?.video;
    return v
      ? { path: join(this.#o.dir, `${key}.mp4`), bytes: v.bytes, contentType: 'video/mp4' }
      : undefined;
  }

  /** The kept still of `videoId`. */
  thumbnail(videoId: string): KeptFile | undefined {
    const key = mediaKey(videoId);
    const t = this.#entries.get(key)?.thumb;
    return t
      ? { path: join(this.#o.dir, `${key}.webp`), bytes: t.bytes, contentType: 'image/webp' }
      : undefined;
  }

  stats(): MediaStats {
    const s: MediaStats = {
      videos: 0,
      videoBytes: 0,
      thumbnails: 0,
      thumbnailBytes: 0,
      retentionMs: this.#o.retentionMs,
      maxBytes: this.#o.maxBytes,
    };
    for (const e of this.#entries.values()) {
      if (e.video) {
        s.videos += 1;
        s.videoBytes += e.video.bytes;
      }
      if (e.thumb) {
        s.thumbnails += 1;
        s.thumbnailBytes += e.thumb.bytes;
      }
    }
    return s;
  }

  async forget(videoId: string): Promise<void> {
    await this.load();
    const key = mediaKey(videoId);
    if (!this.#entries.delete(key)) return;
    await rm(join(this.#o.dir, `${key}.mp4`), { force: true });
    await rm(join(this.#o.dir, `${key}.webp`), { force: true });
  }

  async sweep(): Promise<number> {
    await this.load();
    const oldestFirst = [...this.#entries]
      .filter((pair): pair is [string, Entry & { video: NonNullable<Entry['video']> }] => !!pair[1].video)
      .sort((a, b) => a[1].video.keptAt - b[1].video.keptAt);
    const cutoff = this.#o.now() - this.#o.retentionMs;
    let total = oldestFirst.reduce((sum, [, e]) => sum + e.video.bytes, 0);
    let removed = 0;
    for (const [key, entry] of oldestFirst) {
      if (entry.video.keptAt > cutoff && total <= this.#o.maxBytes) break;
      await rm(join(this.#o.dir, `${key}.mp4`), { force: true });
      total -= entry.video.bytes;
      delete (entry as Entry).video;
      removed += 1;
    }
    if (removed > 0) this.#o.logger.info('gallery videos removed', { removed });
    return removed;
  }

  async #scan(): Promise<void> {
    const names = await readdir(this.#o.dir).catch(() => [] as string[]);
    for (const name of names) {
      const m = /^([0-9a-f]{32})\.(mp4|webp)$/.exec(name);
      if (!m) {
        // A copy cut off by a crash: never served, so removed.
        if (name.endsWith('.tmp')) await rm(join(this.#o.dir, name), { force: true });
        continue;
      }
      const info = await stat(join(this.#o.dir, name)).catch(() => undefined);
      if (!info) continue;
      const key = m[1]!;
      const entry = this.#entries.get(key) ?? {};
      if (m[2] === 'mp4') entry.video = { bytes: info.size, keptAt: info.mtimeMs };
      else entry.thumb = { bytes: info.size };
      this.#entries.set(key, entry);
    }
  }
}

/** The file name stem of a video's media: ids differ in their `video_` prefix, so it is dropped first. */
export function mediaKey(videoId: string): string {
  return createHash('sha256').update(normaliseVideoId(videoId)).digest('hex').slice(0, 32);
}

async function shrink(data: Buffer): Promise<Buffer> {
  // Loaded on the first delivery, not at start: an idle bot does not pay for the image library.
  const sharp = await loadSharp();
  return sharp(data, { limitInputPixels: 40_000_000 })
    .resize({ width: THUMB_WIDTH, withoutEnlargement: true })
    .webp({ quality: 70 })
    .toBuffer();
}
