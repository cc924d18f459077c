import type { Rgb } from './card.ts';

export interface Palette {
  background: Rgb;
  foreground: Rgb;
  accent: Rgb;
}

/**
 * Deterministic colours for a seed (a prompt, a video id): the same seed always
 * gives the same card, different seeds almost always differ. The foreground is
 * white or near-black, whichever reads better (WCAG contrast ≥ 4.5 against the
 * background); the accent is a contrasting hue that stays visible (≥ 3).
 */
export function paletteFor(seed: string): Palette {
  const h = fnv1a(seed);
  const hue = h % 360;
  const saturation = 0.45 + ((h >>> 9) % 30) / 100;
  const dark = ((h >>> 16) & 1) === 0;
  const lightness = dark ? 0.16 + ((h >>> 17) % 14) / 100 : 0.72 + ((h >>> 17) % 14) / 100;
  const background = hslToRgb(hue, saturation, lightness);
  const white: Rgb = [250, 250, 250];
  const ink: Rgb = [20, 20, 24];
  const foreground = contrast(background, white) >= contrast(background, ink) ? white : ink;
  const accentHue = (hue + 150 + ((h >>> 20) % 60)) % 360;
  let accent = hslToRgb(accentHue, 0.85, dark ? 0.6 : 0.35);
  // Walk the accent's lightness away from the background until it clearly stands out.
  for (let step = 1; contrast(background, accent) < 3 && step <= 10; step++) {
    accent = hslToRgb(accentHue, 0.85, dark ? 0.6 + step * 0.035 : 0.35 - step * 0.03);
  }
  return { background, foreground, accent };
}

/** WCAG 2 contrast ratio between two sRGB colours (1..21). */
export function contrast(a: Rgb, b: Rgb): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function relativeLuminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function hslToRgb(hue: number, s: number, l: number): Rgb {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const hp = hue / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r1, g1, b1] =
    hp < 1
      ? [c, x, 0]
      : hp < 2
        ? [x, c, 0]
        : hp < 3
          ? [0, c, x]
          : hp < 4
            ? [0, x, c]
            : hp < 5
              ? [x, 0, c]
              : [c, 0, x];
  const m = l - c / 2;
  const to8 = (v: number) => Math.min(255, Math.max(0, Math.round((v + m) * 255)));
  return [to8(r1), to8(g1), to8(b1)];
}

/** 32-bit FNV-1a over UTF-16 code units: tiny, stable, well spread. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Final avalanche so short seeds that differ in one character spread across all bits.
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d) >>> 0;
  h ^= h >>> 12;
  return h >>> 0;
}
