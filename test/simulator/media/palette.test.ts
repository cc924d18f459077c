import { describe, expect, it } from 'vitest';
import { contrast, paletteFor } from '../../../src/simulator/media/palette.ts';

const seeds = Array.from({ length: 400 }, (_, i) => `prompt number ${i}: a cat ${i % 7} in space`);

describe('paletteFor', () => {
  it('returns the same colours for the same seed', () => {
    expect(paletteFor('a red fox')).toEqual(paletteFor('a red fox'));
  });

  it('gives different seeds different backgrounds (almost always)', () => {
    const backgrounds = new Set(seeds.map((s) => paletteFor(s).background.join(',')));
    expect(backgrounds.size).toBeGreaterThan(seeds.length * 0.9);
    expect(paletteFor('a red fox').background).not.toEqual(paletteFor('a red fax').background);
  });

  it('keeps text readable (contrast ≥ 4.5) and the accent visible (≥ 3) for every seed', () => {
    for (const seed of seeds) {
      const p = paletteFor(seed);
      expect(contrast(p.background, p.foreground), seed).toBeGreaterThanOrEqual(4.5);
      expect(contrast(p.background, p.accent), seed).toBeGreaterThanOrEqual(3);
    }
  });

  it('returns whole 0..255 channel values', () => {
    for (const seed of seeds.slice(0, 50)) {
      for (const c of Object.values(paletteFor(seed)).flat()) {
        expect(Number.isInteger(c) && c >= 0 && c <= 255).toBe(true);
      }
    }
  });
});
