import type { CardSpec } from './card.ts';
import { type CardLayout, layoutCard } from './layout-card.ts';
import { paintCardBase, paintCardMotion } from './paint-card.ts';
import { createRgbCanvas, downscale, type RgbCanvas } from './rgb-canvas.ts';

/** Thumbnails are at most this wide (chat previews; keeps uploads small). */
const THUMBNAIL_MAX_WIDTH = 640;
const SPRITE_COLUMNS = 2;
const SPRITE_ROWS = 2;
const SPRITE_TILE_MAX_WIDTH = 256;

/**
 * The video's first frame as a PNG: full size, or scaled down to 640 px wide
 * (aspect kept) for larger videos.
 * @throws RangeError when the spec's size, fps or duration is out of range.
 */
export function renderThumbnailPng(spec: CardSpec): Promise<Buffer> {
  const layout = layoutCard(spec);
  const frame = renderFrame(layout, 0);
  const { width, height } = fitWidth(layout, THUMBNAIL_MAX_WIDTH);
  if (width === layout.width) return encodePng(frame, layout.width, layout.height);
  return encodePng(downscale(frame, layout.width, layout.height, width, height));
}

/**
 * A small 2×2 grid of frames spread over the clip (first to last), each tile at
 * most 256 px wide, tiles in reading order with no gutters.
 * @throws RangeError when the spec's size, fps or duration is out of range.
 */
export function renderSpritesheetPng(spec: CardSpec): Promise<Buffer> {
  const layout = layoutCard(spec);
  const tile = fitWidth(layout, SPRITE_TILE_MAX_WIDTH);
  const sheet = createRgbCanvas(tile.width * SPRITE_COLUMNS, tile.height * SPRITE_ROWS);
  const tiles = SPRITE_COLUMNS * SPRITE_ROWS;
  const frame = createRgbCanvas(layout.paddedWidth, layout.paddedHeight);
  paintCardBase(layout, frame);
  const base = frame.data.slice();
  for (let t = 0; t < tiles; t++) {
    const index = Math.round((t * (layout.frameCount - 1)) / (tiles - 1));
    frame.data.set(base);
    paintCardMotion(layout, frame, index);
    const small = downscale(frame, layout.width, layout.height, tile.width, tile.height);
    blit(small, sheet, (t % SPRITE_COLUMNS) * tile.width, Math.floor(t / SPRITE_COLUMNS) * tile.height);
  }
  return encodePng(sheet);
}

/**
 * The top-left `width × height` region of an RGB canvas as an 8-bit truecolour PNG, encoded by
 * sharp (libvips) off the event loop. Level 9 without adaptive filtering: the flat cards then
 * come out smallest, a few KB. sharp is loaded on the first PNG, not with this module: loading
 * libvips takes about a second and ~20 MB, which a simulator serving only MP4s never needs.
 */
async function encodePng(canvas: RgbCanvas, width = canvas.width, height = canvas.height): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const image = sharp(canvas.data, { raw: { width: canvas.width, height: canvas.height, channels: 3 } });
  const region =
    width === canvas.width && height === canvas.height
      ? image
      : image.extract({ left: 0, top: 0, width, height });
  return region.png({ compressionLevel: 9 }).toBuffer();
}

function renderFrame(layout: CardLayout, index: number): RgbCanvas {
  const canvas = createRgbCanvas(layout.paddedWidth, layout.paddedHeight);
  paintCardBase(layout, canvas);
  paintCardMotion(layout, canvas, index);
  return canvas;
}

function fitWidth(layout: CardLayout, maxWidth: number): { width: number; height: number } {
  if (layout.width <= maxWidth) return { width: layout.width, height: layout.height };
  return { width: maxWidth, height: Math.max(1, Math.round((layout.height * maxWidth) / layout.width)) };
}

function blit(src: RgbCanvas, dst: RgbCanvas, x: number, y: number): void {
  const rowBytes = src.width * 3;
  for (let row = 0; row < src.height; row++) {
    const from = row * rowBytes;
    dst.data.set(src.data.subarray(from, from + rowBytes), ((y + row) * dst.width + x) * 3);
  }
}
