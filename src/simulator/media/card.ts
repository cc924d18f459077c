/**
 * The picture the simulator draws: the prompt written on a coloured card, with a
 * moving marker so the clip visibly plays. Remixes get other colours and their
 * change written under the original prompt, so a remix visibly differs.
 *
 * (Interface first; the encoder lands in this folder.)
 */

export type Rgb = readonly [number, number, number];

export interface CardSpec {
  width: number;
  height: number;
  seconds: number;
  /** @default 24 */
  fps?: number;
  /** Main text: the prompt. */
  title: string;
  /** Extra lines under the title (remix changes, ids). */
  lines?: string[];
  background: Rgb;
  foreground: Rgb;
  accent: Rgb;
  /** Small label in a corner, e.g. `SIMULATED`. */
  badge?: string;
  /** Emit a full keyframe every N seconds (bigger files, for size tests). @default only the first frame */
  keyframeIntervalSeconds?: number;
}
