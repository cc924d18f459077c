/**
 * A lease in Redis: at most one holder of `key` among all instances at a time. Taken with
 * `SET key owner NX PX ttl`, renewed every third of the TTL while held (only by its owner), and
 * deleted on a clean stop. A holder that dies stops renewing, so another instance takes over
 * at most `ttlMs + retryMs` later. A holder that cannot renew for a whole TTL lets go.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.ts';
import { withRedisDeadline } from './redis-deadline.ts';
import { EXTEND_IF_HOLDER, RELEASE_IF_HOLDER } from './redis-scripts.ts';

export interface LeaseOptions {
  /** The Redis key of the lease. */
  key: string;
  /** How long a lease lasts without renewal. @default 10000 */
  ttlMs?: number;
  /** How often a non-holder tries to take it. @default 2000 */
  retryMs?: number;
}

export interface LeaseHooks {
  /** The lease was taken: start the exclusive work. A throw gives the lease back (retried later). */
  acquired(): Promise<void>;
  /** The lease was lost (or is being given back): stop the exclusive work. */
  lost(): Promise<void>;
}

const DEFAULTS = { ttlMs: 10_000, retryMs: 2000 } as const;

export class RedisLease {
  readonly owner = randomUUID();
  readonly #o: Required<LeaseOptions>;
  #held = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #renewedAt = 0;
  /** The hook call in progress, so `stop()` waits for it. */
  #busy: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: Redis,
    private readonly hooks: LeaseHooks,
    private readonly logger: Logger,
    options: LeaseOptions,
  ) {
    this.#o = { ...DEFAULTS, ...options };
  }

  get held(): boolean {
    return this.#held;
  }

  /** Start competing for the lease (the first attempt runs at once). */
  start(): void {
    this.#schedule(0);
  }

  /** Stop competing; when held, stop the work and delete the lease so another instance takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#busy;
    if (!this.#held) return;
    this.#held = false;
    await this.hooks
      .lost()
      .catch((err: unknown) => this.logger.warn('lease holder did not stop cleanly', { err }));
    await this.#release().catch((err: unknown) =>
      this.logger.warn('lease not released (it expires by itself)', { err }),
    );
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#busy = (this.#held ? this.#renew() : this.#acquire()).catch((err: unknown) =>
        this.logger.error('lease step failed', { key: this.#o.key, err }),
      );
    }, ms);
  }

  async #acquire(): Promise<void> {
    const ok = await withRedisDeadline(
      this.redis.set(this.#o.key, this.owner, 'PX', this.#o.ttlMs, 'NX'),
      this.#renewEvery(),
    ).catch((err: unknown) => {
      this.logger.warn('lease: redis unavailable', { key: this.#o.key, err });
      return null;
    });
    if (ok !== 'OK' || this.#stopped) {
      if (ok === 'OK') await this.#release().catch(() => undefined);
      this.#schedule(this.#o.retryMs);
      return;
    }
    this.#held = true;
    this.#renewedAt = Date.now();
    this.logger.info('lease acquired', { key: this.#o.key });
    try {
      await this.hooks.acquired();
    } catch (err) {
      this.logger.warn('lease taken but the work did not start; giving it back', { key: this.#o.key, err });
      this.#held = false;
      await this.hooks.lost().catch(() => undefined);
      await this.#release().catch(() => undefined);
      this.#schedule(this.#o.retryMs);
      return;
    }
    this.#schedule(this.#renewEvery());
  }

  async #renew(): Promise<void> {
    let mine: boolean;
    try {
      const renew = this.redis.eval(EXTEND_IF_HOLDER, 1, this.#o.key, this.owner, String(this.#o.ttlMs));
      mine = (await withRedisDeadline(renew, this.#renewEvery())) === 1;
      if (mine) this.#renewedAt = Date.now();
    } catch (err) {
      // Unknown: keep holding while the last renewal still covers us, with a margin.
      mine = Date.now() - this.#renewedAt < this.#o.ttlMs - this.#renewEvery();
      this.logger.warn('lease renewal failed', { key: this.#o.key, stillHeld: mine, err });
    }
    if (mine) {
      this.#schedule(this.#renewEvery());
      return;
    }
    this.logger.warn('lease lost; stopping the exclusive work', { key: this.#o.key });
    this.#held = false;
    await this.hooks
      .lost()
      .catch((err: unknown) => this.logger.warn('lease holder did not stop cleanly', { err }));
    this.#schedule(this.#o.retryMs);
  }

  #release(): Promise<unknown> {
    return withRedisDeadline(
      this.redis.eval(RELEASE_IF_HOLDER, 1, this.#o.key, this.owner),
      this.#renewEvery(),
    );
  }

  #renewEvery(): number {
    return Math.max(1, Math.floor(this.#o.ttlMs / 3));
  }
}
