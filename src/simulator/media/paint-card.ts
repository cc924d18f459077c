import { drawText, GLYPH_HEIGHT, textWidth } from './font.ts';
import type { CardLayout } from './layout-card.ts';
import { fillCircle, fillRect, type RgbCanvas } from './rgb-canvas.ts';

/** The parts that never change: background, text, badge, the empty progress track. */
export function paintCardBase(layout: CardLayout, canvas: RgbCanvas): void {
  fillRect(canvas, 0, 0, canvas.width, canvas.height, layout.background);
  for (const run of layout.text) layout.face.draw(canvas, run.text, run.x, run.y, run.scale, run.color);
  const { badge, track } = layout;
  if (badge) {
    fillRect(canvas, badge.x, badge.y, badge.w, badge.h, badge.fill);
    drawText(canvas, badge.run.text, badge.run.x, badge.run.y, badge.run.scale, badge.run.color);
  }
  const top = track.y - Math.floor(track.thickness / 2);
  fillRect(canvas, track.x, top, track.w, track.thickness, track.color);
}

/**
 * The moving parts for frame `index`: the accent fill and knob along the track,
 * and the elapsed/total clock. Draws only inside the layout's motion rows.
 */
export function paintCardMotion(layout: CardLayout, canvas: RgbCanvas, index: number): void {
  const { track, clock } = layout;
  const filled = filledWidth(layout, index);
  const top = track.y - Math.floor(track.thickness / 2);
  fillRect(canvas, track.x, top, filled, track.thickness, track.accent);
  fillCircle(canvas, track.x + filled, track.y, track.knobRadius, track.accent);
  drawText(canvas, clockLabel(layout, index), clock.x, clock.y, clock.scale, clock.color);
}

/** A pixel rectangle `[x0, x1) × [y0, y1)`. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Where frame `index` can differ from frame `previous` (the knob's old and new
 * places and the clock), so the encoder converts and compares only there.
 */
export function motionRects(layout: CardLayout, previous: number, index: number): Rect[] {
  const { track, clock } = layout;
  const a = filledWidth(layout, previous);
  const b = filledWidth(layout, index);
  const r = track.knobRadius + 2;
  const label = clockLabel(layout, layout.frameCount - 1);
  return [
    { x0: track.x + Math.min(a, b) - r, y0: track.y - r, x1: track.x + Math.max(a, b) + r, y1: track.y + r },
    {
      x0: clock.x,
      y0: clock.y,
      x1: clock.x + textWidth(label, clock.scale),
      y1: clock.y + GLYPH_HEIGHT * clock.scale,
    },
  ];
}

function filledWidth(layout: CardLayout, index: number): number {
  const progress = layout.frameCount > 1 ? index / (layout.frameCount - 1) : 1;
  return Math.round(progress * layout.track.w);
}

function clockLabel(layout: CardLayout, index: number): string {
  return `${clockText(Math.floor(index / layout.fps))} / ${clockText(Math.round(layout.seconds))}`;
}

function clockText(totalSeconds: number): string {
  const m = Math.floor(totalSeconds / 60);
  const s = totalSeconds % 60;
  return `${m}:${s.toString().padStart(2, '0')}`;
}
