/**
 * One-time claims in Redis (SET NX with an expiry): a result is posted by one instance only,
 * even when a stalled BullMQ job runs twice, and an owed notice is sent once after a restart.
 * The expiry frees a claim whose holder died mid-post, so the job is not stuck forever.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { DeliveryGuard } from './delivery.ts';

/** Deletes the claim only when this process still holds it. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export class RedisClaims implements DeliveryGuard {
  readonly #holder = randomUUID();

  constructor(
    private readonly redis: Redis,
    private readonly kind: 'delivery' | 'notice' = 'delivery',
    /** @default 15 minutes */
    private readonly ttlMs = 15 * 60_000,
  ) {}

  async claim(jobId: string): Promise<boolean> {
    const key = this.#key(jobId);
    const ok = await this.redis.set(key, this.#holder, 'PX', this.ttlMs, 'NX');
    // Claimed earlier by this very process (a retry after a failed post): still ours.
    return ok === 'OK' || (await this.redis.get(key)) === this.#holder;
  }

  async release(jobId: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.#key(jobId), this.#holder);
  }

  #key(jobId: string): string {
    return `reelbot:claim:${this.kind}:${jobId}`;
  }
}
