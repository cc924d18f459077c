/**
 * Discord's side of HTTP interactions: the application's Ed25519 key pair (the Public Key the
 * Developer Portal shows), signed POSTs to the app's Interactions Endpoint URL, and the check
 * the portal runs when the URL is saved (a signed PING must get PONG, a badly signed one 401).
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { Agent, request } from 'undici';
import type { Json } from './fake-state.ts';

/** How a request is signed (tests of the app's checks). */
export interface InteractionSigning {
  /** `bad`: signed by another key; `none`: no signature headers. @default 'good' */
  signature?: 'good' | 'bad' | 'none';
  /** Pretend it was signed at this moment (Unix seconds), e.g. a replay. */
  timestampSec?: number;
}

export interface EndpointReply {
  status: number;
  /** Parsed JSON, or undefined for an empty body. */
  json: Json | undefined;
}

export class InteractionsEndpointSender {
  readonly #key: KeyObject;
  readonly #otherKey: KeyObject;
  /** The Public Key as the portal shows it: 64 hex digits. */
  readonly publicKey: string;
  url: string | undefined;
  /** Instances behind a load balancer (see `balance`). */
  #targets: string[] = [];
  #turn = 0;
  /** Discord keeps its connections to an endpoint open between interactions, as a load balancer does. */
  readonly #pool = new Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000 });

  constructor() {
    const pair = generateKeyPairSync('ed25519');
    this.#key = pair.privateKey;
    this.#otherKey = generateKeyPairSync('ed25519').privateKey;
    const x = String(pair.publicKey.export({ format: 'jwk' }).x);
    this.publicKey = Buffer.from(x, 'base64url').toString('hex');
  }

  /**
   * The endpoint URL is a load balancer in front of `urls`: each POST goes to the next instance in
   * turn, and one that cannot be reached (killed) is skipped for the next, as a balancer's health
   * check would.
   */
  balance(urls: string[]): void {
    this.#targets = [...urls];
    this.url = urls[0];
  }

  /** POST `payload` to the endpoint URL (or the next instance behind it), signed as Discord signs. */
  async post(payload: Json, signing: InteractionSigning = {}): Promise<EndpointReply> {
    if (!this.url) throw new Error('fake discord: no Interactions Endpoint URL set');
    if (this.#targets.length < 2) return this.#postTo(this.url, payload, signing);
    let last: unknown;
    for (let i = 0; i < this.#targets.length; i++) {
      const url = this.#targets[this.#turn++ % this.#targets.length]!;
      try {
        return await this.#postTo(url, payload, signing);
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }

  async #postTo(url: string, payload: Json, signing: InteractionSigning): Promise<EndpointReply> {
    const body = JSON.stringify(payload);
    const timestamp = String(signing.timestampSec ?? Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signing.signature !== 'none') {
      const key = signing.signature === 'bad' ? this.#otherKey : this.#key;
      headers['x-signature-ed25519'] = sign(null, Buffer.from(timestamp + body), key).toString('hex');
      headers['x-signature-timestamp'] = timestamp;
    }
    // undici's request, not fetch: a fraction of the CPU per call, so the fake keeps up with bursts.
    const res = await request(url, {
      method: 'POST',
      headers,
      body,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
      dispatcher: this.#pool,
    });
    const text = await res.body.text();
    let json: Json | undefined;
    try {
      json = text ? (JSON.parse(text) as Json) : undefined;
    } catch {
      json = { text };
    }
    return { status: res.statusCode, json };
  }

  /** Drop the kept connections. */
  close(): Promise<void> {
    return this.#pool.destroy();
  }

  /** Save `url` the way the portal does: refused (throws) unless it answers PING and refuses a bad signature. */
  async save(url: string, ping: Json): Promise<void> {
    const previous = this.url;
    this.url = url;
    try {
      const good = await this.post(ping);
      if (good.status !== 200 || good.json?.type !== 1) {
        throw new Error(`interactions endpoint did not answer PING with PONG (got ${good.status})`);
      }
      const bad = await this.post(ping, { signature: 'bad' });
      if (bad.status !== 401) {
        throw new Error(`interactions endpoint accepted a bad signature (got ${bad.status}, want 401)`);
      }
    } catch (err) {
      this.url = previous;
      throw err;
    }
  }
}
