/**
 * `new-api` (a new-api gateway in front of a non-Sora channel): `task_` ids in `id` and `task_id`,
 * `model:""`, the status `unknown` between queued and running, `completed_at` set while still
 * running, no `size`/`seconds`, the result in `metadata.url`; errors `{code, message, data:null}`
 * and an unknown id is HTTP 400 `task_not_exist`; `/content` ignores `variant` (always the MP4).
 * Remix on the official path; no list, no delete.
 */
import { SimError } from '../sim-error.ts';
import { type DialectProfile, OFFICIAL_BEHAVIOUR, officialVideo, unixSeconds } from './dialect-profile.ts';

export const newApiDialect: DialectProfile = {
  name: 'new-api',
  newId: (rng) => `task_${rng.alnum(32)}`,
  ...OFFICIAL_BEHAVIOUR,
  lacks: ['list', 'delete'],
  contentIgnoresVariant: true,
  acceptsBareKey: true,
  unknownId: () => new SimError(400, 'task_not_exist', { code: 'task_not_exist' }),
  toWire: (view) => {
    const { job } = view;
    // new-api reports `unknown` while the channel has taken the task but not said it runs.
    const early = view.status === 'in_progress' && view.progress < 30;
    const wire = early ? officialVideo(view, 'unknown') : officialVideo(view);
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
