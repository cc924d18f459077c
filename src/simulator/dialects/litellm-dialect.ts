/**
 * `litellm` (a LiteLLM proxy in front of Vertex): ids are `video_` + base64 of a provider path,
 * 200–300 characters with `+ / =` in them (clients must escape them in paths); `processing` while
 * running, `created_at` in milliseconds, `progress` as a `"30%"` string, a failure's error as
 * `{code:<int>, message, status}`; `/content` always answers `video/mp4`, whatever `variant` asks.
 */
import type { SeededRandom } from '../seeded-random.ts';
import type { SimJobStatus } from '../sim-job.ts';
import {
  type DialectProfile,
  OFFICIAL_BEHAVIOUR,
  officialVideo,
  openaiErrorBody,
} from './dialect-profile.ts';

const STATUS: Record<SimJobStatus, string> = {
  queued: 'queued',
  in_progress: 'processing',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  expired: 'expired',
};

/** A LiteLLM-style id: always long, always with `+`, `/` and `=` padding. */
function litellmId(rng: SeededRandom): string {
  const path = `litellm:custom_llm_provider:vertex_ai;model_id:veo-3.0;video_id:projects/${rng.alnum(12)}/locations/us-central1/publishers/google/models/veo-3.0-generate-001/operations/${rng.hex(36)}`;
  // 0xfb 0xff encode as `+/8`; one more byte keeps the length off a multiple of 3 (so `=` pads).
  const bytes = Buffer.concat([Buffer.from(path), Buffer.from([0xfb, 0xff, rng.int(256)])]);
  const padded = bytes.length % 3 === 0 ? Buffer.concat([bytes, Buffer.from([0x3f])]) : bytes;
  return `video_${padded.toString('base64')}`;
}

export const litellmDialect: DialectProfile = {
  name: 'litellm',
  newId: litellmId,
  ...OFFICIAL_BEHAVIOUR,
  contentIgnoresVariant: true,
  toWire: (view) => {
    const { job } = view;
    const wire = officialVideo(view, STATUS[view.status]);
    wire.created_at = job.createdAtMs;
    wire.progress = `${view.progress}%`;
    if (job.error) wire.error = { code: 3, message: job.error.message, status: job.error.code };
    return wire;
  },
  errorBody: openaiErrorBody,
};
