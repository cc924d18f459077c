/**
 * Turns any dialect's Video object into our one {@link Video} shape.
 * Validated with zod: tolerant of unknown fields (vendors add `detail`, `usage`, `quality`...),
 * strict about the fields we rely on (an id and a status word).
 */
import { z } from 'zod';
import type { ResultLocation, Video, VideoCharacter, VideoList } from './video.ts';
import { toVideoStatus } from './video-status.ts';

const numberish = z.union([z.number(), z.string()]);
/** A field we read only opportunistically: a wrong type is ignored rather than fatal. */
const optionalString = z.string().nullish().catch(undefined);
const urlHolder = z
  .union([z.string(), z.looseObject({ url: z.string().nullish().catch(undefined) })])
  .nullish()
  .catch(undefined);

const rawVideoSchema = z
  .looseObject({
    id: z.string().min(1).optional(),
    task_id: z.string().min(1).optional(),
    status: z.string().min(1).optional(),
    state: z.string().min(1).optional(),
    progress: numberish.nullish(),
    progress_pct: numberish.nullish().catch(undefined),
    polling_url: optionalString,
    model: optionalString,
    prompt: optionalString,
    size: optionalString,
    seconds: numberish.nullish(),
    created_at: numberish.nullish(),
    created: numberish.nullish().catch(undefined),
    completed_at: numberish.nullish(),
    expires_at: numberish.nullish(),
    remixed_from_video_id: optionalString,
    error: z
      .union([
        z.string(),
        z.looseObject({
          code: numberish.nullish(),
          message: z.string().nullish(),
          type: z.string().nullish(),
        }),
      ])
      .nullish(),
    assets: z
      .array(z.looseObject({ url: z.string().nullish(), size_bytes: z.number().nullish() }).catch({}))
      .nullish()
      .catch(undefined),
    video_url: optionalString,
    output_url: optionalString,
    url: optionalString,
    urls: z.array(z.string()).nullish().catch(undefined),
    unsigned_urls: z.array(z.string()).nullish().catch(undefined),
    result: urlHolder,
    metadata: urlHolder,
  })
  .refine((v) => v.id !== undefined || v.task_id !== undefined, { message: 'no id or task_id' })
  // A 202 with only a `polling_url` says "accepted": queued until the first poll says more.
  .refine((v) => v.status !== undefined || v.state !== undefined || v.polling_url, { message: 'no status' });

type RawVideo = z.output<typeof rawVideoSchema>;

/** Thrown when an answer is not a Video object; the client turns it into `MalformedResponseError`. */
export class VideoShapeError extends Error {
  override name = 'VideoShapeError';
}

/**
 * Parse and normalise one Video object from any dialect. Throws {@link VideoShapeError}.
 * A `completed` video whose `expires_at` has passed reads `expired` (the official API keeps
 * saying `completed`, but its bytes are gone).
 */
export function normalizeVideo(input: unknown, now: number = Date.now()): Video {
  const parsed = rawVideoSchema.safeParse(unwrapEnvelope(input));
  if (!parsed.success) {
    throw new VideoShapeError(`not a video object: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  const raw = parsed.data;
  const rawStatus = raw.status ?? raw.state ?? 'queued';
  const expiresAt = toUnixSeconds(raw.expires_at);
  const mapped = toVideoStatus(rawStatus).status;
  let status = mapped;
  if (status === 'completed' && expiresAt !== undefined && expiresAt * 1000 <= now) status = 'expired';
  const video: Video = {
    id: (raw.id ?? raw.task_id) as string,
    status,
    progress: mapped === 'completed' ? 100 : toProgress(raw.progress ?? fractionAsPercent(raw.progress_pct)),
    rawStatus,
  };
  assignDefined(video, {
    model: raw.model ?? undefined,
    prompt: raw.prompt ?? undefined,
    size: raw.size ?? undefined,
    seconds: toNumber(raw.seconds),
    createdAt: toUnixSeconds(raw.created_at ?? raw.created),
    completedAt: toUnixSeconds(raw.completed_at),
    expiresAt,
    remixedFromVideoId: raw.remixed_from_video_id ?? undefined,
    error: toError(raw.error),
    result: status === 'completed' ? toResultLocation(raw) : undefined,
  });
  return video;
}

const rawListSchema = z.union([
  z.array(z.unknown()),
  z.looseObject({
    data: z.array(z.unknown()),
    has_more: z.boolean().nullish(),
    first_id: z.string().nullish(),
    last_id: z.string().nullish(),
  }),
]);

/** Parse a `GET /videos` answer (`{object:'list', data[]}` or a bare array). Throws {@link VideoShapeError}. */
export function normalizeVideoList(input: unknown): VideoList {
  const parsed = rawListSchema.safeParse(input);
  if (!parsed.success) throw new VideoShapeError('not a video list');
  const raw = Array.isArray(parsed.data) ? { data: parsed.data } : parsed.data;
  const list: VideoList = {
    data: raw.data.map((v) => normalizeVideo(v)),
    hasMore: 'has_more' in raw ? raw.has_more === true : false,
  };
  if ('first_id' in raw && raw.first_id) list.firstId = raw.first_id;
  if ('last_id' in raw && raw.last_id) list.lastId = raw.last_id;
  return list;
}

/** `{id, deleted}`; an empty 2xx answer counts as deleted. Throws {@link VideoShapeError}. */
export function normalizeDeleted(input: unknown, id: string): { id: string; deleted: boolean } {
  if (input === undefined || input === null) return { id, deleted: true };
  const parsed = z.looseObject({ id: z.string().nullish(), deleted: z.boolean().nullish() }).safeParse(input);
  if (!parsed.success) throw new VideoShapeError('not a delete answer');
  return { id: parsed.data.id ?? id, deleted: parsed.data.deleted ?? true };
}

const rawCharacterSchema = z.looseObject({
  id: z.string().min(1),
  name: optionalString,
  created_at: numberish.nullish(),
});

/** Parse a character (`{id, name, created_at}`) from `/videos/characters`. Throws {@link VideoShapeError}. */
export function normalizeCharacter(input: unknown): VideoCharacter {
  const parsed = rawCharacterSchema.safeParse(input);
  if (!parsed.success) throw new VideoShapeError('not a character: no id');
  const character: VideoCharacter = { id: parsed.data.id };
  assignDefined(character, {
    name: parsed.data.name ?? undefined,
    createdAt: toUnixSeconds(parsed.data.created_at),
  });
  return character;
}

/** Copy only defined values (exactOptionalPropertyTypes forbids explicit `undefined`). */
function assignDefined<T extends object>(target: T, values: { [K in keyof T]?: T[K] | undefined }): void {
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined) (target as Record<string, unknown>)[k] = v;
  }
}

function toNumber(value: number | string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number.parseFloat(value.trim());
  return Number.isFinite(n) ? n : undefined;
}

/**
 * `45`, `"45"`, `"45%"` read as percent; a number strictly between 0 and 1 (`0.45`) can only be a
 * fraction (no upstream reports "0.45 %"), so it is scaled. Clamped 0-100.
 */
function toProgress(value: number | string | null | undefined): number {
  const percent = typeof value === 'string' && value.includes('%');
  let n = toNumber(typeof value === 'string' ? value.replace('%', '') : value);
  if (n === undefined) return 0;
  if (!percent && n > 0 && n < 1) n *= 100;
  return Math.min(100, Math.max(0, Math.round(n)));
}

/** `progress_pct` is always a 0–1 fraction where it is used. */
function fractionAsPercent(value: number | string | null | undefined): number | undefined {
  const n = toNumber(value ?? undefined);
  return n === undefined ? undefined : n <= 1 ? n * 100 : n;
}

/** `{code: 0, data: {…video…}}` envelopes (some relays wrap every answer): the video inside. */
function unwrapEnvelope(input: unknown): unknown {
  if (typeof input !== 'object' || input === null) return input;
  const o = input as Record<string, unknown>;
  const inner = o.data;
  const isVideo = (v: unknown) => typeof v === 'object' && v !== null && ('id' in v || 'task_id' in v);
  return !isVideo(o) && !Array.isArray(inner) && isVideo(inner) ? inner : input;
}

/** Unix seconds from seconds, milliseconds (anything past year 5138 in seconds is ms) or an ISO date. */
function toUnixSeconds(value: number | string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  let n = toNumber(value);
  if (typeof value === 'string' && !/^\s*\d+(\.\d+)?\s*$/.test(value)) {
    const ms = Date.parse(value);
    n = Number.isNaN(ms) ? undefined : ms / 1000;
  }
  if (n === undefined || n <= 0) return undefined;
  return Math.floor(n > 1e11 ? n / 1000 : n);
}

function toError(value: RawVideo['error']): Video['error'] {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return { code: 'unknown', message: value };
  const code = value.code ?? value.type;
  const message = value.message ?? undefined;
  if (code === undefined && message === undefined) return undefined;
  return { code: code === null || code === undefined ? 'unknown' : String(code), message: message ?? '' };
}

function urlOf(holder: RawVideo['result']): string | undefined {
  if (holder === null || holder === undefined) return undefined;
  return typeof holder === 'string' ? holder : (holder.url ?? undefined);
}

function isHttpUrl(value: string | undefined): value is string {
  return value !== undefined && /^https?:\/\//i.test(value);
}

/** Where a completed video's bytes are: an absolute link if the upstream gave one, else `/content`. */
function toResultLocation(raw: RawVideo): ResultLocation {
  const asset = raw.assets?.find((a) => isHttpUrl(a.url ?? undefined));
  if (asset?.url) {
    return asset.size_bytes
      ? { kind: 'url', url: asset.url, sizeBytes: asset.size_bytes }
      : { kind: 'url', url: asset.url };
  }
  const link = [
    ...(raw.urls ?? []),
    ...(raw.unsigned_urls ?? []),
    raw.video_url ?? undefined,
    raw.output_url ?? undefined,
    raw.url ?? undefined,
    urlOf(raw.result),
    urlOf(raw.metadata),
  ].find(isHttpUrl);
  return link ? { kind: 'url', url: link } : { kind: 'content-endpoint' };
}
