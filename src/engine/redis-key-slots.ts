/**
 * Upstream slots per API key, counted in Redis across every instance: a key runs at most `cap`
 * jobs at once. A slot is held by a job id (holding it again is a no-op, so a job taken over
 * after its instance died keeps its own slot), expires `holdMs` after its holder stopped renewing
 * it (killed), and is renewed every third of that while the holder lives.
 */
import type { Redis } from 'ioredis';

/** Drop expired holders; take a slot when the job has one or one is free. Times from Redis. */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  return 1
end
return 0`;

/** Push the expiry of slots still held (XX: never re-adds a released one). */
const RENEW = `
local t = redis.call('TIME')
local until_ = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[i - 1], 'XX', until_, ARGV[i]) end
return 0`;

export class RedisKeySlots {
  /** Slots this process holds: job id -> key index. */
  readonly #held = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly cap: number,
    private readonly holdMs: number,
  ) {
    this.#timer = setInterval(() => void this.#renew().catch(() => undefined), Math.max(100, holdMs / 3));
    this.#timer.unref();
  }

  /** True when job `jobId` now holds a slot of key `key` (it may have held it already). */
  async acquire(key: number, jobId: string): Promise<boolean> {
    const ok = await this.redis.eval(
      ACQUIRE,
      1,
      this.#key(key),
      jobId,
      String(this.cap),
      String(this.holdMs),
    );
    if (ok === 1) this.#held.set(jobId, key);
    return ok === 1;
  }

  async release(key: number, jobId: string): Promise<void> {
    if (this.#held.get(jobId) === key) this.#held.delete(jobId);
    await this.redis.zrem(this.#key(key), jobId);
  }

  /** Stop renewing (the connection is closed by its owner). */
  close(): void {
    clearInterval(this.#timer);
  }

  async #renew(): Promise<void> {
    if (this.#held.size === 0) return;
    const entries = [...this.#held];
    await this.redis.eval(
      RENEW,
      entries.length,
      ...entries.map(([, key]) => this.#key(key)),
      String(this.holdMs),
      ...entries.map(([jobId]) => jobId),
    );
  }

  #key(key: number): string {
    return `${this.prefix}:slots:k${key}`;
  }
}
