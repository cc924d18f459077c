import { BitWriter } from './bit-writer.ts';
import type { YuvFrame } from './frame.ts';
import { chooseLevel } from './h264-level.ts';

/**
 * A minimal H.264 Constrained Baseline (CAVLC) encoder: keyframes made only of
 * I_PCM macroblocks (raw samples, no transform), later frames made of P_Skip
 * macroblocks plus I_PCM ones where the picture changed. No prediction, no
 * entropy tricks, yet any conforming decoder plays it.
 */

const NAL_SLICE = 1;
const NAL_IDR = 5;
const NAL_SPS = 7;
const NAL_PPS = 8;

const PROFILE_BASELINE = 66;
/** constraint_set0 (Baseline) + constraint_set1 (Main-compatible) = Constrained Baseline. */
const CONSTRAINT_FLAGS = 0b1100_0000;
/** log2_max_frame_num = 8: frame_num wraps every 256 frames (exercised by clips over ~10 s). */
const LOG2_MAX_FRAME_NUM = 8;

const MB_TYPE_I_PCM_IN_I_SLICE = 25;
/** In P slices intra types are offset by the 5 inter types. */
const MB_TYPE_I_PCM_IN_P_SLICE = 30;
const SLICE_TYPE_P_ALL = 5;
const SLICE_TYPE_I_ALL = 7;

/** Everything fixed for one stream: its parameter sets and geometry. */
export interface H264Sequence {
  readonly width: number;
  readonly height: number;
  readonly mbWidth: number;
  readonly mbHeight: number;
  readonly profileIdc: number;
  readonly constraintFlags: number;
  readonly levelIdc: number;
  readonly log2MaxFrameNum: number;
  /** SPS NAL unit (header + escaped RBSP), as stored in avcC. */
  readonly sps: Uint8Array;
  readonly pps: Uint8Array;
}

/**
 * Parameter sets for a `width × height` (even, ≥ 2) stream at `fps`. Sizes that
 * are not multiples of 16 are coded padded and cropped back by the SPS.
 */
export function createH264Sequence(width: number, height: number, fps: number): H264Sequence {
  if (width < 2 || height < 2 || width % 2 !== 0 || height % 2 !== 0) {
    throw new RangeError(`H.264 4:2:0 needs even dimensions, got ${width}x${height}`);
  }
  const mbWidth = Math.ceil(width / 16);
  const mbHeight = Math.ceil(height / 16);
  const levelIdc = chooseLevel(mbWidth, mbHeight, fps);
  const geometry = { width, height, mbWidth, mbHeight, levelIdc, fps };
  return {
    width,
    height,
    mbWidth,
    mbHeight,
    profileIdc: PROFILE_BASELINE,
    constraintFlags: CONSTRAINT_FLAGS,
    levelIdc,
    log2MaxFrameNum: LOG2_MAX_FRAME_NUM,
    sps: nalUnit(3, NAL_SPS, writeSps(geometry)),
    pps: nalUnit(3, NAL_PPS, writePps()),
  };
}

interface Geometry {
  width: number;
  height: number;
  mbWidth: number;
  mbHeight: number;
  levelIdc: number;
  fps: number;
}

function writeSps(g: Geometry): Uint8Array {
  const w = new BitWriter(64);
  w.bits(PROFILE_BASELINE, 8).bits(CONSTRAINT_FLAGS, 8).bits(g.levelIdc, 8);
  w.ue(0); // seq_parameter_set_id
  w.ue(LOG2_MAX_FRAME_NUM - 4);
  w.ue(2); // pic_order_cnt_type 2: output order = decode order, no POC syntax in slices
  w.ue(1); // max_num_ref_frames
  w.bit(0); // gaps_in_frame_num_value_allowed_flag
  w.ue(g.mbWidth - 1);
  w.ue(g.mbHeight - 1);
  w.bit(1); // frame_mbs_only_flag
  w.bit(1); // direct_8x8_inference_flag
  const cropRight = g.mbWidth * 16 - g.width;
  const cropBottom = g.mbHeight * 16 - g.height;
  const cropping = cropRight > 0 || cropBottom > 0;
  w.bit(cropping);
  if (cropping) {
    // Crop units are 2 luma samples in each direction for 4:2:0 frames.
    w.ue(0)
      .ue(cropRight / 2)
      .ue(0)
      .ue(cropBottom / 2);
  }
  w.bit(1); // vui_parameters_present_flag
  writeVui(w, g.fps);
  return w.trailingBits().finish();
}

/** VUI: square pixels, BT.601 colour, the frame rate, and "no reordering" so decoders output at once. */
function writeVui(w: BitWriter, fps: number): void {
  w.bit(1).bits(1, 8); // aspect_ratio_info_present_flag, aspect_ratio_idc 1 = 1:1
  w.bit(0); // overscan_info_present_flag
  w.bit(1).bits(5, 3).bit(0); // video_signal_type_present_flag, video_format unspecified, limited range
  w.bit(1).bits(6, 8).bits(6, 8).bits(6, 8); // colour description: SMPTE 170M (BT.601) primaries/transfer/matrix
  w.bit(0); // chroma_loc_info_present_flag
  const integral = Number.isInteger(fps);
  w.bit(1); // timing_info_present_flag
  w.bits(integral ? 1 : 1000, 32); // num_units_in_tick
  w.bits(integral ? fps * 2 : Math.round(fps * 2000), 32); // time_scale (two ticks per frame)
  w.bit(1); // fixed_frame_rate_flag
  w.bit(0).bit(0); // nal/vcl HRD absent
  w.bit(0); // pic_struct_present_flag
  w.bit(1); // bitstream_restriction_flag
  w.bit(1); // motion_vectors_over_pic_boundaries_flag
  w.ue(0).ue(0); // max_bytes_per_pic_denom, max_bits_per_mb_denom: no limit
  w.ue(16).ue(16); // log2_max_mv_length_horizontal/vertical
  w.ue(0); // max_num_reorder_frames
  w.ue(1); // max_dec_frame_buffering
}

function writePps(): Uint8Array {
  const w = new BitWriter(16);
  w.ue(0).ue(0); // pic_parameter_set_id, seq_parameter_set_id
  w.bit(0); // entropy_coding_mode_flag: CAVLC
  w.bit(0); // bottom_field_pic_order_in_frame_present_flag
  w.ue(0); // num_slice_groups_minus1
  w.ue(0).ue(0); // num_ref_idx_l0/l1_default_active_minus1
  w.bit(0).bits(0, 2); // weighted_pred_flag, weighted_bipred_idc
  w.se(0).se(0).se(0); // pic_init_qp_minus26, pic_init_qs_minus26, chroma_qp_index_offset
  w.bit(1); // deblocking_filter_control_present_flag
  w.bit(0); // constrained_intra_pred_flag
  w.bit(0); // redundant_pic_cnt_present_flag
  return w.trailingBits().finish();
}

/** An IDR access unit's single slice: every macroblock I_PCM. */
export function encodeIdrSlice(seq: H264Sequence, frame: YuvFrame, idrPicId: number): Uint8Array {
  const mbCount = seq.mbWidth * seq.mbHeight;
  const w = new BitWriter(mbCount * 386 + 32);
  w.ue(0).ue(SLICE_TYPE_I_ALL).ue(0); // first_mb_in_slice, slice_type, pic_parameter_set_id
  w.bits(0, seq.log2MaxFrameNum); // frame_num is 0 for IDR pictures
  w.ue(idrPicId & 0xffff);
  w.bit(0).bit(0); // dec_ref_pic_marking: no_output_of_prior_pics_flag, long_term_reference_flag
  w.se(0); // slice_qp_delta
  w.ue(1); // disable_deblocking_filter_idc: off, PCM needs none and it keeps skips exact
  for (let my = 0; my < seq.mbHeight; my++) {
    for (let mx = 0; mx < seq.mbWidth; mx++) {
      w.ue(MB_TYPE_I_PCM_IN_I_SLICE);
      writePcmSamples(w, frame, mx, my);
    }
  }
  return nalUnit(3, NAL_IDR, w.trailingBits().finish());
}

/**
 * A P picture's single slice: `changed[mbAddr] !== 0` macroblocks are coded
 * I_PCM, the rest are skipped (copied from the previous picture).
 */
export function encodePSlice(
  seq: H264Sequence,
  frame: YuvFrame,
  frameNum: number,
  changed: Uint8Array,
): Uint8Array {
  let coded = 0;
  for (const c of changed) if (c) coded++;
  const w = new BitWriter(coded * 390 + 64);
  w.ue(0).ue(SLICE_TYPE_P_ALL).ue(0);
  w.bits(frameNum % (1 << seq.log2MaxFrameNum), seq.log2MaxFrameNum);
  w.bit(0); // num_ref_idx_active_override_flag
  w.bit(0); // ref_pic_list_modification_flag_l0
  w.bit(0); // adaptive_ref_pic_marking_mode_flag: sliding window
  w.se(0);
  w.ue(1);
  const mbCount = seq.mbWidth * seq.mbHeight;
  let skipRun = 0;
  for (let addr = 0; addr < mbCount; addr++) {
    if (!changed[addr]) {
      skipRun++;
      continue;
    }
    w.ue(skipRun); // mb_skip_run precedes every coded macroblock, even when 0
    skipRun = 0;
    w.ue(MB_TYPE_I_PCM_IN_P_SLICE);
    writePcmSamples(w, frame, addr % seq.mbWidth, Math.floor(addr / seq.mbWidth));
  }
  if (skipRun > 0) w.ue(skipRun);
  return nalUnit(2, NAL_SLICE, w.trailingBits().finish());
}

/** pcm_alignment_zero_bits, then 256 luma, 64 Cb and 64 Cr samples in raster order. */
function writePcmSamples(w: BitWriter, frame: YuvFrame, mx: number, my: number): void {
  w.alignZero();
  const ls = frame.mbWidth * 16;
  for (let row = 0; row < 16; row++) {
    const o = (my * 16 + row) * ls + mx * 16;
    w.bytes(frame.y, o, o + 16);
  }
  const cs = frame.mbWidth * 8;
  for (const plane of [frame.u, frame.v]) {
    for (let row = 0; row < 8; row++) {
      const o = (my * 8 + row) * cs + mx * 8;
      w.bytes(plane, o, o + 8);
    }
  }
}

/** NAL header byte + RBSP with emulation prevention (`00 00 0x`, x ≤ 3, gets an `03` inserted). */
export function nalUnit(refIdc: number, type: number, rbsp: Uint8Array): Uint8Array {
  const escapes = escapePositions(rbsp);
  const out = new Uint8Array(1 + rbsp.length + escapes.length);
  out[0] = (refIdc << 5) | type;
  let from = 0;
  let o = 1;
  for (const at of escapes) {
    out.set(rbsp.subarray(from, at), o);
    o += at - from;
    out[o++] = 3;
    from = at;
  }
  out.set(rbsp.subarray(from), o);
  return out;
}

/**
 * Offsets before which an emulation prevention byte goes. Zero bytes are rare
 * (PCM samples are never 0), so jump between them with the native `indexOf`.
 */
function escapePositions(rbsp: Uint8Array): number[] {
  const positions: number[] = [];
  let i = rbsp.indexOf(0);
  while (i >= 0 && i + 2 < rbsp.length) {
    if (rbsp[i + 1] === 0 && rbsp[i + 2]! <= 3) {
      positions.push(i + 2);
      // The escaped byte restarts the zero count; a zero there may begin a new pair.
      i = rbsp[i + 2] === 0 ? i + 2 : rbsp.indexOf(0, i + 3);
    } else {
      i = rbsp.indexOf(0, i + 1);
    }
  }
  return positions;
}
