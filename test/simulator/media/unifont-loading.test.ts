import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderThumbnailPng } from '../../../src/simulator/media/render-png.ts';
import { unifontLoaded } from '../../../src/simulator/media/unifont.ts';
import { cardSpec } from './card-fixtures.ts';

// Its own file: vitest gives each file fresh modules, so the font starts unloaded here.
describe('loading the CJK font', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads the font only for non-ASCII text, drops it when idle and still draws the same afterwards', async () => {
    await renderThumbnailPng(cardSpec({ title: 'A plain ASCII prompt, café included' }));
    expect(unifontLoaded()).toBe(false);

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const chinese = cardSpec({ title: '雨中的京都街道' });
    const first = await renderThumbnailPng(chinese);
    expect(unifontLoaded()).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(unifontLoaded()).toBe(false);

    // Cached glyphs need no font: the same card draws again without loading it.
    expect(Buffer.compare(await renderThumbnailPng(chinese), first)).toBe(0);
    expect(unifontLoaded()).toBe(false);
    // New characters load it again.
    await renderThumbnailPng(cardSpec({ title: '大阪の夜景' }));
    expect(unifontLoaded()).toBe(true);
  });
});
