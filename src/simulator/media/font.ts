import type { Rgb } from './card.ts';
import { fillBitmap, type RgbCanvas } from './rgb-canvas.ts';

/**
 * A 5×7 bitmap font for printable ASCII (drawn for this project), with a row
 * below the baseline for descenders. Each glyph is 8 rows; each row is one
 * base-32 digit whose 5 bits are the pixels, leftmost pixel in the high bit.
 */
const GLYPH_DATA = [
  '00000000 44444040 aa000000 aavavaa0 4fke5u40 op248j30 cik8lid0 44000000', //  !"#$%&'
  '24888420 84222480 04lel400 044v4400 00000c48 000v0000 00000cc0 01248g00', // ()*+,-./
  'ehjlphe0 4c4444e0 eh1248v0 v2421he0 26aiv220 vgu11he0 68guhhe0 v1248880', // 01234567
  'ehhehhe0 ehhf12c0 0cc0cc00 0cc0c480 248g8420 00v0v000 84212480 eh124040', // 89:;<=>?
  'eh1dlle0 ehhvhhh0 uhhuhhu0 ehggghe0 sihhhis0 vgguggv0 vgguggg0 ehgnhhf0', // @ABCDEFG
  'hhhvhhh0 e44444e0 72222ic0 hikokih0 ggggggv0 hrllhhh0 hhpljhh0 ehhhhhe0', // HIJKLMNO
  'uhhuggg0 ehhhlid0 uhhukih0 fgge11u0 v4444440 hhhhhhe0 hhhhha40 hhhllla0', // PQRSTUVW
  'hha4ahh0 hha44440 v1248gv0 e88888e0 0g842100 e22222e0 4ah00000 000000v0', // XYZ[\]^_
  '84000000 00e1fhf0 ggmphhu0 00egghe0 11djhhf0 00ehvge0 698s8880 00fhhf1e', // `abcdefg
  'ggmphhh0 40c444e0 206222ic ggikoki0 c44444e0 00qllhh0 00mphhh0 00ehhhe0', // hijklmno
  '00uhhugg 00fhhf11 00mpggg0 00ege1u0 88s88960 00hhhjd0 00hhha40 00hhlla0', // pqrstuvw
  '00ha4ah0 00hhhf1e 00v248v0 24484420 44444440 84424480 008l2000', // xyz{|}~
].join(' ');

/** Glyph box in font pixels; cells add one column and two rows of spacing. */
export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 8;
export const CELL_WIDTH = 6;
export const LINE_HEIGHT = 10;
/** Height above the baseline (capital letters). */
export const CAP_HEIGHT = 7;

const FIRST = 0x20;
const LAST = 0x7e;
/**
 * Stand-in for characters the font lacks: a hollow box ("tofu"), stored after '~'.
 * Prompts never show it: text that needs it is drawn in Unifont instead (text-face.ts).
 */
export const MISSING_GLYPH = String.fromCharCode(LAST + 1);

const ROWS = decodeGlyphs();

function decodeGlyphs(): Uint8Array {
  const codes = GLYPH_DATA.split(' ');
  const rows = new Uint8Array((codes.length + 1) * GLYPH_HEIGHT);
  codes.forEach((code, g) => {
    for (let r = 0; r < GLYPH_HEIGHT; r++) rows[g * GLYPH_HEIGHT + r] = Number.parseInt(code[r] ?? '0', 32);
  });
  const box = [0x1f, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1f, 0];
  rows.set(box, codes.length * GLYPH_HEIGHT);
  return rows;
}

/** Typographic punctuation people paste into prompts, and its plain ASCII look-alike. */
const TYPOGRAPHIC: Readonly<Record<string, string>> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u2022': '*',
  '\u00d7': 'x',
};

/**
 * Maps text onto the font's repertoire: accents are stripped ("é" → "e"),
 * dashes and curly quotes become ASCII,
 * whitespace becomes spaces, invisible joiners vanish, anything else unknown
 * becomes {@link MISSING_GLYPH}.
 */
export function toFontText(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFKD')) {
    const code = ch.codePointAt(0) ?? 0;
    const ascii = TYPOGRAPHIC[ch];
    if (code >= FIRST && code <= LAST) out += ch;
    else if (ascii !== undefined) out += ascii;
    else if (/\s/u.test(ch)) out += ' ';
    else if (/[\p{M}\p{Cf}\p{Cc}]/u.test(ch))
      continue; // accents, joiners, variation selectors
    else out += MISSING_GLYPH;
  }
  return out;
}

/** Width in pixels of `text` (already font text) at `scale`, without trailing spacing. */
export function textWidth(text: string, scale: number): number {
  return text.length === 0 ? 0 : (text.length * CELL_WIDTH - 1) * scale;
}

/** Draws font text with its top-left corner at `(x, y)`, each font pixel a `scale`×`scale` square. */
export function drawText(
  canvas: RgbCanvas,
  text: string,
  x: number,
  y: number,
  scale: number,
  color: Rgb,
): void {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const glyph = code >= FIRST && code <= LAST + 1 ? code - FIRST : LAST + 1 - FIRST;
    fillBitmap(
      canvas,
      ROWS,
      glyph * GLYPH_HEIGHT,
      GLYPH_HEIGHT,
      GLYPH_WIDTH,
      x + i * CELL_WIDTH * scale,
      y,
      scale,
      color,
    );
  }
}
