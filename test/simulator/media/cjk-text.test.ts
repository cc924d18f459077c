import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { CardSpec } from '../../../src/simulator/media/card.ts';
import { CELL_WIDTH, drawText, GLYPH_HEIGHT, toFontText } from '../../../src/simulator/media/font.ts';
import { hexBoxGlyph } from '../../../src/simulator/media/hex-box-glyph.ts';
import { layoutCard, type TextRun } from '../../../src/simulator/media/layout-card.ts';
import { renderMp4 } from '../../../src/simulator/media/render-mp4.ts';
import { renderThumbnailPng } from '../../../src/simulator/media/render-png.ts';
import { createRgbCanvas } from '../../../src/simulator/media/rgb-canvas.ts';
import { asciiFace, faceTextWidth } from '../../../src/simulator/media/text-face.ts';
import { wrapText } from '../../../src/simulator/media/wrap-text.ts';
import { lumaOf } from './card-fixtures.ts';
import { decodeAll, inspect } from './decode-mp4.ts';

const BACKGROUND = [20, 30, 90] as const;
const FOREGROUND = [240, 240, 240] as const;

/** A card with only the prompt on it (no badge, no extra lines), so all ink above the clock is the prompt. */
function promptCard(title: string, width = 640, height = 360): CardSpec {
  return {
    width,
    height,
    seconds: 1,
    title,
    background: BACKGROUND,
    foreground: FOREGROUND,
    accent: [250, 200, 0],
  };
}

/** Luma of the first decoded frame of the card's MP4 and its row stride. */
function firstFrameLuma(spec: CardSpec): { y: Uint8Array; stride: number } {
  const { sps, nals } = inspect(renderMp4(spec));
  const { kept } = decodeAll(sps, nals, [0]);
  return { y: kept.get(0)!.y, stride: sps.mbWidth * 16 };
}

/**
 * Reads back each character cell of a text run from the decoded picture: one
 * string per glyph row, `#` where the centre of the glyph pixel is ink.
 */
function readCells(spec: CardSpec, runIndex = 0): string[][] {
  const layout = layoutCard(spec);
  const run: TextRun = layout.text[runIndex]!;
  const { y, stride } = firstFrameLuma(spec);
  const threshold = (lumaOf(BACKGROUND) + lumaOf(FOREGROUND)) / 2;
  const cells: string[][] = [];
  let left = run.x;
  for (const ch of run.text) {
    const columns = layout.face.cellsOf(ch) * layout.face.cellWidth;
    const rows: string[] = [];
    for (let r = 0; r < layout.face.glyphHeight; r++) {
      let row = '';
      for (let c = 0; c < columns; c++) {
        const px = Math.floor(left + (c + 0.5) * run.scale);
        const py = Math.floor(run.y + (r + 0.5) * run.scale);
        row += y[py * stride + px]! > threshold ? '#' : '.';
      }
      rows.push(row);
    }
    cells.push(rows);
    left += columns * run.scale;
  }
  return cells;
}

const inkOf = (cell: string[]) => cell.join('').split('#').length - 1;
const rowsWithInk = (cell: string[]) => cell.filter((row) => row.includes('#')).length;
const columnHeights = (cell: string[]) =>
  Array.from(cell[0]!, (_, c) => cell.filter((row) => row[c] === '#').length);
/** The fallback glyph for `code` in the form {@link readCells} reads. */
const hexBoxRows = (code: number) =>
  Array.from(hexBoxGlyph(code).rows, (bits) =>
    bits.toString(2).padStart(16, '0').replaceAll('0', '.').replaceAll('1', '#'),
  );

/** Checks each cell is a real glyph: neither the old hollow box nor the hex-box stand-in. */
function expectFontGlyphs(text: string, cells: string[][]): void {
  expect(cells).toHaveLength([...text].length);
  [...text].forEach((ch, i) => {
    expect(isHollowBox(cells[i]!), `${ch} drawn as a box`).toBe(false);
    expect(cells[i], `${ch} drawn as its code point`).not.toEqual(hexBoxRows(ch.codePointAt(0)!));
  });
}

/** What the ASCII font drew for every CJK character before: a hollow rectangle, its whole outline inked. */
function isHollowBox(cell: string[]): boolean {
  const inked = cell.flatMap((row, r) => [...row].flatMap((p, c) => (p === '#' ? [[r, c] as const] : [])));
  if (inked.length === 0) return false;
  const top = Math.min(...inked.map(([r]) => r));
  const bottom = Math.max(...inked.map(([r]) => r));
  const left = Math.min(...inked.map(([, c]) => c));
  const right = Math.max(...inked.map(([, c]) => c));
  if (bottom - top < 2 || right - left < 2) return false;
  const onOutline = (r: number, c: number) => r === top || r === bottom || c === left || c === right;
  const outline = 2 * (bottom - top + right - left);
  return inked.every(([r, c]) => onOutline(r, c)) && inked.length === outline;
}

describe('Chinese, Japanese and Korean prompts in the MP4', () => {
  it('draws each Chinese character as its own glyph: 一 one stroke, 中 a tall middle stroke, none a box', () => {
    expect(isHollowBox(['.......', '.#####.', '.#...#.', '.#####.'])).toBe(true); // the helper itself
    const cells = readCells(promptCard('一中山水'));
    expect(cells).toHaveLength(4);
    const [one, middle] = cells;
    expect(rowsWithInk(one!)).toBe(1);
    expect(inkOf(one!)).toBeGreaterThanOrEqual(12);
    expect(Math.max(...columnHeights(middle!))).toBeGreaterThanOrEqual(14);
    expectFontGlyphs('一中山水', cells);
    expect(new Set(cells.map((c) => c.join('\n'))).size).toBe(4);
  });

  it('gives the same character the same pattern, and far more ink than the old row of boxes', () => {
    const same = readCells(promptCard('水水水水'));
    expect(new Set(same.map((c) => c.join('\n'))).size).toBe(1);
    const chinese = readCells(promptCard('雪山日出'));
    expectFontGlyphs('雪山日出', chinese);
    // What the same prompt drew before: four boxes of the ASCII font, counted in font pixels too.
    const boxes = createRgbCanvas(4 * CELL_WIDTH, GLYPH_HEIGHT);
    drawText(boxes, toFontText('雪山日出'), 0, 0, 1, [255, 255, 255]);
    const boxInk = boxes.data.filter((b, i) => i % 3 === 0 && b === 255).length;
    expect(boxInk).toBeGreaterThan(0);
    const ink = chinese.map(inkOf);
    expect(ink.reduce((a, b) => a + b)).toBeGreaterThan(2 * boxInk);
    expect(new Set(ink).size).toBeGreaterThan(1);
  });

  it('draws Japanese kana and Korean Hangul from the font, full-width', () => {
    const spec = promptCard('あア한글');
    const layout = layoutCard(spec);
    expect([...layout.text[0]!.text].map((ch) => layout.face.cellsOf(ch))).toEqual([2, 2, 2, 2]);
    const cells = readCells(spec);
    expectFontGlyphs('あア한글', cells);
    expect(new Set(cells.map((c) => c.join('\n'))).size).toBe(4);
  });

  it('draws an emoji the font has from the font, and a character no font has as its code point in a box', () => {
    const [smiley, pua0, pua1] = readCells(promptCard('😀\u{e000}\u{e001}'));
    expect(smiley).not.toEqual(hexBoxRows(0x1f600));
    expect(inkOf(smiley!)).toBeGreaterThan(30);
    expect(pua0).toEqual(hexBoxRows(0xe000));
    expect(pua1).toEqual(hexBoxRows(0xe001));
    // Unlike the old hollow box, the stand-in carries the digits: E000 and E001 differ.
    expect(isHollowBox(pua0!)).toBe(false);
    expect(pua0).not.toEqual(pua1);
  });
});

describe('wrapping full-width text', () => {
  const twoCells = (ch: string) => (ch.codePointAt(0)! > 0x2e80 ? 2 : 1);

  it('breaks between Chinese characters, which have no spaces, counting each as two cells', () => {
    expect(wrapText('一二三四五六七八九十', 8, Number.POSITIVE_INFINITY, twoCells)).toEqual([
      '一二三四',
      '五六七八',
      '九十',
    ]);
    expect(wrapText('ab 一二三四五', 8, Number.POSITIVE_INFINITY, twoCells)).toEqual(['ab 一二', '三四五']);
  });

  it('never starts a line with closing punctuation and never ends one with an opening bracket', () => {
    expect(wrapText('我们好。再见', 6, Number.POSITIVE_INFINITY, twoCells)).toEqual(['我们', '好。再', '见']);
    expect(wrapText('他说「你好」', 6, Number.POSITIVE_INFINITY, twoCells)).toEqual(['他说', '「你', '好」']);
  });

  it('mixes Latin words and Chinese on one line, and keeps Korean words whole', () => {
    expect(wrapText('hello世界 and more', 10, Number.POSITIVE_INFINITY, twoCells)).toEqual([
      'hello世界',
      'and more',
    ]);
    expect(wrapText('한국어 프롬프트', 8, Number.POSITIVE_INFINITY, twoCells)).toEqual([
      '한국어',
      '프롬프트',
    ]);
  });

  it('cuts a too-long Chinese text with an ellipsis that fits the width', () => {
    const lines = wrapText('一二三四五六七八九十', 8, 2, twoCells);
    expect(lines).toEqual(['一二三四', '五六...']);
  });

  it('lays a long Chinese prompt out on several lines, all inside the card, losing no character', () => {
    const prompt = '一只柯基犬在日落时分的海边冲浪，巨大的海浪在它身后翻滚，阳光把水面染成金色。';
    const layout = layoutCard(promptCard(prompt, 1280, 720));
    expect(layout.face).not.toBe(asciiFace);
    expect(layout.text.length).toBeGreaterThanOrEqual(2);
    for (const run of layout.text) {
      expect(run.x).toBeGreaterThanOrEqual(0);
      expect(run.x + faceTextWidth(layout.face, run.text, run.scale)).toBeLessThanOrEqual(layout.width);
    }
    expect(layout.text.map((r) => r.text).join('')).toBe(prompt);
  });
});

describe('Chinese prompts in the PNG thumbnail', () => {
  async function inkRows(spec: CardSpec): Promise<{ rows: number[]; data: Buffer }> {
    const { data, info } = await sharp(await renderThumbnailPng(spec))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const layout = layoutCard(spec);
    const rows: number[] = [];
    for (let y = 0; y < Math.floor((layout.motionTop * info.height) / layout.height); y++) {
      let ink = 0;
      for (let x = 0; x < info.width; x++) if (data[(y * info.width + x) * 3]! > 130) ink++;
      rows.push(ink);
    }
    return { rows, data };
  }

  it('shows a long prompt as several lines of text, and two prompts of the same length differently', async () => {
    const long =
      '夕阳下的海边，一只小狗在沙滩上奔跑，海鸥在天空中飞翔，远处的帆船慢慢驶向港口，孩子们在堆沙堡。';
    const other =
      '清晨的森林里，薄雾笼罩着高大的松树，一只小鹿在溪边喝水，鸟儿在枝头歌唱，阳光透过树叶洒了下来。';
    expect([...other]).toHaveLength([...long].length);
    const a = await inkRows(promptCard(long, 1280, 720));
    const b = await inkRows(promptCard(other, 1280, 720));
    // Text lines are bands of inked rows separated by blank rows.
    const bands = a.rows.filter((ink, y) => ink > 0 && !(a.rows[y - 1]! > 0)).length;
    expect(bands).toBeGreaterThanOrEqual(2);
    let differing = 0;
    for (let i = 0; i < a.data.length; i += 3) if (a.data[i]! > 130 !== b.data[i]! > 130) differing++;
    expect(differing).toBeGreaterThan(2000);
  });
});
