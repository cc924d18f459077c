/**
 * A strict reader for the H.264 subset the simulator writes: parameter sets
 * (with VUI) and slices made only of I_PCM and P_Skip macroblocks. It decodes
 * them into YUV pictures, so tests can compare what a decoder would show with
 * what was drawn, and it throws on any syntax it does not expect.
 */

export class BitReader {
  private bitPos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.bytes[this.bitPos >> 3];
      if (byte === undefined) throw new Error('read past end of RBSP');
      v = v * 2 + ((byte >> (7 - (this.bitPos & 7))) & 1);
      this.bitPos++;
    }
    return v;
  }

  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) {
      if (++zeros > 31) throw new Error('bad Exp-Golomb code');
    }
    return 2 ** zeros - 1 + this.u(zeros);
  }

  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -k / 2;
  }

  get aligned(): boolean {
    return (this.bitPos & 7) === 0;
  }

  /** Reads zero bits up to the byte boundary, failing on any 1. */
  alignZero(): void {
    while (!this.aligned) if (this.u(1) !== 0) throw new Error('non-zero alignment bit');
  }

  bytesAligned(n: number): Uint8Array {
    if (!this.aligned) throw new Error('unaligned byte read');
    const start = this.bitPos >> 3;
    if (start + n > this.bytes.length) throw new Error('PCM samples run past end of RBSP');
    this.bitPos += n * 8;
    return this.bytes.subarray(start, start + n);
  }

  /** Checks rbsp_trailing_bits: one stop bit, zeros to the boundary, and nothing after. */
  trailing(): void {
    if (this.u(1) !== 1) throw new Error('missing rbsp_stop_one_bit');
    this.alignZero();
    if (this.bitPos >> 3 !== this.bytes.length) throw new Error('data after rbsp_trailing_bits');
  }
}

/** Removes emulation prevention bytes; throws if a forbidden `00 00 0x` (x ≤ 2) sequence appears. */
export function nalToRbsp(nal: Uint8Array): { type: number; refIdc: number; rbsp: Uint8Array } {
  const header = nal[0]!;
  if (header & 0x80) throw new Error('forbidden_zero_bit set');
  const out: number[] = [];
  let zeros = 0;
  for (let i = 1; i < nal.length; i++) {
    const b = nal[i]!;
    if (zeros >= 2 && b <= 2 && b !== 3) throw new Error(`start-code emulation 00 00 0${b} at ${i}`);
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return { type: header & 0x1f, refIdc: (header >> 5) & 3, rbsp: Uint8Array.from(out) };
}

export interface SpsInfo {
  profileIdc: number;
  constraintFlags: number;
  levelIdc: number;
  log2MaxFrameNum: number;
  pocType: number;
  maxNumRefFrames: number;
  mbWidth: number;
  mbHeight: number;
  crop: { left: number; right: number; top: number; bottom: number };
  width: number;
  height: number;
  timing?: { numUnitsInTick: number; timeScale: number; fixed: boolean };
  maxDecFrameBuffering?: number;
}

export function parseSps(nal: Uint8Array): SpsInfo {
  const { type, rbsp } = nalToRbsp(nal);
  if (type !== 7) throw new Error(`not an SPS: type ${type}`);
  const r = new BitReader(rbsp);
  const profileIdc = r.u(8);
  const constraintFlags = r.u(8);
  const levelIdc = r.u(8);
  if (r.ue() !== 0) throw new Error('unexpected sps id');
  if (profileIdc !== 66 && profileIdc !== 77) throw new Error(`unexpected profile ${profileIdc}`);
  const log2MaxFrameNum = r.ue() + 4;
  const pocType = r.ue();
  if (pocType !== 2) throw new Error(`poc type ${pocType} not expected`);
  const maxNumRefFrames = r.ue();
  r.u(1); // gaps_in_frame_num_value_allowed_flag
  const mbWidth = r.ue() + 1;
  const mbHeight = r.ue() + 1;
  if (r.u(1) !== 1) throw new Error('interlaced streams not expected');
  r.u(1); // direct_8x8_inference_flag
  const crop = { left: 0, right: 0, top: 0, bottom: 0 };
  if (r.u(1)) {
    crop.left = r.ue() * 2;
    crop.right = r.ue() * 2;
    crop.top = r.ue() * 2;
    crop.bottom = r.ue() * 2;
  }
  const info: SpsInfo = {
    profileIdc,
    constraintFlags,
    levelIdc,
    log2MaxFrameNum,
    pocType,
    maxNumRefFrames,
    mbWidth,
    mbHeight,
    crop,
    width: mbWidth * 16 - crop.left - crop.right,
    height: mbHeight * 16 - crop.top - crop.bottom,
  };
  if (r.u(1)) parseVui(r, info);
  r.trailing();
  return info;
}

function parseVui(r: BitReader, info: SpsInfo): void {
  if (r.u(1) && r.u(8) === 255) r.u(32); // aspect ratio (+ explicit SAR)
  if (r.u(1)) r.u(1); // overscan
  if (r.u(1)) {
    r.u(4); // video_format, full range
    if (r.u(1)) r.u(24); // colour description
  }
  if (r.u(1)) {
    r.ue();
    r.ue();
  }
  if (r.u(1)) info.timing = { numUnitsInTick: r.u(32), timeScale: r.u(32), fixed: r.u(1) === 1 };
  if (r.u(1) || r.u(1)) throw new Error('HRD parameters not expected');
  r.u(1); // pic_struct_present_flag
  if (r.u(1)) {
    r.u(1);
    r.ue();
    r.ue();
    r.ue();
    r.ue();
    r.ue(); // max_num_reorder_frames
    info.maxDecFrameBuffering = r.ue();
  }
}

export interface PpsInfo {
  cabac: boolean;
  deblockingControl: boolean;
}

export function parsePps(nal: Uint8Array): PpsInfo {
  const { type, rbsp } = nalToRbsp(nal);
  if (type !== 8) throw new Error(`not a PPS: type ${type}`);
  const r = new BitReader(rbsp);
  r.ue();
  r.ue();
  const cabac = r.u(1) === 1;
  r.u(1);
  if (r.ue() !== 0) throw new Error('slice groups not expected');
  if (r.ue() !== 0 || r.ue() !== 0) throw new Error('one reference index expected');
  if (r.u(1) || r.u(2)) throw new Error('weighted prediction not expected');
  r.se();
  r.se();
  r.se();
  const deblockingControl = r.u(1) === 1;
  r.u(1);
  if (r.u(1)) throw new Error('redundant pictures not expected');
  r.trailing();
  return { cabac, deblockingControl };
}
