/**
 * `form` (seed 001, hingnet-style): multipart-only create and remix (remix prompt
 * <= 1000 chars), statuses queued/processing/success/failed, results as
 * `assets[].url` (a CDN-like link that needs no key), bare 404 for an unknown
 * remix source.
 */
import type { SimJobStatus } from '../sim-job.ts';
import { type DialectProfile, officialVideo } from './dialect-profile.ts';

const STATUS: Record<SimJobStatus, string> = {
  queued: 'queued',
  in_progress: 'processing',
  completed: 'success',
  // No expired status here: the video still reads success, its links stop working.
  expired: 'success',
  failed: 'failed',
  cancelled: 'failed',
};

export const formDialect: DialectProfile = {
  name: 'form',
  newId: (rng) => `video_${rng.hex(24)}`,
  remixRoute: 'path',
  multipartOnly: ['create', 'remix'],
  remixPromptMax: 1000,
  remixTakesSize: false,
  needsVideoBytes: true,
  plainNotFoundOnRemix: true,
  acceptsBareKey: false,
  toWire: (view) => {
    const wire = officialVideo(view, STATUS[view.status]);
    const success = view.job.state === 'completed';
    // completed_at / expires_at exist only on success in this vendor's schema.
    if (!success) {
      delete wire.completed_at;
      delete wire.expires_at;
    }
    if (view.job.state === 'cancelled')
      wire.error = { code: 'cancelled', message: 'The task was cancelled.' };
    if (!view.job.remixedFromVideoId) delete wire.remixed_from_video_id;
    if (wire.error === null) delete wire.error;
    if (success) {
      wire.assets = [
        {
          url: view.assetUrl,
          quality: view.job.size,
          duration: view.job.seconds,
          size_bytes: view.videoBytes ?? 0,
        },
      ];
    }
    return wire;
  },
  errorBody: (error) => ({ error: { message: error.message, type: error.type, code: error.code } }),
};
