import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { rasterizeGlyph } from './rasterize-glyph.ts';
import { readWoffTables } from './woff-tables.ts';

/** A character drawn from a 16-pixel-high bitmap: one row per element, column 0 in bit 15. */
export interface Glyph {
  /** Half-width (8 pixels) or full-width (16 pixels, CJK and emoji). */
  readonly cells: 1 | 2;
  readonly rows: Uint16Array;
}

/** UnifontEX: GNU Unifont's 8×16 / 16×16 bitmaps for all of Unicode's BMP, plus emoji. */
const FONT_FILE = '@fontsource/unifontex/files/unifontex-latin-400-normal.woff';
export const UNIFONT_HEIGHT = 16;
const HALF_WIDTH_COLUMNS = 8;
/** The inflated font (~13 MB) is dropped after this long unused; the drawn glyphs stay cached. */
const IDLE_RELEASE_MS = 30_000;
/** Glyphs kept for later cards (a few hundred bytes each); the least recently used go first. */
const CACHE_LIMIT = 4096;

interface UnifontTables {
  glyf: Buffer;
  loca: Buffer;
  longOffsets: boolean;
  hmtx: Buffer;
  numberOfHMetrics: number;
  /** The format-12 cmap subtable: every Unicode plane. */
  cmap: Buffer;
  unitsPerEm: number;
  ascender: number;
}

let tables: UnifontTables | undefined;
let releaseTimer: NodeJS.Timeout | undefined;
/** `null`: the font has no glyph for that code point. */
const cache = new Map<number, Glyph | null>();

/**
 * Unifont's glyphs for `codePoints`, by code point; those the font lacks are
 * absent from the result. The font file is read only when a code point is not
 * cached yet, so ASCII-only cards never load it.
 * @throws Error when the font package is missing or unreadable.
 */
export function unifontGlyphs(codePoints: Iterable<number>): Map<number, Glyph> {
  const out = new Map<number, Glyph>();
  for (const code of codePoints) {
    if (out.has(code)) continue;
    let glyph = cache.get(code);
    if (glyph === undefined) {
      glyph = loadGlyph(openTables(), code);
      if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    } else {
      cache.delete(code); // re-inserted below: most recently used last
    }
    cache.set(code, glyph);
    if (glyph) out.set(code, glyph);
  }
  return out;
}

/** Whether the inflated font is held right now (it is only while non-ASCII cards are being drawn). */
export function unifontLoaded(): boolean {
  return tables !== undefined;
}

function openTables(): UnifontTables {
  if (!releaseTimer) {
    releaseTimer = setTimeout(() => {
      tables = undefined;
      releaseTimer = undefined;
    }, IDLE_RELEASE_MS);
    releaseTimer.unref();
  } else {
    releaseTimer.refresh();
  }
  tables ??= readUnifont();
  return tables;
}

function readUnifont(): UnifontTables {
  let file: Buffer;
  try {
    file = readFileSync(createRequire(import.meta.url).resolve(FONT_FILE));
  } catch (cause) {
    throw new Error(`cannot read the font for non-ASCII text (${FONT_FILE}); run \`npm ci\``, { cause });
  }
  const t = readWoffTables(file, ['cmap', 'glyf', 'head', 'hhea', 'hmtx', 'loca']);
  const head = t.get('head')!;
  const hhea = t.get('hhea')!;
  return {
    glyf: t.get('glyf')!,
    loca: t.get('loca')!,
    longOffsets: head.readInt16BE(50) === 1,
    hmtx: t.get('hmtx')!,
    numberOfHMetrics: hhea.readUInt16BE(34),
    cmap: fullUnicodeCmap(t.get('cmap')!),
    unitsPerEm: head.readUInt16BE(18),
    ascender: hhea.readInt16BE(4),
  };
}

function fullUnicodeCmap(cmap: Buffer): Buffer {
  for (let i = 0; i < cmap.readUInt16BE(2); i++) {
    const at = 4 + i * 8;
    const offset = cmap.readUInt32BE(at + 4);
    // Windows platform, full Unicode encoding, format 12 (sequential groups).
    if (cmap.readUInt16BE(at) === 3 && cmap.readUInt16BE(at + 2) === 10 && cmap.readUInt16BE(offset) === 12) {
      return cmap.subarray(offset, offset + cmap.readUInt32BE(offset + 4));
    }
  }
  throw new Error('the Unifont file has no full-Unicode (format 12) character map');
}

function glyphIndex(cmap: Buffer, code: number): number {
  let lo = 0;
  let hi = cmap.readUInt32BE(12) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = 16 + mid * 12;
    if (code < cmap.readUInt32BE(at)) hi = mid - 1;
    else if (code > cmap.readUInt32BE(at + 4)) lo = mid + 1;
    else return cmap.readUInt32BE(at + 8) + code - cmap.readUInt32BE(at);
  }
  return 0;
}

function loadGlyph(t: UnifontTables, code: number): Glyph | null {
  const gid = glyphIndex(t.cmap, code);
  if (gid === 0) return null;
  const advance = t.hmtx.readUInt16BE(Math.min(gid, t.numberOfHMetrics - 1) * 4);
  // Zero-advance glyphs (combining marks) are drawn left of their origin: not drawable on their own.
  if (advance === 0) return null;
  const cells = advance > t.unitsPerEm / 2 ? 2 : 1;
  const start = t.longOffsets ? t.loca.readUInt32BE(gid * 4) : t.loca.readUInt16BE(gid * 2) * 2;
  const end = t.longOffsets ? t.loca.readUInt32BE(gid * 4 + 4) : t.loca.readUInt16BE(gid * 2 + 2) * 2;
  const rows = rasterizeGlyph(t.glyf, start, end, {
    unitsPerPixel: t.unitsPerEm / UNIFONT_HEIGHT,
    top: t.ascender,
    columns: cells * HALF_WIDTH_COLUMNS,
    rows: UNIFONT_HEIGHT,
  });
  return { cells, rows };
}
