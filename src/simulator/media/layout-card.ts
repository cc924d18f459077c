import type { CardSpec, Rgb } from './card.ts';
import { CAP_HEIGHT, GLYPH_HEIGHT, textWidth, toFontText } from './font.ts';
import { mixRgb } from './rgb-canvas.ts';
import { cellsThatFit, faceTextWidth, prepareText, type TextFace } from './text-face.ts';
import { wrapText } from './wrap-text.ts';

/** A line of text placed on the card (in the layout's face for the prompt, in the ASCII font for the badge). */
export interface TextRun {
  text: string;
  x: number;
  y: number;
  scale: number;
  color: Rgb;
}

/** Where everything goes, computed once per card; painting is then pure drawing. */
export interface CardLayout {
  width: number;
  height: number;
  /** Coded size: whole 16×16 macroblocks. */
  paddedWidth: number;
  paddedHeight: number;
  fps: number;
  seconds: number;
  frameCount: number;
  background: Rgb;
  /** The font the prompt and its extra lines are drawn in. */
  face: TextFace;
  text: TextRun[];
  badge?: { x: number; y: number; w: number; h: number; fill: Rgb; run: TextRun };
  track: { x: number; y: number; w: number; thickness: number; knobRadius: number; color: Rgb; accent: Rgb };
  clock: { x: number; y: number; scale: number; color: Rgb };
  /** Rows `[motionTop, motionBottom)`, macroblock aligned, hold everything that moves. */
  motionTop: number;
  motionBottom: number;
}

/** Largest sides we agree to draw: beyond H.264 level 5.2 and a sensible memory budget. */
const MAX_SIDE = 4096;
const MAX_SECONDS = 600;

/**
 * Validates the spec and lays the card out. Odd sizes are rounded up to even
 * (4:2:0 video cannot be odd-sized).
 * @throws RangeError for non-finite, non-positive or oversized dimensions/durations.
 */
export function layoutCard(spec: CardSpec): CardLayout {
  const width = evenSide(spec.width, 'width');
  const height = evenSide(spec.height, 'height');
  const fps = spec.fps ?? 24;
  if (!Number.isInteger(fps) || fps < 1 || fps > 120)
    throw new RangeError(`fps must be an integer 1..120, got ${fps}`);
  if (!(spec.seconds > 0 && spec.seconds <= MAX_SECONDS)) {
    throw new RangeError(`seconds must be in (0, ${MAX_SECONDS}], got ${spec.seconds}`);
  }
  const short = Math.min(width, height);
  const u = short / 720;
  const margin = Math.max(4, Math.round(short * 0.06));
  const { background, foreground, accent } = spec;

  const knobRadius = Math.max(3, Math.round(9 * u));
  const trackY = height - margin - knobRadius;
  const clockScale = Math.max(1, Math.round(3 * u));
  const clockY = trackY - knobRadius - Math.max(2, Math.round(10 * u)) - CAP_HEIGHT * clockScale;
  const paddedWidth = Math.ceil(width / 16) * 16;
  const paddedHeight = Math.ceil(height / 16) * 16;
  const motionTop = Math.max(0, Math.floor((clockY - 1) / 16) * 16);
  const motionBottom = Math.min(paddedHeight, Math.ceil((trackY + knobRadius + 2) / 16) * 16);

  const badge = spec.badge
    ? layoutBadge(toFontText(spec.badge), width, margin, u, foreground, background)
    : undefined;
  const areaTop = badge ? badge.y + badge.h + Math.round(margin / 2) : margin;
  const area = {
    x: margin,
    y: areaTop,
    w: width - 2 * margin,
    h: Math.max(0, motionTop - areaTop - Math.round(margin / 2)),
  };
  const { face, runs: text } = layoutText(spec, area, short, foreground, background);

  return {
    width,
    height,
    paddedWidth,
    paddedHeight,
    fps,
    seconds: spec.seconds,
    frameCount: Math.max(1, Math.round(spec.seconds * fps)),
    background,
    face,
    text,
    ...(badge ? { badge } : {}),
    track: {
      x: margin + knobRadius,
      y: trackY,
      w: Math.max(1, width - 2 * margin - 2 * knobRadius),
      thickness: Math.max(2, Math.round(6 * u)),
      knobRadius,
      color: mixRgb(background, foreground, 0.25),
      accent,
    },
    clock: { x: margin, y: clockY, scale: clockScale, color: mixRgb(foreground, background, 0.15) },
    motionTop,
    motionBottom,
  };
}

function evenSide(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 2 || value > MAX_SIDE) {
    throw new RangeError(`${name} must be 2..${MAX_SIDE}, got ${value}`);
  }
  const whole = Math.round(value);
  return whole % 2 === 0 ? whole : whole + 1;
}

function layoutBadge(label: string, width: number, margin: number, u: number, fill: Rgb, ink: Rgb) {
  const scale = Math.max(1, Math.round(2.5 * u));
  const pad = 3 * scale;
  const w = textWidth(label, scale) + 2 * pad;
  const h = CAP_HEIGHT * scale + 2 * pad;
  const x = Math.max(0, width - margin - w);
  return { x, y: margin, w, h, fill, run: { text: label, x: x + pad, y: margin + pad, scale, color: ink } };
}

interface Area {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Title as large as fits, extra lines at about half its size, the block centred.
 * Tries scales from large to small; at the smallest, truncates rather than overflow.
 * Scales are chosen for the same on-screen size whichever face the text needs.
 */
function layoutText(
  spec: CardSpec,
  area: Area,
  short: number,
  fg: Rgb,
  bg: Rgb,
): { face: TextFace; runs: TextRun[] } {
  const { face, texts } = prepareText([spec.title, ...(spec.lines ?? [])]);
  const [title = '', ...extras] = texts;
  const { lineHeight } = face;
  const spacing = lineHeight - face.glyphHeight;
  const relative = face.glyphHeight / GLYPH_HEIGHT;
  const maxScale = Math.max(1, Math.floor(short / (90 * relative)));
  const minScale = Math.max(1, Math.floor(short / (360 * relative)));
  const wrap = (text: string, scale: number, maxLines?: number) =>
    wrapText(text, cellsThatFit(face, area.w, scale), maxLines, face.cellsOf);
  const blockHeight = (lines: number, scale: number) =>
    lines > 0 ? (lines * lineHeight - spacing) * scale : 0;

  let titleScale = minScale;
  let lineScale = minScale;
  let titleLines: string[] = [];
  let extraLines: string[] = [];
  for (let s = maxScale; s >= minScale; s--) {
    const ls = Math.max(minScale, Math.ceil(s / 2));
    const t = wrap(title, s);
    const e = extras.flatMap((line) => wrap(line, ls));
    const gap = t.length && e.length ? lineHeight * ls : 0;
    titleScale = s;
    lineScale = ls;
    titleLines = t;
    extraLines = e;
    if (blockHeight(t.length, s) + gap + blockHeight(e.length, ls) <= area.h) break;
  }
  // Still too tall at the smallest scale: keep a share for the extra lines, truncate the rest.
  const fitLines = (h: number, scale: number) => Math.max(1, Math.floor((h / scale + spacing) / lineHeight));
  const extraBudget = extraLines.length ? Math.min(extraLines.length, fitLines(area.h * 0.3, lineScale)) : 0;
  const extraHeight = extraBudget ? blockHeight(extraBudget, lineScale) + lineHeight * lineScale : 0;
  titleLines = wrap(title, titleScale, fitLines(area.h - extraHeight, titleScale));
  extraLines = extras.flatMap((line) => wrap(line, lineScale)).slice(0, extraBudget);

  const gap = titleLines.length && extraLines.length ? lineHeight * lineScale : 0;
  const total = blockHeight(titleLines.length, titleScale) + gap + blockHeight(extraLines.length, lineScale);
  let y = area.y + Math.max(0, Math.round((area.h - total) / 2));
  const runs: TextRun[] = [];
  const place = (line: string, scale: number, color: Rgb) => {
    const x = area.x + Math.round((area.w - faceTextWidth(face, line, scale)) / 2);
    runs.push({ text: line, x, y, scale, color });
    y += lineHeight * scale;
  };
  for (const line of titleLines) place(line, titleScale, fg);
  y += gap;
  const dim = mixRgb(fg, bg, 0.2);
  for (const line of extraLines) place(line, lineScale, dim);
  return { face, runs };
}
