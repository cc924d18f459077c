import { drawText } from './font.ts';
import type { CardLayout } from './layout-card.ts';
import { fillCircle, fillRect, type RgbCanvas } from './rgb-canvas.ts';

/** The parts that never change: background, text, badge, the empty progress track. */
export function paintCardBase(layout: CardLayout, canvas: RgbCanvas): void {
  fillRect(canvas, 0, 0, canvas.width, canvas.height, layout.background);
  for (const run of layout.text) drawText(canvas, run.text, run.x, run.y, run.scale, run.color);
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
  const progress = layout.frameCount > 1 ? index / (layout.frameCount - 1) : 1;
  const filled = Math.round(progress * track.w);
  const top = track.y - Math.floor(track.thickness / 2);
  fillRect(canvas, track.x, top, filled, track.thickness, track.accent);
  fillCircle(canvas, track.x + filled, track.y, track.knobRadius, track.accent);
  const label = `${clockText(Math.floor(index / layout.fps))} / ${clockText(Math.round(layout.seconds))}`;
  drawText(canvas, label, clock.x, clock.y, clock.scale, clock.color);
}

function clockText(totalSeconds: number): string {
  const m = Math.floor(totalSeconds / 60);
  const s = totalSeconds % 60;
  return `${m}:${s.toString().padStart(2, '0')}`;
}
