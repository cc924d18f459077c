/**
 * One-time claims in Redis (SET NX with an expiry): a result is posted by one instance only,
 * even when a stalled BullMQ job runs twice, and an owed notice is sent once after a restart.
 *
 * A delivery claim is *held*: short-lived (`holdMs`, the same as a BullMQ job lock) and renewed
 * while its holder works, so a holder that is killed mid-post frees it within `holdMs` and the
 * instance that takes the job over can post it. Once the result is posted the claim is kept for
 * `keepMs`, so a late duplicate run still sees it taken.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { DeliveryGuard } from './delivery.ts';
import { DEFAULT_LOCK_MS } from './engine-options.ts';
import { EXTEND_IF_HOLDER, RELEASE_IF_HOLDER } from './redis-scripts.ts';

export interface RedisClaimOptions {
  kind?: 'delivery' | 'notice';
  /** How long a claim outlives a holder that stopped renewing it. @default DEFAULT_LOCK_MS */
  holdMs?: number;
  /** How long a settled claim is kept. @default 15 minutes */
  keepMs?: number;
}

export class RedisClaims implements DeliveryGuard {
  readonly #holder = randomUUID();
  readonly #kind: 'delivery' | 'notice';
  readonly #holdMs: number;
  readonly #keepMs: number;
  /** Renewal timers of the claims this process holds. */
  readonly #renewing = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly redis: Redis,
    options: RedisClaimOptions = {},
  ) {
    this.#kind = options.kind ?? 'delivery';
    this.#holdMs = options.holdMs ?? DEFAULT_LOCK_MS;
    this.#keepMs = options.keepMs ?? 15 * 60_000;
  }

  /** Claim for good (a notice): nobody else may ever send it, within `keepMs`. */
  async claimOnce(jobId: string): Promise<boolean> {
    const ok = await this.redis.set(this.#key(jobId), this.#holder, 'PX', this.#keepMs, 'NX');
    return ok === 'OK';
  }

  /** Hold the claim while working on `jobId`; renewed until `release` or `settle`. */
  async claim(jobId: string): Promise<boolean> {
    const key = this.#key(jobId);
    const ok = await this.redis.set(key, this.#holder, 'PX', this.#holdMs, 'NX');
    // Claimed earlier by this very process (a retry after a failed post): still ours.
    const mine = ok === 'OK' || (await this.redis.get(key)) === this.#holder;
    if (mine && !this.#renewing.has(jobId)) {
      const timer = setInterval(
        () => void this.#extend(key, this.#holdMs).catch(() => undefined),
        Math.max(100, Math.floor(this.#holdMs / 3)),
      );
      timer.unref();
      this.#renewing.set(jobId, timer);
    }
    return mine;
  }

  /** The work failed or was cut off: the next try (here or elsewhere) may claim it. */
  async release(jobId: string): Promise<void> {
    this.#stopRenewing(jobId);
    await this.redis.eval(RELEASE_IF_HOLDER, 1, this.#key(jobId), this.#holder);
  }

  /** The work is done: keep the claim (for `keepMs`) so a duplicate run does not redo it. */
  async settle(jobId: string): Promise<void> {
    this.#stopRenewing(jobId);
    await this.#extend(this.#key(jobId), this.#keepMs);
  }

  #stopRenewing(jobId: string): void {
    clearInterval(this.#renewing.get(jobId));
    this.#renewing.delete(jobId);
  }

  async #extend(key: string, ms: number): Promise<void> {
    await this.redis.eval(EXTEND_IF_HOLDER, 1, key, this.#holder, String(ms));
  }

  #key(jobId: string): string {
    return `reelbot:claim:${this.#kind}:${jobId}`;
  }
}
