/**
 * `video.completed` / `video.failed` events POSTed to a configured URL, signed
 * per Standard Webhooks (the scheme OpenAI's webhooks use): headers
 * `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>`
 * of `${id}.${timestamp}.${body}` keyed with the base64-decoded part of `whsec_...`.
 */
import { createHmac } from 'node:crypto';
import type { Logger } from '../log/logger.ts';
import type { SeededRandom } from './seeded-random.ts';
import type { SimulatorWebhook } from './simulator-options.ts';

export type WebhookEventType = 'video.completed' | 'video.failed';

/** Sign a webhook body; exported so tests (and receivers' tests) can verify. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}

export class WebhookSender {
  readonly #config: SimulatorWebhook;
  readonly #logger: Logger;
  readonly #rng: SeededRandom;
  readonly #inFlight = new Set<AbortController>();

  constructor(config: SimulatorWebhook, rng: SeededRandom, logger: Logger) {
    this.#config = config;
    this.#rng = rng;
    this.#logger = logger;
  }

  /** Fire and forget: a receiver that is down loses the event, as with real senders after retries. */
  send(type: WebhookEventType, videoId: string): void {
    const id = `evt_${this.#rng.hex(24)}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ id, object: 'event', type, created_at: timestamp, data: { id: videoId } });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 10_000);
    this.#inFlight.add(controller);
    fetch(this.#config.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(this.#config.secret, id, timestamp, body),
      },
      body,
      signal: controller.signal,
    })
      .then(async (res) => {
        await res.arrayBuffer();
        if (!res.ok) this.#logger.warn('simulator webhook refused', { status: res.status, type });
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) this.#logger.warn('simulator webhook failed', { err, type });
      })
      .finally(() => {
        clearTimeout(timer);
        this.#inFlight.delete(controller);
      });
  }

  /** Abort every delivery still in flight. */
  close(): void {
    for (const c of this.#inFlight) c.abort();
    this.#inFlight.clear();
  }
}
