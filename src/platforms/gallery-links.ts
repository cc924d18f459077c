/**
 * What the `/gallery` commands of every platform ask for: a signed, expiring link to the
 * team gallery of one Discord server or Slack workspace. Implemented by the app (the ops
 * server serves the page); absent when `GALLERY_SECRET` is not set.
 */
import type { Platform } from '../engine/job.ts';

export interface GalleryLink {
  url: string;
  /** ms epoch after which the link answers 401. */
  expiresAt: number;
}

export interface GalleryLinks {
  /** A link showing the videos of `workspaceId` on `platform`, its page worded for `locale`. */
  linkFor(scope: { platform: Platform; workspaceId: string; locale?: string }): GalleryLink;
}
