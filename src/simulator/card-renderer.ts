/**
 * The real drawing functions from `./media/`, behind the {@link MediaRenderer}
 * interface the cache uses.
 */

import { paletteFor } from './media/palette.ts';
import { renderMp4 } from './media/render-mp4.ts';
import { renderSpritesheetPng, renderThumbnailPng } from './media/render-png.ts';
import type { MediaRenderer } from './media-cache.ts';

export const cardRenderer: MediaRenderer = {
  render(variant, spec) {
    if (variant === 'thumbnail') return renderThumbnailPng(spec);
    if (variant === 'spritesheet') return renderSpritesheetPng(spec);
    return renderMp4(spec);
  },
  palette: paletteFor,
};
