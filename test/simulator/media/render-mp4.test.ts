import { describe, expect, it } from 'vitest';
import { renderMp4 } from '../../../src/simulator/media/render-mp4.ts';
import { cardSpec, expectedFrame, lumaOf } from './card-fixtures.ts';
import { decodeAll, inspect } from './decode-mp4.ts';
import { parsePps } from './h264-inspector.ts';
import type { Mp4Summary } from './mp4-inspector.ts';

function sizeOf(mp4: Mp4Summary) {
  return mp4.sampleSizes.reduce((a, b) => a + b, 0);
}

describe('renderMp4 container', () => {
  const spec = cardSpec({ seconds: 4 });
  const file = renderMp4(spec);
  const { mp4, sps } = inspect(file);

  it('puts ftyp, then moov before mdat (fast start), with isom/avc1 brands', () => {
    expect(mp4.topLevel).toEqual(['ftyp', 'moov', 'mdat']);
    expect(mp4.majorBrand).toBe('isom');
    expect(mp4.compatibleBrands).toEqual(expect.arrayContaining(['isom', 'avc1']));
  });

  it('declares a 1280x720 video track lasting exactly the requested seconds at 24 fps', () => {
    expect(mp4.handler).toBe('vide');
    expect(mp4.sampleEntry).toBe('avc1');
    expect([mp4.trackWidth, mp4.trackHeight, mp4.entryWidth, mp4.entryHeight]).toEqual([
      1280, 720, 1280, 720,
    ]);
    expect(mp4.movieDuration / mp4.movieTimescale).toBe(4);
    expect(mp4.mediaDuration / mp4.mediaTimescale).toBe(4);
    expect(mp4.sampleDurations).toHaveLength(96);
    expect(new Set(mp4.sampleDurations)).toEqual(new Set([mp4.mediaTimescale / 24]));
  });

  it('lists only the first sample as a keyframe by default', () => {
    expect(mp4.syncSamples).toEqual([1]);
  });

  it('lays samples out contiguously inside mdat, covering it exactly', () => {
    const payloadStart = mp4.mdat.start + 8;
    expect(mp4.samples[0]!.byteOffset - file.byteOffset).toBe(payloadStart);
    expect(sizeOf(mp4)).toBe(mp4.mdat.size - 8);
  });

  it('carries a Constrained Baseline avcC whose SPS/PPS match it', () => {
    expect(mp4.avcC.profile).toBe(66);
    expect(mp4.avcC.compatibility & 0xc0).toBe(0xc0);
    expect(mp4.avcC.lengthSize).toBe(4);
    expect(sps.profileIdc).toBe(66);
    expect(sps.levelIdc).toBe(mp4.avcC.level);
    expect(sps.levelIdc).toBe(31);
    expect([sps.width, sps.height]).toEqual([1280, 720]);
    expect(sps.maxNumRefFrames).toBe(1);
    expect(sps.timing).toEqual({ numUnitsInTick: 1, timeScale: 48, fixed: true });
    expect(sps.maxDecFrameBuffering).toBe(1);
    const pps = parsePps(mp4.avcC.pps[0]!);
    expect(pps).toEqual({ cabac: false, deblockingControl: true });
  });
});

describe('renderMp4 bitstream', () => {
  it('codes an all-I_PCM IDR, then P frames that code only a few changed macroblocks', () => {
    const { sps, nals } = inspect(renderMp4(cardSpec({ seconds: 4 })));
    const { stats } = decodeAll(sps, nals);
    const mbCount = sps.mbWidth * sps.mbHeight;
    expect(stats[0]).toMatchObject({
      nalType: 5,
      frameNum: 0,
      pcmMacroblocks: mbCount,
      skippedMacroblocks: 0,
    });
    for (const s of stats.slice(1)) {
      expect(s.nalType).toBe(1);
      expect(s.pcmMacroblocks + s.skippedMacroblocks).toBe(mbCount);
      expect(s.pcmMacroblocks).toBeLessThan(20);
    }
    // The marker moves on every frame, so no P frame is entirely skipped.
    expect(stats.slice(1).every((s) => s.pcmMacroblocks > 0)).toBe(true);
  });

  it('decodes to exactly the pictures drawn, first, middle and last', () => {
    const spec = cardSpec({ seconds: 2 });
    const { sps, nals } = inspect(renderMp4(spec));
    const { kept } = decodeAll(sps, nals, [0, 24, 47]);
    for (const index of [0, 24, 47]) {
      const want = expectedFrame(spec, index);
      const got = kept.get(index)!;
      expect(Buffer.compare(got.y, want.y), `luma of frame ${index}`).toBe(0);
      expect(Buffer.compare(got.u, want.u), `Cb of frame ${index}`).toBe(0);
      expect(Buffer.compare(got.v, want.v), `Cr of frame ${index}`).toBe(0);
    }
    // And the picture actually moves.
    expect(Buffer.compare(kept.get(0)!.y, kept.get(47)!.y)).not.toBe(0);
  });

  it('shows the background colour in the corners of the decoded picture', () => {
    const spec = cardSpec({ seconds: 1 });
    const { sps, nals } = inspect(renderMp4(spec));
    const { kept } = decodeAll(sps, nals, [23]);
    const y = kept.get(23)!.y;
    const stride = sps.mbWidth * 16;
    expect(y[0]).toBe(lumaOf(spec.background));
    expect(y[(sps.height - 1) * stride + sps.width - 1]).toBe(lumaOf(spec.background));
  });

  it('wraps frame_num at 256 over a 12 s clip (288 frames)', () => {
    const { sps, nals } = inspect(renderMp4(cardSpec({ seconds: 12 })));
    expect(sps.log2MaxFrameNum).toBe(8);
    const { stats } = decodeAll(sps, nals);
    expect(stats).toHaveLength(288);
    expect(stats.map((s) => s.frameNum)).toEqual(stats.map((_, i) => i % 256));
  });

  it('keeps a 1280x720 12 s clip around 2 MB or less', () => {
    expect(renderMp4(cardSpec({ seconds: 12 })).length).toBeLessThan(2_100_000);
  });
});

describe('renderMp4 options and sizes', () => {
  it('emits an IDR every keyframeIntervalSeconds, growing the file accordingly', () => {
    const plain = renderMp4(cardSpec({ seconds: 4 }));
    const keyed = renderMp4(cardSpec({ seconds: 4, keyframeIntervalSeconds: 1 }));
    const { mp4, sps, nals } = inspect(keyed);
    expect(mp4.syncSamples).toEqual([1, 25, 49, 73]);
    const { stats } = decodeAll(sps, nals);
    const idrs = stats.flatMap((s, i) => (s.nalType === 5 ? [i] : []));
    expect(idrs).toEqual([0, 24, 48, 72]);
    expect(new Set(idrs.map((i) => stats[i]!.idrPicId)).size).toBe(4);
    expect(stats[25]!.frameNum).toBe(1);
    // Four ~1.4 MB keyframes instead of one.
    expect(keyed.length / plain.length).toBeGreaterThan(3);
    expect(keyed.length / plain.length).toBeLessThan(4.5);
  });

  it.each([
    [720, 1280, 31],
    [1024, 1792, 40],
    [1792, 1024, 40],
    [1920, 1080, 42],
    [480, 480, 30],
  ])('codes %ix%i at level %i with the exact picture size', (width, height, level) => {
    const { mp4, sps } = inspect(renderMp4(cardSpec({ width, height, seconds: 1 })));
    expect([sps.width, sps.height]).toEqual([width, height]);
    expect([mp4.trackWidth, mp4.trackHeight]).toEqual([width, height]);
    expect(sps.levelIdc).toBe(level);
  });

  it('crops sizes that are not whole macroblocks (1000x562 is coded as 1008x576)', () => {
    const { sps } = inspect(renderMp4(cardSpec({ width: 1000, height: 562, seconds: 1 })));
    expect([sps.mbWidth * 16, sps.mbHeight * 16]).toEqual([1008, 576]);
    expect(sps.crop).toEqual({ left: 0, right: 8, top: 0, bottom: 14 });
    expect([sps.width, sps.height]).toEqual([1000, 562]);
  });

  it('rounds odd sizes up to even, since 4:2:0 video cannot be odd', () => {
    const { sps } = inspect(renderMp4(cardSpec({ width: 481, height: 271, seconds: 1 })));
    expect([sps.width, sps.height]).toEqual([482, 272]);
  });

  it('honours a custom fps and fractional seconds', () => {
    const { mp4, sps } = inspect(renderMp4(cardSpec({ fps: 30, seconds: 1.5 })));
    expect(mp4.samples).toHaveLength(45);
    expect(mp4.mediaDuration / mp4.mediaTimescale).toBe(1.5);
    expect(mp4.movieDuration).toBe(1500);
    expect(sps.timing?.timeScale).toBe(60);
  });

  it('draws different prompts and remixes as different pictures', () => {
    const original = cardSpec({ seconds: 1 });
    const other = cardSpec({ seconds: 1, title: 'A lighthouse in a storm' });
    const remix = cardSpec({
      seconds: 1,
      lines: ['remix of video_123: make it night'],
      background: [10, 20, 60],
    });
    const a = renderMp4(original);
    expect(Buffer.compare(a, renderMp4(other))).not.toBe(0);
    expect(Buffer.compare(a, renderMp4(remix))).not.toBe(0);
    // Deterministic: the same spec gives the same bytes.
    expect(Buffer.compare(a, renderMp4(original))).toBe(0);
    const first = (spec: typeof original) => expectedFrame(spec, 0).y;
    expect(Buffer.compare(first(original), first(remix))).not.toBe(0);
  });

  it.each([
    [2, 2, 'x'],
    [16, 16, 'word '.repeat(600)],
    [34, 600, 'a tall, thin card with a long prompt '.repeat(20)],
    [600, 34, ''],
  ])(
    'still renders a valid, fully decodable stream at %ix%i, whatever the prompt length',
    (width, height, title) => {
      const spec = cardSpec({ width, height, seconds: 0.5, title });
      const { sps, nals } = inspect(renderMp4(spec));
      expect([sps.width, sps.height]).toEqual([width, height]);
      const { kept } = decodeAll(sps, nals, [11]);
      expect(Buffer.compare(kept.get(11)!.y, expectedFrame(spec, 11).y)).toBe(0);
    },
  );

  it.each([
    ['zero seconds', { seconds: 0 }],
    ['a huge width', { width: 100_000 }],
    ['NaN height', { height: Number.NaN }],
    ['fractional fps', { fps: 23.976 }],
  ])('rejects %s with a RangeError', (_label, overrides) => {
    expect(() => renderMp4(cardSpec(overrides))).toThrow(RangeError);
  });
});
