import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskMediaKeeper, mediaKey } from '../../src/engine/media-keeper.ts';

const DAY = 86_400_000;

describe('the gallery media keeper', () => {
  let dir: string;
  let now: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'reelbot-media-'));
    now = 1_800_000_000_000;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const keeper = (o: { retentionDays?: number; maxBytes?: number } = {}) =>
    new DiskMediaKeeper({
      dir: join(dir, 'gallery'),
      retentionMs: (o.retentionDays ?? 7) * DAY,
      maxBytes: o.maxBytes ?? 1_000_000,
      now: () => now,
    });
  const download = (name: string, bytes: number) => {
    const path = join(dir, name);
    writeFileSync(path, Buffer.alloc(bytes, 1));
    return path;
  };

  it('keeps the MP4 and a small WebP still, and finds them by either spelling of the id', async () => {
    const big = await sharp({ create: { width: 1280, height: 720, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const k = keeper();
    await k.keep({
      videoId: 'video_abc',
      file: download('a.mp4', 1000),
      thumbnail: { data: big, contentType: 'image/png' },
    });
    expect(k.video('abc')?.bytes).toBe(1000);
    const thumb = k.thumbnail('video_abc');
    expect(thumb?.contentType).toBe('image/webp');
    const meta = await sharp(thumb!.path).metadata();
    expect(meta.width).toBe(320);
    expect(k.stats()).toMatchObject({ videos: 1, videoBytes: 1000, thumbnails: 1 });
  });

  it('drops MP4s past the retention but keeps their thumbnails', async () => {
    const k = keeper({ retentionDays: 7 });
    const png = await sharp({ create: { width: 64, height: 36, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    await k.keep({
      videoId: 'old',
      file: download('o.mp4', 10),
      thumbnail: { data: png, contentType: 'image/png' },
    });
    now += 8 * DAY;
    await k.keep({ videoId: 'new', file: download('n.mp4', 10) });
    expect(k.video('old')).toBeUndefined();
    expect(k.thumbnail('old')).toBeDefined();
    expect(k.video('new')).toBeDefined();
    expect(await readdir(join(dir, 'gallery'))).not.toContain(`${mediaKey('old')}.mp4`);
  });

  it('keeps under the disk cap by removing the oldest MP4s first', async () => {
    const k = keeper({ maxBytes: 250 });
    for (const id of ['a', 'b', 'c']) {
      await k.keep({ videoId: id, file: download(`${id}.mp4`, 100) });
      now += 1000;
    }
    expect(k.video('a')).toBeUndefined();
    expect(k.video('b')).toBeDefined();
    expect(k.video('c')).toBeDefined();
    expect(k.stats().videoBytes).toBe(200);
  });

  it('reads what was kept before a restart', async () => {
    await keeper().keep({ videoId: 'v1', file: download('v.mp4', 42) });
    const again = keeper();
    await again.load();
    expect(again.video('v1')?.bytes).toBe(42);
  });
});
