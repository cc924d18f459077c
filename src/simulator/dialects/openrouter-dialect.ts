/**
 * `openrouter` (OpenRouter-style): create answers `202 {id:"job-…", polling_url, status:"pending"}`;
 * jobs read `object:"video.generation"`, `created` in milliseconds, `progress_pct` as a 0–1
 * fraction, results in `urls[]` (this API's `/content?index=0`, keyed) and `unsigned_urls[]` (a
 * keyless link), a failure's `error` as a plain string, errors `{error:{code:<int>, message}}`.
 * No remix, no list, no delete.
 */
import type { SimJobStatus } from '../sim-job.ts';
import { type DialectProfile, OFFICIAL_BEHAVIOUR } from './dialect-profile.ts';

const STATUS: Record<SimJobStatus, string> = {
  queued: 'pending',
  in_progress: 'in_progress',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  expired: 'expired',
};

export const openrouterDialect: DialectProfile = {
  name: 'openrouter',
  newId: (rng) => `job-${rng.alnum(20)}`,
  ...OFFICIAL_BEHAVIOUR,
  lacks: ['remix', 'list', 'delete'],
  createStatus: 202,
  toWire: (view) => {
    const { job } = view;
    const wire: Record<string, unknown> = {
      id: job.id,
      object: 'video.generation',
      polling_url: view.apiUrl,
      status: STATUS[view.status],
      model: job.model,
      created: job.createdAtMs,
      progress_pct: view.progress / 100,
    };
    if (view.status === 'completed') {
      wire.urls = [`${view.apiUrl}/content?index=0`];
      wire.unsigned_urls = [view.assetUrl];
    }
    if (job.error) wire.error = job.error.message;
    return wire;
  },
  errorBody: (error) => ({ error: { code: error.status, message: error.message } }),
};
