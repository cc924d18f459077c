import type { CardSpec } from './card.ts';
import { copyMacroblockRows, createYuvFrame, macroblockDiffers, rgbToYuv, type YuvFrame } from './frame.ts';
import { createH264Sequence, encodeIdrSlice, encodePSlice, type H264Sequence } from './h264-writer.ts';
import { layoutCard } from './layout-card.ts';
import { muxMp4 } from './mp4-muxer.ts';
import { paintCardBase, paintCardMotion } from './paint-card.ts';
import { copyRows, createRgbCanvas } from './rgb-canvas.ts';

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

  const current = createYuvFrame(seq.mbWidth, seq.mbHeight);
  const previous = createYuvFrame(seq.mbWidth, seq.mbHeight);
  const mbTop = layout.motionTop / 16;
  const mbBottom = layout.motionBottom / 16;
  const keyEvery = keyframeEvery(spec.keyframeIntervalSeconds, layout.fps);

  const samples: Uint8Array[] = [];
  const keyframes: boolean[] = [];
  let idrCount = 0;
  let frameNum = 0;
  for (let i = 0; i < layout.frameCount; i++) {
    copyRows(base, canvas, layout.motionTop, layout.motionBottom);
    paintCardMotion(layout, canvas, i);
    // Outside the motion rows the canvas never changes, so convert it once.
    if (i === 0) rgbToYuv(canvas, current, 0, layout.paddedHeight);
    else rgbToYuv(canvas, current, layout.motionTop, layout.motionBottom);

    const key = i === 0 || i % keyEvery === 0;
    if (key) {
      samples.push(avcc(encodeIdrSlice(seq, current, idrCount++)));
      frameNum = 0;
    } else {
      frameNum++;
      samples.push(
        avcc(
          encodePSlice(seq, current, frameNum, changedMacroblocks(seq, current, previous, mbTop, mbBottom)),
        ),
      );
    }
    keyframes.push(key);
    if (i === 0) copyMacroblockRows(current, previous, 0, seq.mbHeight);
    else copyMacroblockRows(current, previous, mbTop, mbBottom);
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

function keyframeEvery(intervalSeconds: number | undefined, fps: number): number {
  if (intervalSeconds === undefined || !(intervalSeconds > 0)) return Number.POSITIVE_INFINITY;
  return Math.max(1, Math.round(intervalSeconds * fps));
}

function changedMacroblocks(
  seq: H264Sequence,
  cur: YuvFrame,
  prev: YuvFrame,
  mbTop: number,
  mbBottom: number,
) {
  const changed = new Uint8Array(seq.mbWidth * seq.mbHeight);
  for (let my = mbTop; my < mbBottom; my++) {
    for (let mx = 0; mx < seq.mbWidth; mx++) {
      if (macroblockDiffers(cur, prev, mx, my)) changed[my * seq.mbWidth + mx] = 1;
    }
  }
  return changed;
}

/** One NAL unit as an AVCC sample: 4-byte big-endian length, then the unit. */
function avcc(nal: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + nal.length);
  new DataView(out.buffer).setUint32(0, nal.length);
  out.set(nal, 4);
  return out;
}
