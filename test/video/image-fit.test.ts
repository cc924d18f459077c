import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { InvalidParameterError } from '../../src/video/errors.ts';
import { fitImage, sniffImage } from '../../src/video/image-fit.ts';

const solid = (width: number, height: number, channels: 3 | 4 = 3) =>
  sharp({
    create: {
      width,
      height,
      channels,
      background: channels === 4 ? { r: 10, g: 200, b: 30, alpha: 0.5 } : { r: 200, g: 20, b: 30 },
    },
  });

/** A real PNG whose header claims `width`x`height` (decompression bomb shape) without the pixels. */
async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await solid(8, 8).png().toBuffer());
  // IHDR data starts after the 8-byte signature, 4-byte length and 4-byte type.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

async function expectInvalid(promise: Promise<unknown>, pattern: RegExp) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidParameterError);
  expect((err as InvalidParameterError).message).toMatch(pattern);
  expect((err as InvalidParameterError).param).toBe('input_reference');
}

describe('fitImage', () => {
  it('keeps an image of exactly the requested size, as JPEG, not marked fitted', async () => {
    const out = await fitImage(await solid(128, 72).jpeg().toBuffer(), '128x72');
    expect(out.fitted).toBe(false);
    expect(out.contentType).toBe('image/jpeg');
    expect(out.fileName).toMatch(/\.jpg$/);
    const meta = await sharp(out.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 128, 72]);
  });

  it('resizes and centre-crops an image of another resolution to the chosen size (not refused)', async () => {
    const out = await fitImage(await solid(300, 300).png().toBuffer(), '160x90');
    expect(out.fitted).toBe(true);
    const meta = await sharp(out.data).metadata();
    expect([meta.width, meta.height]).toEqual([160, 90]);
  });

  it('keeps transparency as PNG', async () => {
    const out = await fitImage(await solid(64, 64, 4).png().toBuffer(), '90x160');
    expect(out.contentType).toBe('image/png');
    const meta = await sharp(out.data).metadata();
    expect([meta.format, meta.width, meta.height, meta.hasAlpha]).toEqual(['png', 90, 160, true]);
  });

  it('turns the first frame of a GIF and a WebP into a fitted JPEG', async () => {
    for (const input of [await solid(50, 40).gif().toBuffer(), await solid(50, 40).webp().toBuffer()]) {
      const out = await fitImage(input, '100x80');
      expect(out.contentType).toBe('image/jpeg');
      expect((await sharp(out.data).metadata()).width).toBe(100);
    }
  });

  it('applies EXIF rotation and strips metadata', async () => {
    // Stored 200x100, EXIF orientation 6 (rotate 90°): upright it is 100x200.
    const rotated = await solid(200, 100).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const out = await fitImage(rotated, '100x200');
    expect(out.fitted).toBe(false);
    const meta = await sharp(out.data).metadata();
    expect([meta.width, meta.height, meta.orientation, meta.exif]).toEqual([100, 200, undefined, undefined]);
  });

  it('refuses a file that is not an image, whatever it claims', async () => {
    await expectInvalid(fitImage(Buffer.from('%PDF-1.7 not a picture'), '1280x720'), /not an image/);
    await expectInvalid(fitImage(new Uint8Array(), '1280x720'), /not an image/);
  });

  it('refuses an image over the byte limit before decoding it', async () => {
    const png = await solid(64, 64).png().toBuffer();
    await expectInvalid(fitImage(png, '64x64', { maxBytes: 100 }), /limit is .* Use a smaller image/);
  });

  it('refuses a decompression bomb by its pixel count', async () => {
    await expectInvalid(fitImage(await pngClaiming(30_000, 30_000), '1280x720'), /too many pixels/);
  });

  it('refuses a damaged image with a clear sentence', async () => {
    const png = await solid(64, 64).png().toBuffer();
    await expectInvalid(fitImage(png.subarray(0, 40), '64x64'), /could not be read/);
  });
});

describe('sniffImage', () => {
  it('recognises formats by magic bytes only', async () => {
    expect(sniffImage(await solid(4, 4).png().toBuffer())).toBe('png');
    expect(sniffImage(await solid(4, 4).jpeg().toBuffer())).toBe('jpeg');
    expect(sniffImage(await solid(4, 4).webp().toBuffer())).toBe('webp');
    expect(sniffImage(await solid(4, 4).gif().toBuffer())).toBe('gif');
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
  });
});
