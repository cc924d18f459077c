/**
 * Delivery claims in Redis: one holder at a time, renewed while it works, kept once the result is
 * posted, and freed soon after a holder dies mid-post (so the instance that takes the job over
 * can post it, instead of waiting out a long expiry).
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisClaims } from '../../src/engine/redis-claims.ts';
import { openRedis } from '../../src/engine/redis-connection.ts';
import { startTestRedis, type TestRedis } from '../support/redis-server.ts';

let server: TestRedis;
const connections: Redis[] = [];
beforeAll(async () => {
  server = await startTestRedis();
});
afterAll(async () => {
  for (const c of connections) c.disconnect();
  await server?.stop();
});

const connect = () => {
  const c = openRedis(server.url);
  connections.push(c);
  return c;
};
const HOLD_MS = 300;
const claims = (redis = connect()) => new RedisClaims(redis, { kind: 'delivery', holdMs: HOLD_MS });
const key = (id: string) => `reelbot:claim:delivery:${id}`;

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

it('lets one holder at a time claim a job, and the holder again', async () => {
  const [a, b] = [claims(), claims()];
  expect(await a.claim('j1')).toBe(true);
  expect(await b.claim('j1')).toBe(false);
  expect(await a.claim('j1')).toBe(true);
  await a.release('j1');
  expect(await b.claim('j1')).toBe(true);
  await b.release('j1');
});

it('renews a held claim while its holder works, and keeps it once settled', async () => {
  const peek = connect();
  const a = claims();
  expect(await a.claim('j2')).toBe(true);
  const first = await peek.pttl(key('j2'));
  expect(first).toBeGreaterThan(0);
  expect(first).toBeLessThanOrEqual(HOLD_MS);
  // The expiry moves forward again and again: renewed, not left to run out.
  let last = first;
  for (let renewals = 0; renewals < 3; renewals++) {
    await eventually(async () => {
      const now = await peek.pttl(key('j2'));
      const renewed = now > last;
      last = now;
      return renewed;
    }, 'a renewal');
  }
  await a.settle('j2');
  expect(await peek.pttl(key('j2'))).toBeGreaterThan(60_000);
  expect(await claims().claim('j2')).toBe(false);
});

it('frees the claim of a holder that died mid-post, for another instance to take', async () => {
  const dying = connect();
  const a = claims(dying);
  expect(await a.claim('j3')).toBe(true);
  dying.disconnect(); // killed: no release, no more renewals
  const b = claims();
  expect(await b.claim('j3')).toBe(false);
  await eventually(() => b.claim('j3'), 'the claim to be free again');
  await b.release('j3');
});

it('sends a notice once', async () => {
  const [a, b] = [claims(), claims()];
  expect(await a.claimOnce('n1')).toBe(true);
  expect(await b.claimOnce('n1')).toBe(false);
  expect(await a.claimOnce('n1')).toBe(false);
});
