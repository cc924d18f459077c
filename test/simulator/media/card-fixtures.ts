import type { CardSpec } from '../../../src/simulator/media/card.ts';
import { createYuvFrame, rgbToYuv, type YuvFrame } from '../../../src/simulator/media/frame.ts';
import { layoutCard } from '../../../src/simulator/media/layout-card.ts';
import { paintCardBase, paintCardMotion } from '../../../src/simulator/media/paint-card.ts';
import { paletteFor } from '../../../src/simulator/media/palette.ts';
import { createRgbCanvas } from '../../../src/simulator/media/rgb-canvas.ts';

/** A typical simulator card: prompt, an id line, the badge, colours from the prompt. */
export function cardSpec(overrides: Partial<CardSpec> = {}): CardSpec {
  const title = overrides.title ?? 'A corgi surfing a giant wave at sunset';
  return {
    width: 1280,
    height: 720,
    seconds: 4,
    title,
    lines: ['video_123'],
    badge: 'SIMULATED',
    ...paletteFor(title),
    ...overrides,
  };
}

/** Frame `index` drawn from scratch and converted exactly as the encoder converts it. */
export function expectedFrame(spec: CardSpec, index: number): YuvFrame {
  const layout = layoutCard(spec);
  const canvas = createRgbCanvas(layout.paddedWidth, layout.paddedHeight);
  paintCardBase(layout, canvas);
  paintCardMotion(layout, canvas, index);
  const frame = createYuvFrame(layout.paddedWidth / 16, layout.paddedHeight / 16);
  rgbToYuv(canvas, frame, 0, layout.paddedHeight);
  return frame;
}

/** BT.601 limited-range luma of an sRGB colour (what the encoder stores). */
export function lumaOf([r, g, b]: readonly [number, number, number]): number {
  return ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16;
}
