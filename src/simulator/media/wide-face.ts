import type { Rgb } from './card.ts';
import { hexBoxGlyph } from './hex-box-glyph.ts';
import { fillBitmap, type RgbCanvas } from './rgb-canvas.ts';
import type { TextFace } from './text-face.ts';
import { type Glyph, UNIFONT_HEIGHT, unifontGlyphs } from './unifont.ts';

const HALF_WIDTH = 8;
/** Blank rows between lines: dense CJK strokes need more leading than the ASCII font's two. */
const LINE_GAP = 4;
/** Characters the layout adds itself: the space between words, the "..." of a cut line. */
const LAYOUT_CHARACTERS = ' .';
const WHITESPACE = /\s/u;
/** Combining marks, joiners, variation selectors, skin-tone modifiers: nothing to draw on their own. */
const INVISIBLE = /[\p{M}\p{Cf}\p{Cc}\p{Emoji_Modifier}]/u;

/** Text as the Unifont face draws it: composed (Hangul stays syllables), whitespace as spaces, invisibles gone. */
export function toWideText(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    if (WHITESPACE.test(ch)) out += ' ';
    else if (!INVISIBLE.test(ch)) out += ch;
  }
  return out;
}

/**
 * A Unifont face holding the glyphs of exactly these texts (characters Unifont
 * lacks get {@link hexBoxGlyph}), so drawing needs no font file.
 */
export function createWideFace(texts: readonly string[]): TextFace {
  const codes = new Set<number>();
  for (const text of [LAYOUT_CHARACTERS, ...texts]) for (const ch of text) codes.add(ch.codePointAt(0)!);
  const glyphs = unifontGlyphs(codes);
  for (const code of codes) if (!glyphs.has(code)) glyphs.set(code, hexBoxGlyph(code));
  const glyphOf = (ch: string): Glyph => glyphs.get(ch.codePointAt(0)!)!;
  return {
    cellWidth: HALF_WIDTH,
    lineHeight: UNIFONT_HEIGHT + LINE_GAP,
    glyphHeight: UNIFONT_HEIGHT,
    trailingGap: 0,
    cellsOf: (ch) => glyphOf(ch).cells,
    draw(canvas: RgbCanvas, text: string, x: number, y: number, scale: number, color: Rgb) {
      let left = x;
      for (const ch of text) {
        const glyph = glyphOf(ch);
        fillBitmap(canvas, glyph.rows, 0, UNIFONT_HEIGHT, 16, left, y, scale, color);
        left += glyph.cells * HALF_WIDTH * scale;
      }
    },
  };
}
