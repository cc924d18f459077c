import type { CardSpec } from './card.ts';
import { copyMacroblock, createYuvFrame, macroblockDiffers, rgbToYuv } from './frame.ts';
import { createH264Sequence, encodeIdrSlice, encodePSlice } from './h264-writer.ts';
import { type CardLayout, layoutCard } from './layout-card.ts';
import { muxMp4 } from './mp4-muxer.ts';
import { motionRects, paintCardBase, paintCardMotion, type Rect } from './paint-card.ts';
import { copyRect, createRgbCanvas } from './rgb-canvas.ts';

/** Media timescale ticks per frame; ×fps gives a timescale that divides every whole-frame duration. */
const TICKS_PER_FRAME = 1000;

/**
 * Renders the card as a playable H.264 (Constrained Baseline) MP4 of exactly
 * `round(seconds × fps)` frames. The first frame (and one every
 * `keyframeIntervalSeconds`, if set) is a full I_PCM keyframe; other frames code
 * only the macroblocks the progress marker and clock touched, so a 720p 12 s
 * clip stays under ~2 MB.
 * @throws RangeError when the spec's size, fps or duration is out of range.
 */
export function renderMp4(spec: CardSpec): Buffer {
  const layout = layoutCard(spec);
  const seq = createH264Sequence(layout.width, layout.height, layout.fps);
  const base = createRgbCanvas(layout.paddedWidth, layout.paddedHeight);
  paintCardBase(layout, base);
  const canvas = createRgbCanvas(layout.paddedWidth, layout.paddedHeight);
  canvas.data.set(base.data);
  paintCardMotion(layout, canvas, 0);
  const current = createYuvFrame(seq.mbWidth, seq.mbHeight);
  rgbToYuv(canvas, current, 0, layout.paddedHeight);
  const previous = createYuvFrame(seq.mbWidth, seq.mbHeight);
  previous.y.set(current.y);
  previous.u.set(current.u);
  previous.v.set(current.v);

  const samples: Uint8Array[] = [avcc(encodeIdrSlice(seq, current, 0))];
  const keyframes: boolean[] = [true];
  const keyEvery = keyframeEvery(spec.keyframeIntervalSeconds, layout.fps);
  const changed = new Uint8Array(seq.mbWidth * seq.mbHeight);
  let idrCount = 1;
  let frameNum = 0;
  for (let i = 1; i < layout.frameCount; i++) {
    // Only the knob's old and new places and the clock can change: redraw, convert and compare just those.
    const regions = motionRects(layout, i - 1, i).map((r) => macroblockAligned(r, layout));
    for (const r of regions) copyRect(base, canvas, r.x0, r.y0, r.x1, r.y1);
    paintCardMotion(layout, canvas, i);
    for (const r of regions) rgbToYuv(canvas, current, r.y0, r.y1, r.x0, r.x1);

    const key = i % keyEvery === 0;
    changed.fill(0);
    forEachMacroblock(regions, (mx, my) => {
      if (!changed[my * seq.mbWidth + mx] && macroblockDiffers(current, previous, mx, my)) {
        changed[my * seq.mbWidth + mx] = 1;
        copyMacroblock(current, previous, mx, my);
      }
    });
    if (key) {
      samples.push(avcc(encodeIdrSlice(seq, current, idrCount++)));
      frameNum = 0;
    } else {
      frameNum++;
      samples.push(avcc(encodePSlice(seq, current, frameNum, changed)));
    }
    keyframes.push(key);
  }

  return muxMp4({
    width: layout.width,
    height: layout.height,
    timescale: layout.fps * TICKS_PER_FRAME,
    sampleDelta: TICKS_PER_FRAME,
    profileIdc: seq.profileIdc,
    constraintFlags: seq.constraintFlags,
    levelIdc: seq.levelIdc,
    sps: seq.sps,
    pps: seq.pps,
    samples,
    keyframes,
  });
}

function macroblockAligned(r: Rect, layout: CardLayout): Rect {
  return {
    x0: Math.max(0, Math.floor(r.x0 / 16) * 16),
    y0: Math.max(0, Math.floor(r.y0 / 16) * 16),
    x1: Math.min(layout.paddedWidth, Math.ceil(r.x1 / 16) * 16),
    y1: Math.min(layout.paddedHeight, Math.ceil(r.y1 / 16) * 16),
  };
}

function forEachMacroblock(regions: readonly Rect[], visit: (mx: number, my: number) => void): void {
  for (const r of regions) {
    for (let my = r.y0 / 16; my < r.y1 / 16; my++) {
      for (let mx = r.x0 / 16; mx < r.x1 / 16; mx++) visit(mx, my);
    }
  }
}

function keyframeEvery(intervalSeconds: number | undefined, fps: number): number {
  if (intervalSeconds === undefined || !(intervalSeconds > 0)) return Number.POSITIVE_INFINITY;
  return Math.max(1, Math.round(intervalSeconds * fps));
}

/** One NAL unit as an AVCC sample: 4-byte big-endian length, then the unit. */
function avcc(nal: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + nal.length);
  new DataView(out.buffer).setUint32(0, nal.length);
  out.set(nal, 4);
  return out;
}
