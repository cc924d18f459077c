/**
 * Drawing a simulated video costs about a second of CPU. In the bench that would block the
 * simulator's event loop (and the bot's timers when they share a process) and turn every
 * latency figure into a measure of the encoder. So each distinct shape (variant, size,
 * duration, keyframe interval) is drawn once, by the real renderer, and the same playable
 * bytes are served for every job of that shape.
 */
import { cardRenderer } from '../../src/simulator/card-renderer.ts';
import type { CardSpec } from '../../src/simulator/media/card.ts';
import type { MediaRenderer, MediaVariant } from '../../src/simulator/media-cache.ts';
import type { SimulatorInternals } from '../../src/simulator/simulator.ts';

const drawn = new Map<string, Promise<Buffer>>();

function shapeKey(variant: MediaVariant, spec: CardSpec): string {
  return [variant, spec.width, spec.height, spec.seconds, spec.keyframeIntervalSeconds ?? 'first'].join(':');
}

/** The real renderer, memoised by shape. */
export const reusedRenderer: MediaRenderer = {
  render(variant, spec) {
    const key = shapeKey(variant, spec);
    let bytes = drawn.get(key);
    if (!bytes) {
      bytes = Promise.resolve(cardRenderer.render(variant, { ...spec, title: 'reelbot bench', lines: [] }));
      drawn.set(key, bytes);
    }
    return bytes;
  },
  palette: cardRenderer.palette,
};

/** Pass as the simulator's second argument. */
export const benchSimInternals: SimulatorInternals = { loadRenderer: async () => reusedRenderer };

/** Draw a shape ahead of time, outside any measurement. Returns the video's size in bytes. */
export async function prewarm(shape: {
  width: number;
  height: number;
  seconds: number;
  keyframeIntervalSeconds?: number;
}): Promise<number> {
  const spec: CardSpec = {
    ...shape,
    title: 'reelbot bench',
    lines: [],
    badge: 'SIMULATED',
    ...cardRenderer.palette('reelbot bench'),
  };
  await reusedRenderer.render('thumbnail', spec);
  return (await reusedRenderer.render('video', spec)).length;
}
