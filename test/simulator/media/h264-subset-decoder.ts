import { BitReader, nalToRbsp, type SpsInfo } from './h264-inspector.ts';

/** A decoded picture at its coded (macroblock-padded) size. */
export interface Picture {
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
}

export interface SliceStats {
  nalType: number;
  frameNum: number;
  idrPicId?: number;
  pcmMacroblocks: number;
  skippedMacroblocks: number;
  disableDeblocking: number;
}

/**
 * Decodes a stream of single-slice access units built from I_PCM and P_Skip
 * macroblocks (the only tools the simulator uses; with deblocking off, P_Skip
 * with a zero motion predictor copies the co-located block). Calls `onPicture`
 * after each access unit with the current picture (reused; copy to keep).
 */
export function decodeSubset(
  sps: SpsInfo,
  accessUnits: readonly Uint8Array[],
  onPicture: (index: number, picture: Picture, stats: SliceStats) => void,
): void {
  const lumaSize = sps.mbWidth * 16 * sps.mbHeight * 16;
  const picture: Picture = {
    y: new Uint8Array(lumaSize),
    u: new Uint8Array(lumaSize / 4),
    v: new Uint8Array(lumaSize / 4),
  };
  let haveReference = false;
  accessUnits.forEach((nal, index) => {
    const stats = decodeSlice(sps, nal, picture, haveReference);
    haveReference = true;
    onPicture(index, picture, stats);
  });
}

function decodeSlice(sps: SpsInfo, nal: Uint8Array, pic: Picture, haveReference: boolean): SliceStats {
  const { type, refIdc, rbsp } = nalToRbsp(nal);
  if (type !== 5 && type !== 1) throw new Error(`unexpected NAL type ${type} in a sample`);
  if (refIdc === 0) throw new Error('non-reference picture: the next P frame would predict from a stale one');
  const idr = type === 5;
  if (!idr && !haveReference) throw new Error('P slice before any IDR');
  const r = new BitReader(rbsp);
  if (r.ue() !== 0) throw new Error('first_mb_in_slice must be 0 (one slice per picture)');
  const sliceType = r.ue() % 5;
  if (idr ? sliceType !== 2 : sliceType !== 0) throw new Error(`slice type ${sliceType} in NAL type ${type}`);
  if (r.ue() !== 0) throw new Error('unexpected pps id');
  const frameNum = r.u(sps.log2MaxFrameNum);
  const stats: SliceStats = {
    nalType: type,
    frameNum,
    pcmMacroblocks: 0,
    skippedMacroblocks: 0,
    disableDeblocking: 0,
  };
  if (idr) stats.idrPicId = r.ue();
  if (!idr) {
    if (r.u(1)) throw new Error('num_ref_idx_active_override not expected');
    if (r.u(1)) throw new Error('ref_pic_list_modification not expected');
  }
  if (idr) r.u(2);
  else if (r.u(1)) throw new Error('adaptive ref pic marking not expected');
  if (r.se() !== 0) throw new Error('slice_qp_delta');
  stats.disableDeblocking = r.ue();
  if (stats.disableDeblocking !== 1) throw new Error('deblocking must be off for exact skips');

  const mbCount = sps.mbWidth * sps.mbHeight;
  let addr = 0;
  while (addr < mbCount) {
    if (!idr) {
      const run = r.ue();
      if (addr + run > mbCount) throw new Error('mb_skip_run past the picture');
      stats.skippedMacroblocks += run; // skipped blocks keep the previous picture's samples
      addr += run;
      if (addr === mbCount) break;
    }
    const mbType = r.ue();
    if (mbType !== (idr ? 25 : 30)) throw new Error(`mb_type ${mbType} at ${addr} is not I_PCM`);
    r.alignZero();
    writeMacroblock(pic, sps.mbWidth, addr, r.bytesAligned(384));
    stats.pcmMacroblocks++;
    addr++;
  }
  r.trailing();
  return stats;
}

function writeMacroblock(pic: Picture, mbWidth: number, addr: number, pcm: Uint8Array): void {
  const mx = addr % mbWidth;
  const my = Math.floor(addr / mbWidth);
  for (const s of pcm) if (s === 0) throw new Error('PCM sample 0');
  const ls = mbWidth * 16;
  for (let row = 0; row < 16; row++)
    pic.y.set(pcm.subarray(row * 16, row * 16 + 16), (my * 16 + row) * ls + mx * 16);
  const cs = mbWidth * 8;
  for (let row = 0; row < 8; row++) {
    pic.u.set(pcm.subarray(256 + row * 8, 264 + row * 8), (my * 8 + row) * cs + mx * 8);
    pic.v.set(pcm.subarray(320 + row * 8, 328 + row * 8), (my * 8 + row) * cs + mx * 8);
  }
}
