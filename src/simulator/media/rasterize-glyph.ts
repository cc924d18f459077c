/** Where a glyph's pixel grid sits in font units. */
export interface PixelGrid {
  /** Font units per pixel (Unifont: 1024 units per em / 16 pixels = 64). */
  unitsPerPixel: number;
  /** Font units from the baseline up to the top of row 0. */
  top: number;
  /** Columns drawn, at most 16 (row bit 15 is column 0). */
  columns: number;
  rows: number;
}

type Edge = [x0: number, y0: number, x1: number, y1: number];

const ON_CURVE = 0x01;
const X_SHORT = 0x02;
const Y_SHORT = 0x04;
const REPEAT = 0x08;
const X_SAME_OR_POSITIVE = 0x10;
const Y_SAME_OR_POSITIVE = 0x20;
/** Line segments per quadratic curve: plenty at 16 pixels per em. */
const CURVE_STEPS = 4;

/**
 * Samples a TrueType simple glyph (`glyf` bytes `[start, end)`) at pixel centres
 * with the non-zero winding rule: one row per array element, column 0 in bit 15.
 * For a pixel font whose outlines are pixel squares, this recovers its bitmap
 * exactly. Composite glyphs (none in Unifont) come out blank.
 */
export function rasterizeGlyph(glyf: Buffer, start: number, end: number, grid: PixelGrid): Uint16Array {
  const rows = new Uint16Array(grid.rows);
  if (end <= start || glyf.readInt16BE(start) <= 0) return rows;
  const edges = glyphEdges(glyf, start);
  const crossings: [x: number, winding: number][] = [];
  for (let r = 0; r < grid.rows; r++) {
    const y = grid.top - (r + 0.5) * grid.unitsPerPixel;
    crossings.length = 0;
    for (const [x0, y0, x1, y1] of edges) {
      if (y0 === y1 || y < Math.min(y0, y1) || y >= Math.max(y0, y1)) continue;
      crossings.push([x0 + ((y - y0) * (x1 - x0)) / (y1 - y0), y1 > y0 ? 1 : -1]);
    }
    crossings.sort((a, b) => a[0] - b[0]);
    let winding = 0;
    let bits = 0;
    for (let i = 0; i < crossings.length; i++) {
      const [x, w] = crossings[i]!;
      winding += w;
      if (winding === 0) continue;
      const next = crossings[i + 1]?.[0] ?? x;
      // Columns whose centre (c + 0.5) lies strictly between the two crossings.
      const from = Math.max(0, Math.floor(x / grid.unitsPerPixel - 0.5) + 1);
      const to = Math.min(grid.columns - 1, Math.ceil(next / grid.unitsPerPixel - 0.5) - 1);
      for (let c = from; c <= to; c++) bits |= 0x8000 >> c;
    }
    rows[r] = bits;
  }
  return rows;
}

/** The glyph's contours as straight edges, curves flattened. */
function glyphEdges(glyf: Buffer, start: number): Edge[] {
  const contours = glyf.readInt16BE(start);
  let at = start + 10;
  const ends: number[] = [];
  for (let i = 0; i < contours; i++, at += 2) ends.push(glyf.readUInt16BE(at));
  const count = (ends[ends.length - 1] ?? -1) + 1;
  at += 2 + glyf.readUInt16BE(at); // skip the hinting instructions
  const flags = new Uint8Array(count);
  for (let i = 0; i < count; ) {
    const f = glyf[at++]!;
    flags[i++] = f;
    if (f & REPEAT) for (let n = glyf[at++]!; n > 0 && i < count; n--) flags[i++] = f;
  }
  const xs = new Float64Array(count);
  const ys = new Float64Array(count);
  at = readCoordinates(glyf, at, flags, xs, X_SHORT, X_SAME_OR_POSITIVE);
  readCoordinates(glyf, at, flags, ys, Y_SHORT, Y_SAME_OR_POSITIVE);

  const edges: Edge[] = [];
  let first = 0;
  for (const last of ends) {
    const points: [number, number, boolean][] = [];
    for (let i = first; i <= last; i++) points.push([xs[i]!, ys[i]!, (flags[i]! & ON_CURVE) !== 0]);
    contourEdges(points, edges);
    first = last + 1;
  }
  return edges;
}

function readCoordinates(
  glyf: Buffer,
  at: number,
  flags: Uint8Array,
  out: Float64Array,
  short: number,
  sameOrPositive: number,
): number {
  let value = 0;
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i]!;
    if (f & short) {
      const d = glyf[at++]!;
      value += f & sameOrPositive ? d : -d;
    } else if (!(f & sameOrPositive)) {
      value += glyf.readInt16BE(at);
      at += 2;
    }
    out[i] = value;
  }
  return at;
}

/** TrueType quadratic contour: two off-curve points in a row imply an on-curve midpoint. */
function contourEdges(points: [number, number, boolean][], edges: Edge[]): void {
  if (points.length < 2) return;
  const startIndex = points.findIndex((p) => p[2]);
  const p0 = points[0]!;
  const p1 = points[1]!;
  const start: [number, number] =
    startIndex >= 0
      ? [points[startIndex]![0], points[startIndex]![1]]
      : [(p0[0] + p1[0]) / 2, (p0[1] + p1[1]) / 2];
  const from = Math.max(0, startIndex);
  let prev = start;
  let control: [number, number] | undefined;
  for (let k = 1; k <= points.length; k++) {
    const [x, y, on] = points[(from + k) % points.length]!;
    if (on) {
      addSegment(edges, prev, control, [x, y]);
      prev = [x, y];
      control = undefined;
    } else if (control) {
      const mid: [number, number] = [(control[0] + x) / 2, (control[1] + y) / 2];
      addSegment(edges, prev, control, mid);
      prev = mid;
      control = [x, y];
    } else {
      control = [x, y];
    }
  }
  addSegment(edges, prev, control, start);
}

function addSegment(
  edges: Edge[],
  a: [number, number],
  control: [number, number] | undefined,
  b: [number, number],
): void {
  if (!control) {
    edges.push([a[0], a[1], b[0], b[1]]);
    return;
  }
  let [px, py] = a;
  for (let s = 1; s <= CURVE_STEPS; s++) {
    const t = s / CURVE_STEPS;
    const u = 1 - t;
    const x = u * u * a[0] + 2 * u * t * control[0] + t * t * b[0];
    const y = u * u * a[1] + 2 * u * t * control[1] + t * t * b[1];
    edges.push([px, py, x, y]);
    px = x;
    py = y;
  }
}
