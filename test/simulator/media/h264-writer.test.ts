import { describe, expect, it } from 'vitest';
import { BitWriter } from '../../../src/simulator/media/bit-writer.ts';
import { chooseLevel } from '../../../src/simulator/media/h264-level.ts';
import { createH264Sequence, nalUnit } from '../../../src/simulator/media/h264-writer.ts';
import { BitReader, nalToRbsp, parsePps, parseSps } from './h264-inspector.ts';

describe('nalUnit emulation prevention', () => {
  it('inserts 03 after every 00 00 that precedes a byte ≤ 3, and nowhere else', () => {
    const rbsp = Uint8Array.from([0, 0, 0, 0, 0, 1, 0, 0, 3, 0, 0, 4, 5, 0, 0, 2, 0]);
    const nal = nalUnit(3, 1, rbsp);
    expect([...nal]).toEqual([0x61, 0, 0, 3, 0, 0, 3, 0, 1, 0, 0, 3, 3, 0, 0, 4, 5, 0, 0, 3, 2, 0]);
    expect([...nalToRbsp(nal).rbsp]).toEqual([...rbsp]);
  });

  it('round-trips random payloads rich in zeros', () => {
    let seed = 7;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 24;
    };
    for (let n = 0; n < 50; n++) {
      const rbsp = Uint8Array.from({ length: 200 }, () => (rand() < 128 ? 0 : rand() & 3));
      expect([...nalToRbsp(nalUnit(2, 5, rbsp)).rbsp]).toEqual([...rbsp]);
    }
  });
});

describe('BitWriter', () => {
  it('writes fixed fields and Exp-Golomb codes that read back', () => {
    const w = new BitWriter(2);
    w.bits(5, 3).ue(0).ue(7).se(-3).se(4).bits(0xdeadbeef, 32).ue(65535).trailingBits();
    const r = new BitReader(w.finish());
    expect([r.u(3), r.ue(), r.ue(), r.se(), r.se(), r.u(32), r.ue()]).toEqual([
      5, 0, 7, -3, 4, 0xdeadbeef, 65535,
    ]);
    r.trailing();
  });

  it('refuses byte copies when not byte aligned', () => {
    expect(() => new BitWriter().bit(1).bytes(new Uint8Array(4))).toThrow(/alignment/);
  });
});

describe('parameter sets', () => {
  it('chooses the lowest level that admits the frame size and rate', () => {
    expect(chooseLevel(80, 45, 24)).toBe(31); // 1280x720
    expect(chooseLevel(120, 68, 24)).toBe(42); // 1920x1080: a PCM keyframe needs more CPB than 4.0 has
    expect(chooseLevel(30, 30, 24)).toBe(30); // 480x480
    expect(chooseLevel(80, 45, 60)).toBe(32);
    expect(chooseLevel(240, 135, 30)).toBe(51); // 3840x2160
  });

  it('writes an SPS/PPS that parse strictly, with cropping only when needed', () => {
    const aligned = createH264Sequence(1280, 720, 24);
    expect(parseSps(aligned.sps).crop).toEqual({ left: 0, right: 0, top: 0, bottom: 0 });
    expect(parsePps(aligned.pps).deblockingControl).toBe(true);
    const cropped = parseSps(createH264Sequence(1920, 1080, 30).sps);
    expect(cropped).toMatchObject({ width: 1920, height: 1080, mbHeight: 68, crop: { bottom: 8 } });
    expect(cropped.timing).toEqual({ numUnitsInTick: 1, timeScale: 60, fixed: true });
  });

  it('rejects odd dimensions', () => {
    expect(() => createH264Sequence(641, 480, 24)).toThrow(RangeError);
  });
});
