import { describe, expect, it } from 'vitest';
import { drawText, MISSING_GLYPH, textWidth, toFontText } from '../../../src/simulator/media/font.ts';
import { createRgbCanvas } from '../../../src/simulator/media/rgb-canvas.ts';
import { wrapText } from '../../../src/simulator/media/wrap-text.ts';

describe('toFontText', () => {
  it('keeps printable ASCII as is', () => {
    expect(toFontText('Hello, World! 123 ~')).toBe('Hello, World! 123 ~');
  });

  it('strips accents, plainifies typographic punctuation and turns whitespace into spaces', () => {
    expect(toFontText('Café “crème” — naïve\tdéjà vu')).toBe('Cafe "creme" - naive deja vu');
  });

  it('draws characters the font lacks as a box, and drops invisible joiners', () => {
    expect(toFontText('雪 ☕️ 👩‍🚀')).toBe(
      `${MISSING_GLYPH} ${MISSING_GLYPH} ${MISSING_GLYPH}${MISSING_GLYPH}`,
    );
  });
});

describe('drawText', () => {
  it('paints every printable glyph except space, and a box for unknown characters', () => {
    for (let code = 0x21; code <= 0x7f; code++) {
      const canvas = createRgbCanvas(6, 8);
      drawText(canvas, String.fromCharCode(code), 0, 0, 1, [255, 255, 255]);
      expect(
        canvas.data.some((b) => b === 255),
        `glyph 0x${code.toString(16)}`,
      ).toBe(true);
    }
    const blank = createRgbCanvas(6, 8);
    drawText(blank, ' ', 0, 0, 1, [255, 255, 255]);
    expect(blank.data.every((b) => b === 0)).toBe(true);
  });

  it('scales glyphs to scale×scale blocks and measures width without trailing spacing', () => {
    const canvas = createRgbCanvas(20, 30);
    drawText(canvas, 'I', 0, 0, 3, [255, 0, 0]);
    // 'I' has a 3-pixel top bar starting at column 1: pixels 3..11 of row 0 at scale 3.
    const red = (x: number, y: number) => canvas.data[(y * 20 + x) * 3] === 255;
    expect([red(2, 0), red(3, 0), red(11, 2), red(12, 0)]).toEqual([false, true, true, false]);
    expect(textWidth('AB', 2)).toBe(22);
    expect(textWidth('', 2)).toBe(0);
  });

  it('clips drawing to the canvas instead of throwing', () => {
    const canvas = createRgbCanvas(4, 4);
    expect(() => drawText(canvas, 'WWW', -3, -5, 2, [1, 2, 3])).not.toThrow();
  });
});

describe('wrapText', () => {
  it('wraps greedily on word boundaries', () => {
    expect(wrapText('the quick brown fox jumps', 10)).toEqual(['the quick', 'brown fox', 'jumps']);
  });

  it('splits words longer than a line', () => {
    expect(wrapText('abcdefghij xy', 4)).toEqual(['abcd', 'efgh', 'ij', 'xy']);
  });

  it('ends a truncated text with an ellipsis within the width', () => {
    expect(wrapText('one two three four five six', 9, 2)).toEqual(['one two', 'three...']);
    for (const line of wrapText('aaaa bbbb cccc dddd', 6, 1)) expect(line.length).toBeLessThanOrEqual(6);
  });

  it('returns no lines for empty or blank text', () => {
    expect(wrapText('   ', 10)).toEqual([]);
  });
});
