/**
 * H.264 level selection (Rec. ITU-T H.264 Table A-1), Baseline/Main limits.
 */
interface LevelLimits {
  idc: number;
  /** Max macroblocks per second. */
  maxMbps: number;
  /** Max frame size in macroblocks. */
  maxFs: number;
  /** Max coded picture buffer, kbit (VCL, Baseline factor 1000). */
  maxCpb: number;
}

const LEVELS: readonly LevelLimits[] = [
  { idc: 30, maxMbps: 40_500, maxFs: 1_620, maxCpb: 10_000 },
  { idc: 31, maxMbps: 108_000, maxFs: 3_600, maxCpb: 14_000 },
  { idc: 32, maxMbps: 216_000, maxFs: 5_120, maxCpb: 20_000 },
  { idc: 40, maxMbps: 245_760, maxFs: 8_192, maxCpb: 25_000 },
  { idc: 42, maxMbps: 522_240, maxFs: 8_704, maxCpb: 62_500 },
  { idc: 50, maxMbps: 589_824, maxFs: 22_080, maxCpb: 135_000 },
  { idc: 51, maxMbps: 983_040, maxFs: 36_864, maxCpb: 240_000 },
  { idc: 52, maxMbps: 2_073_600, maxFs: 36_864, maxCpb: 240_000 },
];

/**
 * The lowest level whose frame size, macroblock rate, picture dimensions and
 * coded picture buffer admit this stream. An uncompressed I_PCM keyframe is the
 * largest picture we emit, so it must fit the CPB; that is what pushes big
 * frames up a level. (Our I_PCM pictures cannot meet the levels' minimum
 * compression ratio at all; decoders do not enforce it.)
 */
export function chooseLevel(mbWidth: number, mbHeight: number, fps: number): number {
  const frameMbs = mbWidth * mbHeight;
  const pcmFrameKbit = (frameMbs * 384 * 8) / 1000;
  for (const level of LEVELS) {
    const maxSide = Math.sqrt(level.maxFs * 8);
    if (
      frameMbs <= level.maxFs &&
      frameMbs * fps <= level.maxMbps &&
      mbWidth <= maxSide &&
      mbHeight <= maxSide &&
      pcmFrameKbit <= level.maxCpb
    ) {
      return level.idc;
    }
  }
  return 52;
}
