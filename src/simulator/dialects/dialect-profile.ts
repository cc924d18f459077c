/**
 * What one wire dialect changes: ids, routes, body rules, and how a job and an
 * error are written on the wire. Handlers stay dialect-neutral and ask this.
 */
import type { SeededRandom } from '../seeded-random.ts';
import type { SimError } from '../sim-error.ts';
import type { SimJob, SimJobStatus } from '../sim-job.ts';
import type { SimulatorDialect } from '../simulator-options.ts';

/** A job at one instant, ready to be written in some dialect. */
export interface VideoView {
  job: SimJob;
  status: SimJobStatus;
  progress: number;
  /** Absolute, unauthenticated download link (for dialects that hand out URLs). */
  assetUrl: string;
  /** Absolute `…/v1/videos/{id}` of this job (for `polling_url` and `/content` links). */
  apiUrl: string;
  /** Byte length of the MP4 when known (completed jobs of URL dialects). */
  videoBytes: number | undefined;
}

export interface DialectProfile {
  readonly name: SimulatorDialect;
  /** A fresh video id in this dialect's spelling. */
  newId(rng: SeededRandom): string;
  /** `path`: `POST /videos/{id}/remix`; `body`: `POST /videos/remix` with `video_id`. */
  readonly remixRoute: 'path' | 'body';
  /** Routes that accept only `multipart/form-data`. */
  readonly multipartOnly: readonly ('create' | 'remix')[];
  /**
   * What such a route does with another body: `refuse` answers 415; `read-as-form` reads it as an
   * empty form, so the fields "are missing" (400 prompt is required). @default 'refuse'
   */
  readonly otherBodies?: 'refuse' | 'read-as-form';
  /** Routes this deployment does not have at all (they answer "Invalid URL"). @default none */
  readonly lacks?: readonly ('list' | 'delete' | 'remix')[];
  /** HTTP status of an accepted create (OpenRouter answers 202). @default 200 */
  readonly createStatus?: number;
  /** `/content` always answers the MP4, whatever `variant` asks for. @default false */
  readonly contentIgnoresVariant?: boolean;
  /** The error for an id this server does not know. @default 404 `invalid_video_id` */
  unknownId?(id: string): SimError;
  /** Longest remix prompt accepted. */
  readonly remixPromptMax: number;
  /** Remix takes `size` from the body when given. */
  readonly remixTakesSize: boolean;
  /** Completed answers carry a download URL, so the MP4's byte length must be known. */
  readonly needsVideoBytes: boolean;
  /** Unknown remix source answers a bare `404 page not found`. */
  readonly plainNotFoundOnRemix: boolean;
  /** `Authorization: <key>` without `Bearer` is accepted. */
  readonly acceptsBareKey: boolean;
  /** The job as this dialect writes it. */
  toWire(view: VideoView): Record<string, unknown>;
  /** The error body as this dialect writes it. */
  errorBody(error: SimError): Record<string, unknown>;
}

/** What a profile that behaves like the official API in these respects spreads in. */
export const OFFICIAL_BEHAVIOUR = {
  remixRoute: 'path',
  multipartOnly: [],
  remixPromptMax: 32_000,
  remixTakesSize: false,
  needsVideoBytes: false,
  plainNotFoundOnRemix: false,
  acceptsBareKey: false,
} as const satisfies Partial<DialectProfile>;

/** The official Video object; dialects start from it and change what they change. */
export function officialVideo(view: VideoView, status: string = officialStatus(view.status)) {
  const { job } = view;
  return {
    id: job.id,
    object: 'video',
    model: job.model,
    status,
    progress: view.progress,
    created_at: unixSeconds(job.createdAtMs),
    completed_at: job.state === 'completed' ? unixSeconds(job.finishedAtMs) : null,
    expires_at: job.state === 'completed' ? unixSeconds(job.expiresAtMs) : null,
    prompt: job.prompt,
    size: job.size,
    seconds: String(job.seconds),
    remixed_from_video_id: job.remixedFromVideoId ?? null,
    error: job.error ? { code: job.error.code, message: job.error.message } : null,
  } as Record<string, unknown>;
}

/** The official API has no `expired` status: an expired video still reads `completed`. */
function officialStatus(status: SimJobStatus): string {
  return status === 'expired' ? 'completed' : status;
}

export function unixSeconds(ms: number | undefined): number | null {
  return ms === undefined ? null : Math.floor(ms / 1000);
}

/** `{error:{message, type, param, code}}`, the official error shape. */
export function openaiErrorBody(error: SimError): Record<string, unknown> {
  return {
    error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code },
  };
}
