const ELLIPSIS = '...';

/**
 * Scripts written without spaces between words: a line may break between any
 * two of their characters. (Korean puts spaces between words, so Hangul wraps
 * like Latin, whole words.)
 */
const BREAKS_AROUND =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Extended_Pictographic}\u3000-\u303f\uff00-\uffef]/u;
/** Closing punctuation and small kana never start a line (Japanese kinsoku, Chinese usage alike). */
const NO_BREAK_BEFORE =
  /[、。，．：；！？）」』】〕〉》〗〙〛｝］ー～…‥々ゝゞぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ,.!?:;)\]}%]/u;
/** Opening brackets never end a line. */
const NO_BREAK_AFTER = /[（「『【〔〈《〖〘〚｛［([{]/u;

const oneCell = () => 1;

/**
 * Greedy wrap to at most `maxCells` cells per line, where a character takes
 * `cellsOf(ch)` cells (two for full-width CJK). Lines break at spaces and
 * between Chinese and Japanese characters (which have no spaces), never before
 * closing punctuation. Words longer than a line are split. When more than
 * `maxLines` lines result, the last kept line ends in "..." so a truncated
 * prompt says so.
 */
export function wrapText(
  text: string,
  maxCells: number,
  maxLines = Number.POSITIVE_INFINITY,
  cellsOf: (ch: string) => number = oneCell,
): string[] {
  const width = Math.max(1, Math.floor(maxCells));
  const measure = (s: string) => {
    let n = 0;
    for (const ch of s) n += cellsOf(ch);
    return n;
  };
  const lines: string[] = [];
  let current = '';
  let used = 0;
  const flush = () => {
    if (current) lines.push(current);
    current = '';
    used = 0;
  };
  for (const word of text.split(/\s+/).filter(Boolean)) {
    breakable(word).forEach((piece, i) => {
      let rest = piece;
      while (rest) {
        const space = i === 0 && current ? 1 : 0;
        const cells = measure(rest);
        if (used + space + cells <= width) {
          current += (space ? ' ' : '') + rest;
          used += space + cells;
          rest = '';
        } else if (current) {
          flush();
        } else {
          const head = fitCells(rest, width, cellsOf);
          lines.push(head);
          rest = rest.slice(head.length);
        }
      }
    });
  }
  flush();
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, Math.max(0, maxLines));
  const last = kept.pop();
  if (last === undefined) return [];
  const room = Math.max(0, width - ELLIPSIS.length);
  const cut = measure(last) > room ? fitCells(last, room, cellsOf, false).trimEnd() : last;
  kept.push(cut + ELLIPSIS.slice(0, width));
  return kept;
}

/** A space-free word cut where a line may break: around CJK characters, not before closing punctuation. */
function breakable(word: string): string[] {
  const pieces: string[] = [];
  let piece = '';
  let previous = '';
  for (const ch of word) {
    const canBreak =
      piece !== '' &&
      (BREAKS_AROUND.test(ch) || BREAKS_AROUND.test(previous)) &&
      !NO_BREAK_BEFORE.test(ch) &&
      !NO_BREAK_AFTER.test(previous);
    if (canBreak) {
      pieces.push(piece);
      piece = '';
    }
    piece += ch;
    previous = ch;
  }
  if (piece) pieces.push(piece);
  return pieces;
}

/** The longest head of `text` within `cells`; at least one character when `atLeastOne`, so wrapping always advances. */
function fitCells(text: string, cells: number, cellsOf: (ch: string) => number, atLeastOne = true): string {
  let head = '';
  let used = 0;
  for (const ch of text) {
    used += cellsOf(ch);
    if (used > cells && (head || !atLeastOne)) break;
    head += ch;
  }
  return head;
}
