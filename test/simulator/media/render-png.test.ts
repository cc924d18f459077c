import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderSpritesheetPng, renderThumbnailPng } from '../../../src/simulator/media/render-png.ts';
import { cardSpec } from './card-fixtures.ts';

interface PngChunk {
  type: string;
  data: Buffer;
}

function readChunks(png: Buffer): PngChunk[] {
  const chunks: PngChunk[] = [];
  let at = 8;
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    chunks.push({
      type: png.toString('latin1', at + 4, at + 8),
      data: png.subarray(at + 8, at + 8 + length),
    });
    at += 12 + length;
  }
  return chunks;
}

async function pixel(png: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const o = (y * info.width + x) * info.channels;
  return [data[o]!, data[o + 1]!, data[o + 2]!];
}

describe('renderThumbnailPng', () => {
  it('writes an 8-bit RGB PNG of the video size: signature, IHDR, image data, IEND', async () => {
    const png = await renderThumbnailPng(cardSpec({ width: 480, height: 480 }));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const types = readChunks(png).map((c) => c.type);
    expect(types[0]).toBe('IHDR');
    expect(types).toContain('IDAT');
    expect(types.at(-1)).toBe('IEND');
    const ihdr = readChunks(png)[0]!.data;
    // width, height, bit depth 8, colour type 2 (RGB, no alpha), no interlace
    expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9], ihdr[12]]).toEqual([
      480, 480, 8, 2, 0,
    ]);
  });

  it('keeps small videos at full size and scales wide ones down to 640 px, keeping the aspect', async () => {
    expect(
      await sharp(await renderThumbnailPng(cardSpec({ width: 480, height: 480 }))).metadata(),
    ).toMatchObject({
      width: 480,
      height: 480,
    });
    expect(
      await sharp(await renderThumbnailPng(cardSpec({ width: 1920, height: 1080 }))).metadata(),
    ).toMatchObject({
      width: 640,
      height: 360,
    });
    expect(
      await sharp(await renderThumbnailPng(cardSpec({ width: 720, height: 1280 }))).metadata(),
    ).toMatchObject({
      width: 640,
      height: 1138,
    });
  });

  it('paints the background colour in the corners and the foreground somewhere in the text', async () => {
    const spec = cardSpec({
      width: 640,
      height: 360,
      background: [200, 30, 40],
      foreground: [250, 250, 250],
    });
    const png = await renderThumbnailPng(spec);
    expect(await pixel(png, 0, 0)).toEqual([200, 30, 40]);
    expect(await pixel(png, 639, 359)).toEqual([200, 30, 40]);
    const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    let foreground = 0;
    for (let i = 0; i < data.length; i += 3) if (data[i] === 250 && data[i + 1] === 250) foreground++;
    expect(foreground).toBeGreaterThan(500);
  });

  it('gives different prompts different pictures and the same prompt the same bytes', async () => {
    const a = await renderThumbnailPng(cardSpec({ title: 'A red fox in the snow' }));
    const b = await renderThumbnailPng(cardSpec({ title: 'A blue whale at dawn' }));
    expect(Buffer.compare(a, b)).not.toBe(0);
    expect(Buffer.compare(a, await renderThumbnailPng(cardSpec({ title: 'A red fox in the snow' })))).toBe(0);
    expect(await pixel(a, 0, 0)).not.toEqual(await pixel(b, 0, 0));
  });

  it('shows a remix (new line, new colours) as a visibly different picture', async () => {
    const original = cardSpec();
    const remix = cardSpec({ lines: ['remix: make it night', 'video_456'], background: [15, 20, 70] });
    const [a, b] = await Promise.all(
      [original, remix].map(async (s) =>
        sharp(await renderThumbnailPng(s))
          .raw()
          .toBuffer(),
      ),
    );
    let differing = 0;
    for (let i = 0; i < a!.length; i++) if (a![i] !== b![i]) differing++;
    expect(differing / a!.length).toBeGreaterThan(0.5);
  });
});

describe('renderSpritesheetPng', () => {
  it('lays four frames in a 2x2 grid of tiles at most 256 px wide', async () => {
    const meta = await sharp(await renderSpritesheetPng(cardSpec({ width: 1280, height: 720 }))).metadata();
    expect([meta.width, meta.height]).toEqual([512, 288]);
    const small = await sharp(await renderSpritesheetPng(cardSpec({ width: 200, height: 100 }))).metadata();
    expect([small.width, small.height]).toEqual([400, 200]);
  });

  it('shows the clip progressing: the tiles differ from each other', async () => {
    const { data, info } = await sharp(await renderSpritesheetPng(cardSpec()))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const tileW = info.width / 2;
    const tileH = info.height / 2;
    const tile = (col: number, row: number) => {
      const out: number[] = [];
      for (let y = 0; y < tileH; y++) {
        const o = ((row * tileH + y) * info.width + col * tileW) * 3;
        out.push(...data.subarray(o, o + tileW * 3));
      }
      return Buffer.from(out);
    };
    const first = tile(0, 0);
    expect(Buffer.compare(first, tile(1, 0))).not.toBe(0);
    expect(Buffer.compare(tile(1, 0), tile(1, 1))).not.toBe(0);
  });
});
