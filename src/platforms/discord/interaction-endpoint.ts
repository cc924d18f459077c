/**
 * Discord HTTP interactions (`POST /discord/interactions` with `DISCORD_PUBLIC_KEY`): every
 * request is checked against the application's Ed25519 Public Key (signature over the
 * `X-Signature-Timestamp` header followed by the raw body) and refused with 401 when the
 * signature is missing, wrong or older than five minutes. PING gets PONG in the HTTP response
 * (Discord requires it there); every other interaction is handed to the adapter. A dialog or
 * autocomplete choices go back in the HTTP response too: the REST transport hands them here
 * ({@link InteractionEndpoint.answerInline}, see `inline-answers.ts`) instead of making a second
 * request to Discord. Any other answer goes over REST and the request gets `202 Accepted`, as it
 * does when the adapter has not answered within {@link INLINE_ANSWER_WAIT_MS}. Any instance can
 * serve the route: nothing here outlives a request.
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../../log/logger.ts';

export const INTERACTIONS_PATH = '/discord/interactions';
/** Largest body read: interactions with resolved data are a few kB. */
export const INTERACTIONS_MAX_BYTES = 256 * 1024;
/** How long an interaction's HTTP request waits for the adapter's answer (Discord allows 3 s). */
export const INLINE_ANSWER_WAIT_MS = 2000;

export interface EndpointAnswer {
  status: number;
  /** JSON body; none for 202. */
  body?: unknown;
}

export interface InteractionEndpointOptions {
  /** `DISCORD_PUBLIC_KEY`: 64 hex digits. */
  publicKey: string;
  logger: Logger;
  /** Oldest (or furthest ahead) accepted signature timestamp. @default 300 s */
  maxSkewSec?: number;
  now?: () => number;
}

type Dispatch = (payload: Record<string, unknown>) => void;

export class InteractionEndpoint {
  readonly #key: KeyObject;
  readonly #maxSkewSec: number;
  readonly #now: () => number;
  #dispatch: Dispatch | undefined;
  /** Interactions whose HTTP request is still open, by id: where their answer goes. */
  readonly #open = new Map<string, (response: unknown) => void>();

  constructor(private readonly o: InteractionEndpointOptions) {
    const x = Buffer.from(o.publicKey, 'hex').toString('base64url');
    try {
      this.#key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    } catch {
      throw new Error(
        'DISCORD_PUBLIC_KEY is not an Ed25519 public key: copy the Public Key again from the Developer Portal (General Information)',
      );
    }
    this.#maxSkewSec = o.maxSkewSec ?? 300;
    this.#now = o.now ?? Date.now;
  }

  /** The Discord adapter takes the interactions from here on (PING is answered before that). */
  attach(dispatch: Dispatch): void {
    this.#dispatch = dispatch;
  }

  detach(): void {
    this.#dispatch = undefined;
  }

  async receive(headers: IncomingHttpHeaders, body: Buffer): Promise<EndpointAnswer> {
    if (!this.#verified(headers, body)) return { status: 401, body: { error: 'invalid request signature' } };
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return { status: 400, body: { error: 'body is not JSON' } };
    }
    if (payload.type === 1) return { status: 200, body: { type: 1 } };
    const dispatch = this.#dispatch;
    if (!dispatch) return { status: 503, body: { error: 'starting, try again' } };
    const id = String(payload.id);
    // A redelivery while the first delivery is still open: only the first waits for the answer.
    if (this.#open.has(id)) {
      dispatch(payload);
      return { status: 202 };
    }
    let timer: NodeJS.Timeout | undefined;
    const answered = new Promise<unknown>((resolve) => {
      this.#open.set(id, resolve);
      // No answer in time: 202, and the answer, when it comes, goes over REST.
      timer = setTimeout(() => this.answeredElsewhere(id), INLINE_ANSWER_WAIT_MS);
    });
    dispatch(payload);
    const response = await answered;
    clearTimeout(timer);
    return response === undefined ? { status: 202 } : { status: 200, body: response };
  }

  /**
   * The adapter's initial response to `interactionId`, taken into its open HTTP request; false when
   * there is none (answered 202 already, or it came by the gateway), and it must go over REST.
   */
  answerInline(interactionId: string, response: unknown): boolean {
    const resolve = this.#open.get(interactionId);
    if (!resolve) return false;
    this.#open.delete(interactionId);
    resolve(response);
    return true;
  }

  /** The adapter answers `interactionId` over REST: its HTTP request gets 202 now. */
  answeredElsewhere(interactionId: string): void {
    this.#open.get(interactionId)?.(undefined);
    this.#open.delete(interactionId);
  }

  #verified(headers: IncomingHttpHeaders, body: Buffer): boolean {
    const signature = headers['x-signature-ed25519'];
    const timestamp = headers['x-signature-timestamp'];
    if (typeof signature !== 'string' || typeof timestamp !== 'string') return false;
    if (!/^[0-9a-f]{128}$/i.test(signature) || !/^\d{1,12}$/.test(timestamp)) return false;
    if (Math.abs(this.#now() / 1000 - Number(timestamp)) > this.#maxSkewSec) {
      this.o.logger.warn('discord interaction refused: stale signature timestamp', { timestamp });
      return false;
    }
    const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), body]);
    return verify(null, signed, this.#key, Buffer.from(signature, 'hex'));
  }
}
