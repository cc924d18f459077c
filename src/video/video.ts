import type { UpstreamFeature } from './errors.ts';

/**
 * The one normalised shape every upstream answer is turned into, whatever the dialect.
 */

/** The closed set of states a video can be in. Dialect synonyms map onto these. */
export const VIDEO_STATUSES = [
  'queued',
  'in_progress',
  'completed',
  'failed',
  'cancelled',
  'expired',
] as const;
export type VideoStatus = (typeof VIDEO_STATUSES)[number];

export const TERMINAL_VIDEO_STATUSES: ReadonlySet<VideoStatus> = new Set([
  'completed',
  'failed',
  'cancelled',
  'expired',
]);

/** Where the finished bytes can be fetched from. */
export type ResultLocation =
  /** `GET /videos/{id}/content?variant=video` on the same upstream (official shape). */
  | { kind: 'content-endpoint' }
  /** An absolute link given by the upstream (`assets[].url`, `video_url`, `url`, `result.url`, `metadata.url`). */
  | { kind: 'url'; url: string; sizeBytes?: number };

export interface Video {
  /** Upstream id exactly as the upstream spells it (`video_...`, `task_...`, a bare uuid). */
  id: string;
  status: VideoStatus;
  /** 0-100, clamped; 100 when completed. */
  progress: number;
  model?: string;
  prompt?: string;
  /** `WIDTHxHEIGHT`. */
  size?: string;
  /** Whole seconds (upstreams send strings or numbers). */
  seconds?: number;
  /** Unix seconds. */
  createdAt?: number;
  completedAt?: number;
  expiresAt?: number;
  remixedFromVideoId?: string;
  error?: { code: string; message: string };
  /** Present once completed. */
  result?: ResultLocation;
  /** The status word the upstream actually used (for logs and probing). */
  rawStatus: string;
}

/** Fields a caller asks for when creating a video. */
export interface CreateVideoInput {
  prompt: string;
  model?: string;
  size?: string;
  seconds?: number;
  /** Image-to-video: the first frame. Must already match `size` (see image fitting). */
  inputReference?: {
    data: Uint8Array;
    contentType: 'image/png' | 'image/jpeg' | 'image/webp';
    fileName: string;
  };
}

export interface RemixVideoInput {
  /** Id of a completed, unexpired source video. */
  videoId: string;
  prompt: string;
  /** Some dialects (json-remix-size) want the size repeated. */
  size?: string;
}

/** `POST /videos/edits`: a new video that changes a completed one. */
export interface EditVideoInput {
  /** Id of a completed, unexpired source video. */
  videoId: string;
  /** What to change. */
  prompt: string;
}

/** `POST /videos/extensions`: the source continued by `seconds` more. */
export interface ExtendVideoInput {
  /** Id of a completed, unexpired source video. */
  videoId: string;
  /** What happens next. */
  prompt: string;
  /** Seconds to add; the answer's `seconds` is the stitched total. */
  seconds: number;
}

/** `POST /videos/characters`: a reusable character made from a short clip. */
export interface CreateCharacterInput {
  /** Display name, at most 80 characters (the official limit). */
  name: string;
  video: { data: Uint8Array; contentType: string; fileName: string };
}

export interface VideoCharacter {
  /** Upstream id (`char_...`). */
  id: string;
  name?: string;
  /** Unix seconds. */
  createdAt?: number;
}

export interface VideoList {
  data: Video[];
  hasMore: boolean;
  firstId?: string;
  lastId?: string;
}

export type DownloadVariant = 'video' | 'thumbnail' | 'spritesheet';

/** A streamed download: read `body` once. */
export interface VideoDownload {
  body: NodeJS.ReadableStream & AsyncIterable<Uint8Array>;
  contentType: string;
  /** From Content-Length when the upstream gave one. */
  contentLength?: number;
}

/** What one call learned about how often to poll (from `openai-poll-after-ms` / `Retry-After`). */
export interface PollHint {
  pollAfterMs?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * The surface of the video API client that the engine and CLI use.
 * Implemented by `VideoClient` (undici); tests may pass their own.
 */
export interface VideoApi {
  create(input: CreateVideoInput, options?: CallOptions): Promise<Video & PollHint>;
  retrieve(id: string, options?: CallOptions): Promise<Video & PollHint>;
  list(
    params?: { after?: string; limit?: number; order?: 'asc' | 'desc' },
    options?: CallOptions,
  ): Promise<VideoList>;
  delete(id: string, options?: CallOptions): Promise<{ id: string; deleted: boolean }>;
  remix(input: RemixVideoInput, options?: CallOptions): Promise<Video & PollHint>;
  /** A new video changing a completed one (lineage: `remixedFromVideoId`). */
  edit(input: EditVideoInput, options?: CallOptions): Promise<Video & PollHint>;
  /** A completed video continued; its `seconds` is the stitched total. */
  extend(input: ExtendVideoInput, options?: CallOptions): Promise<Video & PollHint>;
  createCharacter(input: CreateCharacterInput, options?: CallOptions): Promise<VideoCharacter>;
  retrieveCharacter(id: string, options?: CallOptions): Promise<VideoCharacter>;
  /** Stream a finished video's bytes (or its thumbnail/spritesheet). */
  download(video: Video | string, variant?: DownloadVariant, options?: CallOptions): Promise<VideoDownload>;
  /** Which dialect this client talks (after probing when `auto`). */
  dialect(options?: CallOptions): Promise<ResolvedDialect>;
  /** What the upstream supports, for `cli probe`. */
  capabilities(options?: CallOptions): Promise<Capabilities>;
  /**
   * Features the upstream is known to lack (learned from "no such route" answers), so callers
   * can refuse before charging. Optional: a client that cannot tell returns nothing missing.
   */
  missingFeatures?(options?: CallOptions): Promise<ReadonlySet<UpstreamFeature>>;
  /**
   * Whether `POST /videos/extensions` and `POST /videos/edits` exist (found once by harmless
   * probes, then kept; a route found missing later counts as missing). Optional: a client that
   * cannot tell offers neither.
   */
  derivedRoutes?(options?: CallOptions): Promise<{ extensions: boolean; edits: boolean }>;
}

export type ResolvedDialect = 'openai' | 'body-remix' | 'form' | 'json-remix-size' | 'gateway';

export interface Capabilities {
  dialect: ResolvedDialect;
  remix: boolean;
  delete: boolean;
  list: boolean;
  /** `POST /videos/edits` exists. */
  edits: boolean;
  /** `POST /videos/extensions` exists. */
  extensions: boolean;
  /** `POST /videos/characters` exists. */
  characters: boolean;
  /** How results are fetched. */
  results: 'content-endpoint' | 'url' | 'both' | 'unknown';
  notes: string[];
}
