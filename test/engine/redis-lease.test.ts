/**
 * The Redis lease and the once-guard against a real redis-server: one holder at a time,
 * renewal keeps it, a lost lease stops the work, a clean stop hands it over; repeats are refused.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryOnceGuard, RedisOnceGuard } from '../../src/engine/once-guard.ts';
import { type LeaseHooks, RedisLease } from '../../src/engine/redis-lease.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { startTestRedis, type TestRedis } from '../support/redis-server.ts';

/** Hooks that record what the lease asked for. */
function recorder() {
  const events: string[] = [];
  const hooks: LeaseHooks = {
    acquired: async () => {
      events.push('acquired');
    },
    lost: async () => {
      events.push('lost');
    },
  };
  return { events, hooks };
}

describe('RedisLease', () => {
  let redis: TestRedis;
  let conn: Redis;
  beforeAll(async () => {
    redis = await startTestRedis();
    conn = new Redis(redis.url, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    conn.disconnect();
    await redis.stop();
  });

  it('lets one of two contenders hold it, keeps it past its TTL by renewing, and hands it over on stop', async () => {
    const key = 'test:lease:handover';
    const one = recorder();
    const two = recorder();
    // A TTL with room for renewals delayed by a busy machine (renewed every third of it).
    const a = new RedisLease(conn, one.hooks, silentLogger, { key, ttlMs: 4000, retryMs: 50 });
    const b = new RedisLease(conn, two.hooks, silentLogger, { key, ttlMs: 4000, retryMs: 50 });
    a.start();
    await expect.poll(() => a.held).toBe(true);
    b.start();
    // More than a TTL passes while B keeps trying: A renews, B never gets it.
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 1500));
      expect(b.held).toBe(false);
      expect(await conn.get(key)).toBe(a.owner);
    }
    await a.stop();
    expect(one.events).toEqual(['acquired', 'lost']);
    await expect.poll(() => b.held).toBe(true);
    expect(await conn.get(key)).toBe(b.owner);
    await b.stop();
    expect(await conn.exists(key)).toBe(0);
  });

  it('stops the work when the lease is taken away, and takes it again once free', async () => {
    const key = 'test:lease:stolen';
    const rec = recorder();
    const lease = new RedisLease(conn, rec.hooks, silentLogger, { key, ttlMs: 300, retryMs: 50 });
    lease.start();
    await expect.poll(() => lease.held).toBe(true);
    await conn.set(key, 'someone-else', 'PX', 400);
    await expect.poll(() => rec.events).toEqual(['acquired', 'lost']);
    expect(await conn.get(key)).toBe('someone-else');
    await expect.poll(() => rec.events, { timeout: 5000 }).toEqual(['acquired', 'lost', 'acquired']);
    await lease.stop();
  });

  it('gives the lease back when the work cannot start, and tries again', async () => {
    const key = 'test:lease:failing';
    let attempts = 0;
    const lease = new RedisLease(
      conn,
      {
        acquired: async () => {
          attempts += 1;
          if (attempts === 1) throw new Error('gateway refused');
        },
        lost: async () => {},
      },
      silentLogger,
      { key, ttlMs: 5000, retryMs: 50 },
    );
    lease.start();
    await expect.poll(() => attempts).toBe(2);
    expect(lease.held).toBe(true);
    await lease.stop();
  });
});

describe('once-guards', () => {
  it('in memory: first call true, repeats false until the time-to-live passes', async () => {
    let now = 1000;
    const guard = new MemoryOnceGuard(60_000, () => now);
    expect(await guard.first('k')).toBe(true);
    expect(await guard.first('k')).toBe(false);
    expect(await guard.first('other')).toBe(true);
    now += 60_001;
    expect(await guard.first('k')).toBe(true);
  });

  it('in Redis: shared by every guard on the same server', async () => {
    const redis = await startTestRedis();
    const c1 = new Redis(redis.url, { maxRetriesPerRequest: null });
    const c2 = new Redis(redis.url, { maxRetriesPerRequest: null });
    try {
      const a = new RedisOnceGuard(c1, silentLogger);
      const b = new RedisOnceGuard(c2, silentLogger);
      const results = await Promise.all([a.first('evt-1'), b.first('evt-1'), a.first('evt-1')]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await b.first('evt-2')).toBe(true);
      expect(await c1.pttl('reelbot:once:evt-1')).toBeGreaterThan(0);
    } finally {
      c1.disconnect();
      c2.disconnect();
      await redis.stop();
    }
  });

  it('in Redis, with Redis gone: answers within its deadline and lets the event through', async () => {
    const redis = await startTestRedis();
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    conn.on('error', () => undefined);
    try {
      const guard = new RedisOnceGuard(conn, silentLogger);
      expect(await guard.first('before')).toBe(true);
      await redis.kill();
      // A rare duplicate is better than a lost command: the check gives way.
      expect(await guard.first('before')).toBe(true);
    } finally {
      conn.disconnect();
      await redis.stop();
    }
  });
});
