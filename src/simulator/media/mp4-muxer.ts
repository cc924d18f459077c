/**
 * ISO BMFF (MP4) muxer for one H.264 video track. `moov` precedes `mdat`
 * ("fast start") so players can begin before the whole file has arrived.
 */

export interface Mp4VideoTrack {
  width: number;
  height: number;
  /** Media timescale (ticks per second). */
  timescale: number;
  /** Duration of every sample, in timescale ticks. */
  sampleDelta: number;
  /** avcC fields. */
  profileIdc: number;
  constraintFlags: number;
  levelIdc: number;
  sps: Uint8Array;
  pps: Uint8Array;
  /** Access units in decode order, each already AVCC (4-byte length-prefixed NAL units). */
  samples: readonly Uint8Array[];
  /** Whether each sample is a sync sample (IDR). */
  keyframes: readonly boolean[];
}

const MOVIE_TIMESCALE = 1000;
const UINT32_LIMIT = 0x1_0000_0000;

/** Builds the whole file in memory. */
export function muxMp4(track: Mp4VideoTrack): Buffer {
  const mediaDuration = track.samples.length * track.sampleDelta;
  const movieDuration = Math.round((mediaDuration * MOVIE_TIMESCALE) / track.timescale);
  let payloadSize = 0;
  for (const s of track.samples) payloadSize += s.length;

  const ftyp = box(
    'ftyp',
    ascii('isom'),
    u32(0x200),
    ascii('isom'),
    ascii('iso2'),
    ascii('avc1'),
    ascii('mp41'),
  );
  const mdatHeaderSize = payloadSize + 8 >= UINT32_LIMIT ? 16 : 8;
  // moov's size does not depend on the chunk offset's value, so measure it once with 0.
  const moovSize = moov(track, mediaDuration, movieDuration, 0).length;
  const mdatOffset = ftyp.length + moovSize + mdatHeaderSize;
  const moovBox = moov(track, mediaDuration, movieDuration, mdatOffset);
  const mdatHeader =
    mdatHeaderSize === 8
      ? concat([u32(payloadSize + 8), ascii('mdat')])
      : concat([u32(1), ascii('mdat'), u64(payloadSize + 16)]);
  const out = Buffer.allocUnsafe(mdatOffset + payloadSize);
  let o = 0;
  for (const part of [ftyp, moovBox, mdatHeader, ...track.samples]) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}

function moov(
  t: Mp4VideoTrack,
  mediaDuration: number,
  movieDuration: number,
  chunkOffset: number,
): Uint8Array {
  return box('moov', mvhd(movieDuration), trak(t, mediaDuration, movieDuration, chunkOffset));
}

function mvhd(duration: number): Uint8Array {
  return fullBox(
    'mvhd',
    0,
    0,
    u32(0), // creation_time: fixed so output is deterministic
    u32(0),
    u32(MOVIE_TIMESCALE),
    u32(duration),
    u32(0x0001_0000), // rate 1.0
    u16(0x0100), // volume 1.0
    new Uint8Array(10),
    MATRIX,
    new Uint8Array(24), // pre_defined
    u32(2), // next_track_ID
  );
}

function trak(
  t: Mp4VideoTrack,
  mediaDuration: number,
  movieDuration: number,
  chunkOffset: number,
): Uint8Array {
  const tkhd = fullBox(
    'tkhd',
    0,
    0x3, // enabled, in movie
    u32(0),
    u32(0),
    u32(1), // track_ID
    u32(0),
    u32(movieDuration),
    new Uint8Array(8),
    u16(0), // layer
    u16(0), // alternate_group
    u16(0), // volume: 0 for video
    u16(0),
    MATRIX,
    u32(t.width * 0x1_0000), // 16.16 fixed point
    u32(t.height * 0x1_0000),
  );
  const mdhd = fullBox(
    'mdhd',
    0,
    0,
    u32(0),
    u32(0),
    u32(t.timescale),
    u32(mediaDuration),
    u16(0x55c4),
    u16(0),
  ); // 'und'
  const hdlr = fullBox('hdlr', 0, 0, u32(0), ascii('vide'), new Uint8Array(12), ascii('VideoHandler\0'));
  const vmhd = fullBox('vmhd', 0, 1, new Uint8Array(8));
  const dinf = box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1)));
  const minf = box('minf', vmhd, dinf, stbl(t, chunkOffset));
  return box('trak', tkhd, box('mdia', mdhd, hdlr, minf));
}

function stbl(t: Mp4VideoTrack, chunkOffset: number): Uint8Array {
  const n = t.samples.length;
  const sizes = new Uint8Array(n * 4);
  const view = new DataView(sizes.buffer);
  const syncNumbers: number[] = [];
  for (let i = 0; i < n; i++) {
    view.setUint32(i * 4, t.samples[i]!.length);
    if (t.keyframes[i]) syncNumbers.push(i + 1);
  }
  const stss = fullBox('stss', 0, 0, u32(syncNumbers.length), ...syncNumbers.map(u32));
  // One chunk holds every sample (a single track has nothing to interleave), and it starts
  // right after the small header boxes, so a 32-bit stco always suffices; co64 is never needed.
  const stco = fullBox('stco', 0, 0, u32(1), u32(chunkOffset));
  return box(
    'stbl',
    fullBox('stsd', 0, 0, u32(1), avc1(t)),
    fullBox('stts', 0, 0, u32(1), u32(n), u32(t.sampleDelta)),
    stss,
    fullBox('stsc', 0, 0, u32(1), u32(1), u32(n), u32(1)),
    fullBox('stsz', 0, 0, u32(0), u32(n), sizes),
    stco,
  );
}

function avc1(t: Mp4VideoTrack): Uint8Array {
  const avcC = box(
    'avcC',
    new Uint8Array([1, t.profileIdc, t.constraintFlags, t.levelIdc, 0xff, 0xe1]), // 4-byte lengths, 1 SPS
    u16(t.sps.length),
    t.sps,
    new Uint8Array([1]),
    u16(t.pps.length),
    t.pps,
  );
  const compressorName = new Uint8Array(32);
  return box(
    'avc1',
    new Uint8Array(6),
    u16(1), // data_reference_index
    new Uint8Array(16), // pre_defined + reserved
    u16(t.width),
    u16(t.height),
    u32(0x0048_0000), // 72 dpi
    u32(0x0048_0000),
    u32(0),
    u16(1), // frame_count
    compressorName,
    u16(0x0018), // depth
    u16(0xffff), // pre_defined = -1
    avcC,
    box('pasp', u32(1), u32(1)),
  );
}

const MATRIX = (() => {
  const m = new Uint8Array(36);
  const v = new DataView(m.buffer);
  v.setUint32(0, 0x0001_0000);
  v.setUint32(16, 0x0001_0000);
  v.setUint32(32, 0x4000_0000);
  return m;
})();

function box(type: string, ...parts: Uint8Array[]): Uint8Array {
  return concat([u32(8 + parts.reduce((n, p) => n + p.length, 0)), ascii(type), ...parts]);
}

function fullBox(type: string, version: number, flags: number, ...parts: Uint8Array[]): Uint8Array {
  return box(type, u32(((version & 0xff) << 24) | (flags & 0xff_ffff)), ...parts);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function u16(v: number): Uint8Array {
  return new Uint8Array([(v >>> 8) & 0xff, v & 0xff]);
}

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0);
  return b;
}

function u64(v: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v));
  return b;
}

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}
