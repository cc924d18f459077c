import type { RgbCanvas } from './rgb-canvas.ts';

/**
 * A planar YUV 4:2:0 picture whose size is a whole number of 16×16 macroblocks,
 * the layout I_PCM macroblocks are copied from.
 */
export interface YuvFrame {
  readonly mbWidth: number;
  readonly mbHeight: number;
  /** Luma stride = mbWidth × 16. */
  readonly y: Uint8Array;
  /** Chroma stride = mbWidth × 8. */
  readonly u: Uint8Array;
  readonly v: Uint8Array;
}

export function createYuvFrame(mbWidth: number, mbHeight: number): YuvFrame {
  const lumaSize = mbWidth * 16 * mbHeight * 16;
  return {
    mbWidth,
    mbHeight,
    y: new Uint8Array(lumaSize),
    u: new Uint8Array(lumaSize / 4),
    v: new Uint8Array(lumaSize / 4),
  };
}

/**
 * Converts the canvas region `[x0, x1) × [y0, y1)` (all even) to BT.601 limited range 4:2:0.
 * The canvas must be exactly the frame's padded size. Integer maths keeps luma
 * in 16..235 and chroma in 16..240, so no PCM sample is ever 0.
 */
export function rgbToYuv(
  canvas: RgbCanvas,
  frame: YuvFrame,
  y0: number,
  y1: number,
  x0 = 0,
  x1 = canvas.width,
): void {
  const w = canvas.width;
  const src = canvas.data;
  const { y: yp, u: up, v: vp } = frame;
  const cw = w >> 1;
  for (let row = y0; row < y1; row += 2) {
    let i0 = (row * w + x0) * 3;
    let i1 = i0 + w * 3;
    let l0 = row * w + x0;
    let l1 = l0 + w;
    let c = (row >> 1) * cw + (x0 >> 1);
    for (let x = x0; x < x1; x += 2) {
      const r00 = src[i0]!;
      const g00 = src[i0 + 1]!;
      const b00 = src[i0 + 2]!;
      const r01 = src[i0 + 3]!;
      const g01 = src[i0 + 4]!;
      const b01 = src[i0 + 5]!;
      const r10 = src[i1]!;
      const g10 = src[i1 + 1]!;
      const b10 = src[i1 + 2]!;
      const r11 = src[i1 + 3]!;
      const g11 = src[i1 + 4]!;
      const b11 = src[i1 + 5]!;
      yp[l0++] = ((66 * r00 + 129 * g00 + 25 * b00 + 128) >> 8) + 16;
      yp[l0++] = ((66 * r01 + 129 * g01 + 25 * b01 + 128) >> 8) + 16;
      yp[l1++] = ((66 * r10 + 129 * g10 + 25 * b10 + 128) >> 8) + 16;
      yp[l1++] = ((66 * r11 + 129 * g11 + 25 * b11 + 128) >> 8) + 16;
      const r = r00 + r01 + r10 + r11;
      const g = g00 + g01 + g10 + g11;
      const b = b00 + b01 + b10 + b11;
      up[c] = ((-38 * r - 74 * g + 112 * b + 512) >> 10) + 128;
      vp[c++] = ((112 * r - 94 * g - 18 * b + 512) >> 10) + 128;
      i0 += 6;
      i1 += 6;
    }
  }
}

/** Whether macroblock `(mx, my)` differs between two frames of the same size. */
export function macroblockDiffers(a: YuvFrame, b: YuvFrame, mx: number, my: number): boolean {
  const ls = a.mbWidth * 16;
  for (let row = 0; row < 16; row++) {
    const o = (my * 16 + row) * ls + mx * 16;
    for (let i = o; i < o + 16; i++) if (a.y[i] !== b.y[i]) return true;
  }
  const cs = a.mbWidth * 8;
  for (let row = 0; row < 8; row++) {
    const o = (my * 8 + row) * cs + mx * 8;
    for (let i = o; i < o + 8; i++) if (a.u[i] !== b.u[i] || a.v[i] !== b.v[i]) return true;
  }
  return false;
}

/** Copies macroblock `(mx, my)` from `src` to `dst`. */
export function copyMacroblock(src: YuvFrame, dst: YuvFrame, mx: number, my: number): void {
  const ls = src.mbWidth * 16;
  for (let row = 0; row < 16; row++) {
    const o = (my * 16 + row) * ls + mx * 16;
    dst.y.set(src.y.subarray(o, o + 16), o);
  }
  const cs = src.mbWidth * 8;
  for (let row = 0; row < 8; row++) {
    const o = (my * 8 + row) * cs + mx * 8;
    dst.u.set(src.u.subarray(o, o + 8), o);
    dst.v.set(src.v.subarray(o, o + 8), o);
  }
}
