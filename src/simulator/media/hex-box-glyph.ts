import type { Glyph } from './unifont.ts';

/** 3×5 hex digits 0–F, each row 3 bits (leftmost in the high bit), five rows per digit. */
const DIGITS = [
  '75557',
  '26227',
  '71747',
  '71717',
  '55711',
  '74717',
  '74757',
  '71111',
  '75757',
  '75717',
  '25755',
  '65656',
  '34443',
  '65556',
  '74747',
  '74744',
].map((rows) => Array.from(rows, (r) => Number.parseInt(r, 8)));

/** Rows of the two digit lines inside the box. */
const DIGIT_TOPS = [2, 9];

/**
 * The stand-in for a character no font here has: its code point in hex inside
 * a full-width box, as Unifont draws unassigned characters (four digits in two
 * rows, six for characters beyond the BMP), so a reader can look it up.
 */
export function hexBoxGlyph(codePoint: number): Glyph {
  const rows = new Uint16Array(16);
  // Box in columns 0..14, so neighbouring boxes stay apart.
  rows[0] = 0xfffe;
  rows[15] = 0xfffe;
  for (let r = 1; r < 15; r++) rows[r] = 0x8002;
  const hex = codePoint
    .toString(16)
    .toUpperCase()
    .padStart(codePoint > 0xffff ? 6 : 4, '0');
  const perRow = hex.length / 2;
  // Digit columns: 4,8 for four digits; 2,6,10 for six (3 pixels wide, 1 apart, centred).
  const firstColumn = perRow === 2 ? 4 : 2;
  for (let i = 0; i < hex.length; i++) {
    const digit = DIGITS[Number.parseInt(hex[i]!, 16)]!;
    const top = DIGIT_TOPS[Math.floor(i / perRow)]!;
    const shift = 13 - (firstColumn + (i % perRow) * 4);
    for (let r = 0; r < 5; r++) rows[top + r]! |= digit[r]! << shift;
  }
  return { cells: 2, rows };
}
