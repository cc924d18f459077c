/**
 * Prepares a user's image as the first frame of an image-to-video request.
 * Upstreams demand the image resolution equal the video size; instead of refusing other
 * resolutions, images are resized and centre-cropped to exactly the chosen size.
 */
import { InvalidParameterError } from './errors.ts';

export interface FitImageOptions {
  /** Largest input file accepted. @default 20 MiB */
  maxBytes?: number;
  /** Largest decoded pixel count accepted (decompression-bomb guard). @default 50 megapixels */
  maxPixels?: number;
}

export const DEFAULT_FIT_IMAGE_OPTIONS = {
  maxBytes: 20 * 1024 * 1024,
  maxPixels: 50_000_000,
} as const satisfies Required<FitImageOptions>;

export interface FittedImage {
  data: Buffer;
  contentType: 'image/png' | 'image/jpeg' | 'image/webp';
  fileName: string;
  /** True when the image was resized or cropped to fit. */
  fitted: boolean;
}

type ImageKind = 'png' | 'jpeg' | 'webp' | 'gif';

/** Recognise the formats we accept by their first bytes (never by file name or declared type). */
export function sniffImage(data: Uint8Array): ImageKind | undefined {
  const b = Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, 16));
  if (
    b.length >= 8 &&
    b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    return 'png';
  }
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
    return 'webp';
  }
  if (b.length >= 6 && /^GIF8[79]a$/.test(b.toString('latin1', 0, 6))) return 'gif';
  return undefined;
}

function parseSize(size: string): { width: number; height: number } {
  const m = /^(\d{2,5})x(\d{2,5})$/.exec(size);
  if (!m) throw new InvalidParameterError(`The size "${size}" is not WIDTHxHEIGHT.`, { param: 'size' });
  return { width: Number(m[1]), height: Number(m[2]) };
}

/**
 * Check `data` is a real image and fit it to `size` (`WxH`): EXIF rotation applied, resized
 * with centre crop, metadata stripped; PNG when it has transparency, JPEG (q90) otherwise.
 * GIFs use their first frame. Throws {@link InvalidParameterError} with what to do.
 */
export async function fitImage(
  data: Uint8Array,
  size: string,
  opts: FitImageOptions = {},
): Promise<FittedImage> {
  const o = { ...DEFAULT_FIT_IMAGE_OPTIONS, ...opts };
  const target = parseSize(size);
  if (data.byteLength > o.maxBytes) {
    const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;
    throw new InvalidParameterError(
      `The image is ${mib(data.byteLength)}; the limit is ${mib(o.maxBytes)}. Use a smaller image.`,
      { param: 'input_reference' },
    );
  }
  if (sniffImage(data) === undefined) {
    throw new InvalidParameterError('That file is not an image. Attach a PNG, JPEG or WebP picture.', {
      param: 'input_reference',
    });
  }
  const input = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const sharp = await loadSharp();
  const { oriented, hasAlpha } = await readImage(sharp, input, o.maxPixels);
  // GIFs and many PNGs carry an alpha channel that is fully opaque; only real transparency needs PNG.
  const transparent =
    hasAlpha && !(await sharp(input, { limitInputPixels: o.maxPixels, pages: 1 }).stats()).isOpaque;
  const pipeline = sharp(input, { limitInputPixels: o.maxPixels, pages: 1 })
    .rotate() // applies EXIF orientation; output carries no metadata unless asked
    .resize(target.width, target.height, { fit: 'cover', position: 'centre' });
  const fitted = oriented.width !== target.width || oriented.height !== target.height;
  const out = transparent
    ? {
        data: await pipeline.png().toBuffer(),
        contentType: 'image/png' as const,
        fileName: 'input_reference.png',
      }
    : {
        data: await pipeline.jpeg({ quality: 90 }).toBuffer(),
        contentType: 'image/jpeg' as const,
        fileName: 'input_reference.jpg',
      };
  return { ...out, fitted };
}

/** Decode the header (pixel limit enforced) and report the upright size and transparency. */
async function readImage(sharp: Sharp, input: Buffer, maxPixels: number) {
  try {
    const meta = await sharp(input, { limitInputPixels: maxPixels, pages: 1 }).metadata();
    const width = meta.width ?? 0;
    const height = meta.height ?? 0;
    if (width * height > maxPixels) throw new Error('Input image exceeds pixel limit');
    // Orientations 5-8 swap width and height.
    const swapped = (meta.orientation ?? 1) >= 5;
    return {
      oriented: swapped ? { width: height, height: width } : { width, height },
      hasAlpha: meta.hasAlpha === true,
    };
  } catch (err) {
    const tooBig = /pixel limit/i.test(String((err as Error).message));
    throw new InvalidParameterError(
      tooBig
        ? `The image has too many pixels (over ${Math.round(maxPixels / 1_000_000)} megapixels). Use a smaller picture.`
        : 'The image could not be read; it may be damaged. Attach a different PNG, JPEG or WebP picture.',
      { param: 'input_reference', cause: err },
    );
  }
}

type Sharp = typeof import('sharp').default;

/** libvips costs ~20 MB of memory once loaded: load it when an image is actually fitted. */
export async function loadSharp(): Promise<Sharp> {
  return (await import('sharp')).default;
}
