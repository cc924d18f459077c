/**
 * `gateway` (new-api / LiteLLM habits): ids `task_<alnum>` in `id` and `task_id`,
 * status synonyms in varying case, `seconds` as a number, `progress` sometimes a
 * string like `"45%"`, the result also as an unauthenticated `video_url`, extra
 * `metadata`/`usage`, errors `{error:{message, type:'new_api_error', param:'', code}}`,
 * and `Authorization: <key>` accepted without `Bearer`.
 */
import type { SimJobStatus } from '../sim-job.ts';
import { type DialectProfile, OFFICIAL_BEHAVIOUR, officialVideo } from './dialect-profile.ts';

/** Words gateways use for each state; the answer rotates through them. */
const SYNONYMS: Record<SimJobStatus, readonly string[]> = {
  queued: ['PENDING', 'submitted', 'queued', 'NOT_START'],
  in_progress: ['RUNNING', 'Processing', 'in_progress', 'GENERATING'],
  completed: ['SUCCESS', 'succeeded', 'completed'],
  failed: ['FAILURE', 'failed', 'Error'],
  cancelled: ['CANCELLED', 'canceled'],
  expired: ['EXPIRED', 'expired'],
};

export const gatewayDialect: DialectProfile = {
  name: 'gateway',
  newId: (rng) => `task_${rng.alnum(24)}`,
  ...OFFICIAL_BEHAVIOUR,
  acceptsBareKey: true,
  toWire: (view) => {
    const { job } = view;
    const words = SYNONYMS[view.status];
    const wire = officialVideo(view, words[job.answers % words.length]);
    wire.task_id = job.id;
    wire.seconds = job.seconds;
    // Every other answer writes progress the way some relays do.
    if (job.answers % 2 === 1) wire.progress = `${view.progress}%`;
    wire.metadata = { provider: 'simulator' };
    wire.usage = { video_seconds: job.seconds };
    if (job.state === 'completed') wire.video_url = view.assetUrl;
    return wire;
  },
  errorBody: (error) => ({
    error: { message: error.message, type: 'new_api_error', param: '', code: error.code ?? '' },
  }),
};
