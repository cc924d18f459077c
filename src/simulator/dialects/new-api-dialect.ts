/**
 * `new-api` (a new-api gateway in front of a non-Sora channel): `task_` ids in `id` and `task_id`,
 * `model:""`, the status `unknown` between queued and running, `completed_at` set while still
 * running, no `size`/`seconds`, the result in `metadata.url`; errors `{code, message, data:null}`
 * and an unknown id is HTTP 400 `task_not_exist`; `/content` ignores `variant` (always the MP4).
 * Remix on the official path; no list, no delete.
 */
import { SimError } from '../sim-error.ts';
import type { SimJobStatus } from '../sim-job.ts';
import { type DialectProfile, officialVideo, unixSeconds } from './dialect-profile.ts';

const STATUS: Record<SimJobStatus, string> = {
  queued: 'queued',
  in_progress: 'in_progress',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  expired: 'expired',
};

export const newApiDialect: DialectProfile = {
  name: 'new-api',
  newId: (rng) => `task_${rng.alnum(32)}`,
  remixRoute: 'path',
  multipartOnly: [],
  lacks: ['list', 'delete'],
  contentIgnoresVariant: true,
  remixPromptMax: 32_000,
  remixTakesSize: false,
  needsVideoBytes: false,
  plainNotFoundOnRemix: false,
  acceptsBareKey: true,
  unknownId: () => new SimError(400, 'task_not_exist', { code: 'task_not_exist' }),
  toWire: (view) => {
    const { job } = view;
    // new-api reports `unknown` while the channel has taken the task but not said it runs.
    const early = view.status === 'in_progress' && view.progress < 30;
    const wire = officialVideo(view, early ? 'unknown' : STATUS[view.status]);
    wire.task_id = job.id;
    wire.model = '';
    wire.completed_at = unixSeconds(job.finishedAtMs ?? job.createdAtMs);
    delete wire.size;
    delete wire.seconds;
    wire.metadata = view.status === 'completed' ? { url: view.assetUrl } : {};
    return wire;
  },
  errorBody: (error) => ({ code: error.code ?? 'error', message: error.message, data: null }),
};
