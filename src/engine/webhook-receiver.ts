/**
 * The upstream's `video.completed` / `video.failed` webhooks, signed per Standard Webhooks (the
 * scheme OpenAI's webhooks use). A verified event only makes the engine check that job now
 * (`pollNow`): the outcome always comes from our own status check, never from the event body, so
 * a forged-but-signed or stale event costs at most one GET.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Logger, silentLogger } from '../log/logger.ts';
import type { Job } from './job.ts';

/** Timestamps further than this from our clock are refused (Standard Webhooks' suggestion). */
export const WEBHOOK_TOLERANCE_MS = 5 * 60_000;
/** A `webhook-id` longer than this is refused (it is kept in memory to spot replays). */
const MAX_ID_LENGTH = 256;

/** Request headers as Node gives them (lower-case names). */
export type WebhookHeaders = Record<string, string | string[] | undefined>;

export type WebhookRefusal =
  | 'missing_headers'
  | 'bad_timestamp'
  | 'too_old'
  | 'too_new'
  | 'bad_signature'
  | 'replayed';

export type WebhookVerdict =
  | { ok: true; id: string; timestamp: number }
  | { ok: false; reason: WebhookRefusal };

/**
 * Remembers verified `webhook-id`s until their timestamp leaves the tolerance window (after
 * that the timestamp check refuses a replay anyway). Bounded: past `maxIds` the oldest are
 * forgotten, which at worst lets a replay cost one more GET.
 */
export class SeenWebhookIds {
  readonly #until = new Map<string, number>();
  constructor(private readonly maxIds = 10_000) {}

  has(id: string, now: number): boolean {
    const until = this.#until.get(id);
    return until !== undefined && until > now;
  }

  add(id: string, timestampMs: number, now: number): void {
    this.#until.set(id, timestampMs + WEBHOOK_TOLERANCE_MS);
    if (this.#until.size <= this.maxIds) return;
    for (const [k, until] of this.#until) if (until <= now) this.#until.delete(k);
    for (const k of this.#until.keys()) {
      if (this.#until.size <= this.maxIds) break;
      this.#until.delete(k);
    }
  }

  /** Forget an id (its event could not be handled, so the sender's retry must get through). */
  delete(id: string): void {
    this.#until.delete(id);
  }

  get size(): number {
    return this.#until.size;
  }
}

/**
 * Verify a Standard Webhooks request: `webhook-signature` holds one or more space-separated
 * `v1,<base64 HMAC-SHA256>` of `${webhook-id}.${webhook-timestamp}.${rawBody}`, keyed with the
 * base64-decoded secret (`whsec_` prefix optional). `now` is epoch ms. With `seen`, a verified id
 * already seen inside the tolerance window is refused as `replayed` (and a new one remembered).
 */
export function verifyStandardWebhook(
  secret: string,
  headers: WebhookHeaders,
  rawBody: string | Uint8Array,
  now: number,
  seen?: SeenWebhookIds,
): WebhookVerdict {
  const id = header(headers, 'webhook-id');
  const stamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !stamp || !signatures || id.length > MAX_ID_LENGTH) return refuse('missing_headers');
  if (!/^\d{1,12}$/.test(stamp)) return refuse('bad_timestamp');
  const timestamp = Number(stamp);
  if (now - timestamp * 1000 > WEBHOOK_TOLERANCE_MS) return refuse('too_old');
  if (timestamp * 1000 - now > WEBHOOK_TOLERANCE_MS) return refuse('too_new');
  const expected = Buffer.from(sign(secret, id, stamp, rawBody));
  const match = signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || value === undefined) return false;
    const given = Buffer.from(value);
    // timingSafeEqual needs equal lengths; the length of a well-formed HMAC is no secret.
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!match) return refuse('bad_signature');
  if (seen) {
    if (seen.has(id, now)) return refuse('replayed');
    seen.add(id, timestamp * 1000, now);
  }
  return { ok: true, id, timestamp };
}

function sign(secret: string, id: string, stamp: string, body: string | Uint8Array): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return createHmac('sha256', key).update(`${id}.${stamp}.`).update(body).digest('base64');
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s?.trim() || undefined;
}

function refuse(reason: WebhookRefusal): WebhookVerdict {
  return { ok: false, reason };
}

/** What the receiver needs from the engine. */
export interface WebhookTarget {
  findJobByVideoId(videoId: string): Promise<Job | undefined>;
  /** Check this job's status now instead of at its scheduled time. */
  pollNow(jobId: string): void;
}

export interface WebhookReceiverOptions {
  /** `WEBHOOK_SECRET`: the `whsec_...` signing secret the upstream shows. */
  secret: string;
  target: WebhookTarget;
  logger?: Logger;
  /** @default Date.now */
  now?: () => number;
}

/** The answer to one webhook request; `reason` is for our logs, never sent. */
export interface WebhookResult {
  status: 200 | 400 | 401;
  reason: 'polled' | 'unknown_video' | 'finished_job' | 'other_event' | 'bad_json' | WebhookRefusal;
}

/** The event types that make us look. Others are acknowledged and ignored. */
const EVENTS = new Set(['video.completed', 'video.failed']);

/** Refused requests are logged at most this often, so a flood cannot flood the logs. */
const REFUSAL_LOG_EVERY_MS = 60_000;

export class WebhookReceiver {
  readonly #o: WebhookReceiverOptions;
  readonly #seen = new SeenWebhookIds();
  readonly #logger: Logger;
  readonly #now: () => number;
  #lastRefusalLog = Number.NEGATIVE_INFINITY;
  #refusedSinceLog = 0;
  /** Requests by outcome since start (tests, metrics). */
  readonly counts: Record<WebhookResult['reason'], number> = {
    polled: 0,
    unknown_video: 0,
    finished_job: 0,
    other_event: 0,
    bad_json: 0,
    missing_headers: 0,
    bad_timestamp: 0,
    too_old: 0,
    too_new: 0,
    bad_signature: 0,
    replayed: 0,
  };

  constructor(options: WebhookReceiverOptions) {
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
  }

  /** Verify and act on one request (`rawBody` exactly as received). Never throws for bad input. */
  async receive(headers: WebhookHeaders, rawBody: Uint8Array | string): Promise<WebhookResult> {
    const result = await this.#receive(headers, rawBody);
    this.counts[result.reason] += 1;
    return result;
  }

  async #receive(headers: WebhookHeaders, rawBody: Uint8Array | string): Promise<WebhookResult> {
    const verdict = verifyStandardWebhook(this.#o.secret, headers, rawBody, this.#now(), this.#seen);
    if (!verdict.ok) {
      // A replay of a verified event (or the sender retrying one whose answer it lost) was
      // acted on already: acknowledge it, so an honest sender stops retrying, and do nothing.
      if (verdict.reason === 'replayed') return { status: 200, reason: 'replayed' };
      this.#logRefusal(verdict.reason);
      return { status: 401, reason: verdict.reason };
    }
    const event = parseEvent(rawBody);
    if (!event) return { status: 400, reason: 'bad_json' };
    if (!EVENTS.has(event.type)) return { status: 200, reason: 'other_event' };
    let job: Job | undefined;
    try {
      job = await this.#o.target.findJobByVideoId(event.videoId);
    } catch (err) {
      // Store trouble: the caller answers 5xx and the sender retries, which must not look like a replay.
      this.#seen.delete(verdict.id);
      throw err;
    }
    if (!job) {
      this.#logger.debug('webhook for a video we do not follow', { type: event.type });
      return { status: 200, reason: 'unknown_video' };
    }
    if (job.state !== 'submitted' && job.state !== 'in_progress') {
      return { status: 200, reason: 'finished_job' };
    }
    this.#o.target.pollNow(job.id);
    this.#logger.debug('webhook: checking the job now', { job: job.id, type: event.type, event: verdict.id });
    return { status: 200, reason: 'polled' };
  }

  #logRefusal(reason: WebhookRefusal): void {
    this.#refusedSinceLog += 1;
    const now = this.#now();
    if (now - this.#lastRefusalLog < REFUSAL_LOG_EVERY_MS) return;
    this.#logger.warn('webhook refused: check WEBHOOK_SECRET matches the upstream', {
      reason,
      refused: this.#refusedSinceLog,
    });
    this.#lastRefusalLog = now;
    this.#refusedSinceLog = 0;
  }
}

/** `{ type, data: { id } }` of an event, or undefined when the body is not one. */
function parseEvent(rawBody: Uint8Array | string): { type: string; videoId: string } | undefined {
  let body: unknown;
  try {
    body = JSON.parse(typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { type, data } = body as { type?: unknown; data?: unknown };
  const videoId = typeof data === 'object' && data !== null ? (data as { id?: unknown }).id : undefined;
  if (typeof type !== 'string' || typeof videoId !== 'string' || videoId === '') return undefined;
  return { type, videoId };
}
