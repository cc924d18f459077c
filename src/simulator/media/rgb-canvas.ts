import type { Rgb } from './card.ts';

/**
 * A packed 8-bit RGB pixel buffer. Its size may exceed the picture (padded to
 * whole macroblocks); drawing is clipped to the buffer.
 */
export interface RgbCanvas {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export function createRgbCanvas(width: number, height: number): RgbCanvas {
  return { width, height, data: new Uint8Array(width * height * 3) };
}

/** Fills the rectangle `[x, x+w) × [y, y+h)`, clipped to the canvas. */
export function fillRect(canvas: RgbCanvas, x: number, y: number, w: number, h: number, color: Rgb): void {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(canvas.width, Math.round(x + w));
  const y1 = Math.min(canvas.height, Math.round(y + h));
  if (x1 <= x0 || y1 <= y0) return;
  const [r, g, b] = color;
  const { data } = canvas;
  const rowBytes = (x1 - x0) * 3;
  const first = (y0 * canvas.width + x0) * 3;
  for (let i = first; i < first + rowBytes; i += 3) {
    data[i] = r;
    data[i + 1] = g;
    data[i + 2] = b;
  }
  // Later rows are copies of the first: far cheaper than per-pixel writes.
  for (let yy = y0 + 1; yy < y1; yy++) {
    data.copyWithin((yy * canvas.width + x0) * 3, first, first + rowBytes);
  }
}

/**
 * Draws a 1-bit bitmap with its top-left corner at `(x, y)`, each bitmap pixel a
 * `scale`×`scale` square: `rows[first..first+count)` are its rows, each `width`
 * bits with the leftmost pixel in the highest of them.
 */
export function fillBitmap(
  canvas: RgbCanvas,
  rows: ArrayLike<number>,
  first: number,
  count: number,
  width: number,
  x: number,
  y: number,
  scale: number,
  color: Rgb,
): void {
  const left = 1 << (width - 1);
  for (let r = 0; r < count; r++) {
    const bits = rows[first + r]!;
    if (bits === 0) continue;
    // Draw horizontal runs, not single pixels: fewer, longer fills.
    let c = 0;
    while (c < width) {
      if (!(bits & (left >> c))) {
        c++;
        continue;
      }
      let end = c + 1;
      while (end < width && bits & (left >> end)) end++;
      fillRect(canvas, x + c * scale, y + r * scale, (end - c) * scale, scale, color);
      c = end;
    }
  }
}

/** Fills a disc of radius `r` centred on `(cx, cy)`. */
export function fillCircle(canvas: RgbCanvas, cx: number, cy: number, r: number, color: Rgb): void {
  for (let dy = -Math.ceil(r); dy <= Math.ceil(r); dy++) {
    const half = Math.sqrt(Math.max(0, r * r - dy * dy));
    if (half <= 0) continue;
    fillRect(canvas, Math.round(cx - half), Math.round(cy + dy), Math.round(2 * half), 1, color);
  }
}

/** Copies the region `[x0, x1) × [y0, y1)` from `src` into `dst` (same-sized canvases). */
export function copyRect(
  src: RgbCanvas,
  dst: RgbCanvas,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): void {
  const stride = src.width * 3;
  for (let y = y0; y < y1; y++) {
    const o = y * stride;
    dst.data.set(src.data.subarray(o + x0 * 3, o + x1 * 3), o + x0 * 3);
  }
}

/** Linear mix: `t = 0` gives `a`, `t = 1` gives `b`. */
export function mixRgb(a: Rgb, b: Rgb, t: number): Rgb {
  return [
    Math.round(a[0] + (b[0] - a[0]) * t),
    Math.round(a[1] + (b[1] - a[1]) * t),
    Math.round(a[2] + (b[2] - a[2]) * t),
  ];
}

/**
 * Area-averaging downscale of the top-left `srcW × srcH` region to `dstW × dstH`
 * (used for thumbnails and sprite tiles, where nearest-neighbour would shred text).
 */
export function downscale(src: RgbCanvas, srcW: number, srcH: number, dstW: number, dstH: number): RgbCanvas {
  const out = createRgbCanvas(dstW, dstH);
  const xStart = new Int32Array(dstW + 1);
  for (let x = 0; x <= dstW; x++) xStart[x] = Math.min(srcW, Math.floor((x * srcW) / dstW));
  for (let y = 0; y < dstH; y++) {
    const sy0 = Math.floor((y * srcH) / dstH);
    const sy1 = Math.max(sy0 + 1, Math.floor(((y + 1) * srcH) / dstH));
    for (let x = 0; x < dstW; x++) {
      const sx0 = xStart[x]!;
      const sx1 = Math.max(sx0 + 1, xStart[x + 1]!);
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = sy0; sy < sy1; sy++) {
        let i = (sy * src.width + sx0) * 3;
        for (let sx = sx0; sx < sx1; sx++, i += 3) {
          r += src.data[i]!;
          g += src.data[i + 1]!;
          b += src.data[i + 2]!;
        }
      }
      const n = (sy1 - sy0) * (sx1 - sx0);
      const o = (y * dstW + x) * 3;
      out.data[o] = Math.round(r / n);
      out.data[o + 1] = Math.round(g / n);
      out.data[o + 2] = Math.round(b / n);
    }
  }
  return out;
}
