/**
 * What one gallery page shows: the scope's delivered videos, newest first, each with what its
 * card and family tree need. Read from the engine (recent videos, their jobs) and the media
 * keeper (what can still be played). Media are addressed by their key, never by a path.
 */
import type { EngineApi } from '../../engine/engine-api.ts';
import type { Job } from '../../engine/job.ts';
import { type DiskMediaKeeper, mediaKey } from '../../engine/media-keeper.ts';
import type { GalleryScope } from './gallery-token.ts';

/** The most videos one page lists (the engine keeps this many recent videos per workspace). */
export const GALLERY_MAX_VIDEOS = 200;

export type KeptMedia = Pick<DiskMediaKeeper, 'video' | 'thumbnail' | 'stats'>;

export interface GalleryVideo {
  /** The media key: `media/<key>.mp4`, `media/<key>.webp`. */
  key: string;
  videoId: string;
  prompt: string;
  requester: string;
  /** ms epoch the request was made. */
  createdAt: number;
  state: Job['state'];
  /** How it was made. */
  kind: 'create' | 'remix' | 'reroll' | 'extend' | 'edit';
  /** The video it was made from (remix, extension, edit), when the bot knows it. */
  parent?: string;
  /** Re-roll: the video it repeats (drawn as a sibling). */
  rerollOf?: string;
  seconds: number;
  size: string;
  model: string;
  /** The chat message showing it. */
  link?: string;
  /** The MP4 is still kept (else the card links to the chat message). */
  playable: boolean;
  hasThumbnail: boolean;
}

/** The scope's videos, newest first. */
export async function galleryVideos(
  engine: Pick<EngineApi, 'recentVideos' | 'getJob'>,
  media: KeptMedia | undefined,
  scope: GalleryScope,
): Promise<GalleryVideo[]> {
  const recent = await engine.recentVideos({
    platform: scope.platform,
    workspaceId: scope.workspaceId,
    limit: GALLERY_MAX_VIDEOS,
  });
  const jobs = await Promise.all(recent.map((r) => engine.getJob(r.jobId).catch(() => undefined)));
  const videoOfJob = new Map<string, string>();
  for (const job of jobs) if (job?.videoId) videoOfJob.set(job.id, job.videoId);
  return recent
    .flatMap((r, i) => {
      const job = jobs[i];
      // A private job's result was shown to its requester only: the team's page leaves it out.
      if (job?.private) return [];
      const v: GalleryVideo = {
        key: mediaKey(r.videoId),
        videoId: r.videoId,
        prompt: r.prompt,
        requester: r.requester,
        createdAt: r.createdAt,
        state: job?.state ?? 'delivered',
        kind: kindOf(job),
        seconds: job?.seconds ?? 0,
        size: job?.size ?? '',
        model: job?.model ?? '',
        playable: media?.video(r.videoId) !== undefined,
        hasThumbnail: media?.thumbnail(r.videoId) !== undefined,
      };
      if (job?.parentVideoId) v.parent = job.parentVideoId;
      const repeated = job?.rerollOf ? videoOfJob.get(job.rerollOf) : undefined;
      if (repeated) v.rerollOf = repeated;
      if (r.link && /^https?:\/\//i.test(r.link)) v.link = r.link;
      return [v];
    })
    .sort((a, b) => b.createdAt - a.createdAt);
}

function kindOf(job: Job | undefined): GalleryVideo['kind'] {
  if (!job) return 'create';
  if (job.rerollOf) return 'reroll';
  const kind = job.kind as string;
  return kind === 'remix' || kind === 'extend' || kind === 'edit' ? kind : 'create';
}
