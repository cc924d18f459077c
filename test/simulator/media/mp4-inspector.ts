/**
 * A small ISO BMFF reader for tests: walks the box tree and pulls out what a
 * player needs (track geometry, timing, sample table, avcC) so tests can check
 * the muxer without ffprobe.
 */

export interface Box {
  type: string;
  /** Offset of the box header in the file. */
  start: number;
  size: number;
  /** Payload (after the 8- or 16-byte header). */
  body: Uint8Array;
  children: Box[];
}

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'dinf', 'stbl']);

export function parseBoxes(bytes: Uint8Array, offset = 0, end = bytes.length): Box[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const boxes: Box[] = [];
  let at = offset;
  while (at < end) {
    if (end - at < 8) throw new Error(`truncated box header at ${at}`);
    let size = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    let header = 8;
    if (size === 1) {
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    }
    if (size < header || at + size > end) throw new Error(`box ${type} at ${at} has bad size ${size}`);
    const body = bytes.subarray(at + header, at + size);
    const children = CONTAINERS.has(type) ? parseBoxes(bytes, at + header, at + size) : [];
    boxes.push({ type, start: at, size, body, children });
    at += size;
  }
  return boxes;
}

/** The first box at a path like `moov/trak/mdia/mdhd`. */
export function findBox(boxes: Box[], path: string): Box {
  let level = boxes;
  let found: Box | undefined;
  for (const type of path.split('/')) {
    found = level.find((b) => b.type === type);
    if (!found) throw new Error(`missing box ${path} (at ${type})`);
    level = found.children;
  }
  return found!;
}

export interface AvcConfig {
  profile: number;
  compatibility: number;
  level: number;
  lengthSize: number;
  sps: Uint8Array[];
  pps: Uint8Array[];
}

export interface Mp4Summary {
  topLevel: string[];
  majorBrand: string;
  compatibleBrands: string[];
  movieTimescale: number;
  movieDuration: number;
  trackWidth: number;
  trackHeight: number;
  mediaTimescale: number;
  mediaDuration: number;
  handler: string;
  sampleEntry: string;
  entryWidth: number;
  entryHeight: number;
  avcC: AvcConfig;
  /** Expanded stts: one duration per sample. */
  sampleDurations: number[];
  /** 1-based sync sample numbers, or undefined when stss is absent (all sync). */
  syncSamples: number[] | undefined;
  sampleSizes: number[];
  /** Each sample's bytes, located through stsc + stco. */
  samples: Uint8Array[];
  mdat: Box;
}

export function inspectMp4(file: Uint8Array): Mp4Summary {
  const boxes = parseBoxes(file);
  const r = (box: Box) => new DataView(box.body.buffer, box.body.byteOffset, box.body.byteLength);
  const ftyp = findBox(boxes, 'ftyp').body;
  const brands: string[] = [];
  for (let i = 8; i < ftyp.length; i += 4) brands.push(ascii(ftyp.subarray(i, i + 4)));
  const mvhd = r(findBox(boxes, 'moov/mvhd'));
  const tkhd = r(findBox(boxes, 'moov/trak/tkhd'));
  const mdhd = r(findBox(boxes, 'moov/trak/mdia/mdhd'));
  const hdlr = findBox(boxes, 'moov/trak/mdia/hdlr').body;
  const stbl = 'moov/trak/mdia/minf/stbl';
  const stsd = findBox(boxes, `${stbl}/stsd`).body;
  const entry = parseBoxes(stsd, 8)[0]!;
  const entryView = new DataView(entry.body.buffer, entry.body.byteOffset, entry.body.byteLength);
  // VisualSampleEntry: 78 bytes of fixed fields, then child boxes (avcC, pasp).
  const avcCBox = parseBoxes(entry.body, 78).find((b) => b.type === 'avcC');
  if (!avcCBox) throw new Error('avc1 has no avcC');
  const stts = r(findBox(boxes, `${stbl}/stts`));
  const sampleDurations: number[] = [];
  for (let i = 0; i < stts.getUint32(4); i++) {
    const count = stts.getUint32(8 + i * 8);
    const delta = stts.getUint32(12 + i * 8);
    for (let k = 0; k < count; k++) sampleDurations.push(delta);
  }
  const stbls = findBox(boxes, stbl).children;
  const stssBox = stbls.find((b) => b.type === 'stss');
  let syncSamples: number[] | undefined;
  if (stssBox) {
    const v = r(stssBox);
    syncSamples = Array.from({ length: v.getUint32(4) }, (_, i) => v.getUint32(8 + i * 4));
  }
  const stsz = r(findBox(boxes, `${stbl}/stsz`));
  const fixed = stsz.getUint32(4);
  const count = stsz.getUint32(8);
  const sampleSizes = Array.from({ length: count }, (_, i) => (fixed ? fixed : stsz.getUint32(12 + i * 4)));
  const chunkOffsets = readChunkOffsets(stbls, r);
  const samples = locateSamples(file, r(findBox(boxes, `${stbl}/stsc`)), chunkOffsets, sampleSizes);
  return {
    topLevel: boxes.map((b) => b.type),
    majorBrand: ascii(ftyp.subarray(0, 4)),
    compatibleBrands: brands,
    movieTimescale: mvhd.getUint32(12),
    movieDuration: mvhd.getUint32(16),
    trackWidth: tkhd.getUint32(76) / 0x10000,
    trackHeight: tkhd.getUint32(80) / 0x10000,
    mediaTimescale: mdhd.getUint32(12),
    mediaDuration: mdhd.getUint32(16),
    handler: ascii(hdlr.subarray(8, 12)),
    sampleEntry: entry.type,
    entryWidth: entryView.getUint16(24),
    entryHeight: entryView.getUint16(26),
    avcC: parseAvcC(avcCBox.body),
    sampleDurations,
    syncSamples,
    sampleSizes,
    samples,
    mdat: findBox(boxes, 'mdat'),
  };
}

function readChunkOffsets(stbls: Box[], r: (b: Box) => DataView): number[] {
  const stco = stbls.find((b) => b.type === 'stco');
  const co64 = stbls.find((b) => b.type === 'co64');
  if (stco) {
    const v = r(stco);
    return Array.from({ length: v.getUint32(4) }, (_, i) => v.getUint32(8 + i * 4));
  }
  if (!co64) throw new Error('no stco/co64');
  const v = r(co64);
  return Array.from({ length: v.getUint32(4) }, (_, i) => Number(v.getBigUint64(8 + i * 8)));
}

function locateSamples(
  file: Uint8Array,
  stsc: DataView,
  chunkOffsets: number[],
  sizes: number[],
): Uint8Array[] {
  const entries = Array.from({ length: stsc.getUint32(4) }, (_, i) => ({
    firstChunk: stsc.getUint32(8 + i * 12),
    perChunk: stsc.getUint32(12 + i * 12),
  }));
  const samples: Uint8Array[] = [];
  let sample = 0;
  chunkOffsets.forEach((offset, c) => {
    const entry = entries.filter((e) => e.firstChunk <= c + 1).at(-1);
    if (!entry) throw new Error(`no stsc entry for chunk ${c + 1}`);
    let at = offset;
    for (let k = 0; k < entry.perChunk && sample < sizes.length; k++, sample++) {
      const size = sizes[sample]!;
      if (at + size > file.length) throw new Error(`sample ${sample + 1} runs past the file`);
      samples.push(file.subarray(at, at + size));
      at += size;
    }
  });
  if (samples.length !== sizes.length)
    throw new Error(`stsc/stco place ${samples.length} of ${sizes.length} samples`);
  return samples;
}

function parseAvcC(b: Uint8Array): AvcConfig {
  if (b[0] !== 1) throw new Error(`avcC version ${b[0]}`);
  let at = 5;
  const take = (n: number) => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      const len = (b[at]! << 8) | b[at + 1]!;
      out.push(b.subarray(at + 2, at + 2 + len));
      at += 2 + len;
    }
    return out;
  };
  const sps = take(b[at++]! & 0x1f);
  const pps = take(b[at++]!);
  return { profile: b[1]!, compatibility: b[2]!, level: b[3]!, lengthSize: (b[4]! & 3) + 1, sps, pps };
}

/** Splits an AVCC sample into its NAL units (with `lengthSize`-byte big-endian prefixes). */
export function splitAvccSample(sample: Uint8Array, lengthSize = 4): Uint8Array[] {
  const units: Uint8Array[] = [];
  let at = 0;
  while (at < sample.length) {
    let len = 0;
    for (let i = 0; i < lengthSize; i++) len = len * 256 + sample[at + i]!;
    at += lengthSize;
    if (len === 0 || at + len > sample.length) throw new Error(`bad NAL length ${len} at ${at}`);
    units.push(sample.subarray(at, at + len));
    at += len;
  }
  return units;
}

function ascii(b: Uint8Array): string {
  return String.fromCharCode(...b);
}
