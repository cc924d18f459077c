import type { Rgb } from './card.ts';
import { CELL_WIDTH, drawText, GLYPH_HEIGHT, LINE_HEIGHT, MISSING_GLYPH, toFontText } from './font.ts';
import type { RgbCanvas } from './rgb-canvas.ts';
import { createWideFace, toWideText } from './wide-face.ts';

/**
 * A font as the card lays text out in it: fixed-width cells, a full-width
 * (CJK) character taking two. Sizes are in font pixels; `scale` multiplies them.
 */
export interface TextFace {
  readonly cellWidth: number;
  readonly lineHeight: number;
  /** Glyph box height, descenders included. */
  readonly glyphHeight: number;
  /** Blank font pixels after a line's last cell that don't count towards its width. */
  readonly trailingGap: number;
  cellsOf(ch: string): number;
  draw(canvas: RgbCanvas, text: string, x: number, y: number, scale: number, color: Rgb): void;
}

/** The 5×7 ASCII font: what plain-text prompts are drawn in. */
export const asciiFace: TextFace = {
  cellWidth: CELL_WIDTH,
  lineHeight: LINE_HEIGHT,
  glyphHeight: GLYPH_HEIGHT,
  trailingGap: 1,
  cellsOf: () => 1,
  draw: drawText,
};

/**
 * Picks the face for a card's block of text and maps each text onto it: the
 * ASCII font when it can show every character (accents stripped, curly quotes
 * straightened), otherwise Unifont for the whole block, so CJK, emoji and the
 * Latin around them share one look.
 */
export function prepareText(texts: readonly string[]): { face: TextFace; texts: string[] } {
  const ascii = texts.map(toFontText);
  if (!ascii.some((t) => t.includes(MISSING_GLYPH))) return { face: asciiFace, texts: ascii };
  const wide = texts.map(toWideText);
  return { face: createWideFace(wide), texts: wide };
}

/** Width in pixels of `text` drawn in `face` at `scale`. */
export function faceTextWidth(face: TextFace, text: string, scale: number): number {
  let cells = 0;
  for (const ch of text) cells += face.cellsOf(ch);
  return cells === 0 ? 0 : (cells * face.cellWidth - face.trailingGap) * scale;
}

/** How many cells fit in `width` pixels at `scale`. */
export function cellsThatFit(face: TextFace, width: number, scale: number): number {
  return Math.floor((width + face.trailingGap * scale) / (face.cellWidth * scale));
}
