import { expect } from 'vitest';
import { parseSps, type SpsInfo } from './h264-inspector.ts';
import { decodeSubset, type Picture, type SliceStats } from './h264-subset-decoder.ts';
import { inspectMp4, splitAvccSample } from './mp4-inspector.ts';

/** The MP4's boxes, its SPS and one NAL unit per sample (asserting there is exactly one). */
export function inspect(file: Buffer) {
  const mp4 = inspectMp4(file);
  const sps = parseSps(mp4.avcC.sps[0]!);
  const nals = mp4.samples.map((s) => {
    const units = splitAvccSample(s, mp4.avcC.lengthSize);
    expect(units).toHaveLength(1);
    return units[0]!;
  });
  return { mp4, sps, nals };
}

/** Decodes every frame; returns each slice's stats and copies of the frames listed in `keep`. */
export function decodeAll(sps: SpsInfo, nals: Uint8Array[], keep: number[] = []) {
  const stats: SliceStats[] = [];
  const kept = new Map<number, Picture>();
  decodeSubset(sps, nals, (i, pic, s) => {
    stats.push(s);
    if (keep.includes(i)) kept.set(i, { y: pic.y.slice(), u: pic.u.slice(), v: pic.v.slice() });
  });
  return { stats, kept };
}
