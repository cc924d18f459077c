/**
 * Rendered media per video, made lazily on first download and kept in a
 * byte-bounded LRU so a long benchmark run cannot grow without limit.
 */
import type { CardSpec } from './media/card.ts';
import type { SimJob } from './sim-job.ts';

export type MediaVariant = 'video' | 'thumbnail' | 'spritesheet';

export const MEDIA_CONTENT_TYPES: Readonly<Record<MediaVariant, string>> = {
  video: 'video/mp4',
  thumbnail: 'image/png',
  spritesheet: 'image/png',
};

/** The drawing functions (from `./media/`); injected so the cache is testable on its own. */
export interface MediaRenderer {
  /** PNGs are encoded asynchronously (sharp); the MP4 may come back at once. */
  render(variant: MediaVariant, spec: CardSpec): Buffer | Promise<Buffer>;
  palette(seed: string): Pick<CardSpec, 'background' | 'foreground' | 'accent'>;
}

export interface CardLook {
  badge: string;
  keyframeIntervalSeconds: number | undefined;
}

/**
 * The card a job's video shows: its prompt, and for a remix, edit or extension each change
 * (labelled with its kind) and the source.
 */
export function cardSpecFor(job: SimJob, look: CardLook, palette: MediaRenderer['palette']): CardSpec {
  const remixed = job.remixedFromVideoId !== undefined;
  const colours = palette(remixed ? job.rootPrompt + job.remixPrompts.join('') : job.prompt);
  const lines = remixed
    ? [
        ...job.remixPrompts.map((p, i) => `${job.changeKinds?.[i] ?? 'remix'}: ${p}`),
        `from ${job.remixedFromVideoId}`,
      ]
    : [];
  const spec: CardSpec = {
    width: job.width,
    height: job.height,
    seconds: job.seconds,
    title: remixed ? job.rootPrompt : job.prompt,
    lines,
    ...colours,
    badge: look.badge,
  };
  if (look.keyframeIntervalSeconds !== undefined) spec.keyframeIntervalSeconds = look.keyframeIntervalSeconds;
  return spec;
}

/** Loads the renderer on first use, so starting a simulator does not pay for the encoder. */
export type RendererLoader = () => Promise<MediaRenderer>;

export class MediaCache {
  readonly #entries = new Map<string, Buffer>();
  /** Renders under way, so concurrent requests for one variant share a single render. */
  readonly #pending = new Map<string, Promise<Buffer>>();
  readonly #maxBytes: number;
  readonly #load: RendererLoader;
  readonly #look: CardLook;
  #renderer: Promise<MediaRenderer> | undefined;
  #bytes = 0;

  constructor(load: RendererLoader, look: CardLook, maxBytes: number) {
    this.#load = load;
    this.#look = look;
    this.#maxBytes = maxBytes;
  }

  /** The job's bytes for `variant`, rendered on first use. */
  async get(job: SimJob, variant: MediaVariant): Promise<Buffer> {
    const key = `${job.id}:${variant}`;
    const hit = this.#entries.get(key);
    if (hit) {
      // Re-insert: Map order is the LRU order.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#render(job, variant, key).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }

  async #render(job: SimJob, variant: MediaVariant, key: string): Promise<Buffer> {
    this.#renderer ??= this.#load();
    const renderer = await this.#renderer;
    const bytes = await renderer.render(variant, cardSpecFor(job, this.#look, renderer.palette));
    if (variant === 'video') job.videoBytes = bytes.length;
    this.#store(key, bytes);
    return bytes;
  }

  /** Total bytes held. */
  get size(): number {
    return this.#bytes;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  #store(key: string, bytes: Buffer): void {
    if (bytes.length > this.#maxBytes) return;
    this.#entries.set(key, bytes);
    this.#bytes += bytes.length;
    for (const [oldKey, old] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldKey);
      this.#bytes -= old.length;
    }
  }
}
