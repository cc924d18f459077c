/**
 * The keyed mutex across instances: read-modify-writes of one record from two "instances" (two
 * mutexes on two connections, one shared store) never lose an update; without it they do.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KeyedMutex } from '../../src/engine/keyed-mutex.ts';
import { openRedis } from '../../src/engine/redis-connection.ts';
import { RedisKeyedMutex } from '../../src/engine/redis-mutex.ts';
import { openStore, type Store } from '../../src/engine/store.ts';
import { startTestRedis, type TestRedis } from '../support/redis-server.ts';

let server: TestRedis;
let store: Store;
const connections: Redis[] = [];
beforeAll(async () => {
  server = await startTestRedis();
  store = await openStore(server.url);
});
afterAll(async () => {
  for (const c of connections) c.disconnect();
  await store?.close();
  await server?.stop();
});

const connect = () => {
  const c = openRedis(server.url);
  connections.push(c);
  return c;
};

/** `n` increments of `key` spread over `mutexes`, each a read, a pause and a write. */
async function race(mutexes: KeyedMutex[], key: string, n: number): Promise<number> {
  await store.set(key, 0);
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      mutexes[i % mutexes.length]!.run(`job:${key}`, async () => {
        const v = (await store.get<number>(key)) ?? 0;
        await new Promise((r) => setImmediate(r));
        await store.set(key, v + 1);
      }),
    ),
  );
  return (await store.get<number>(key)) ?? 0;
}

it('two instances updating one record in turn: every update kept', async () => {
  const a = new RedisKeyedMutex(connect());
  const b = new RedisKeyedMutex(connect());
  expect(await race([a, b], 'counter-shared', 40)).toBe(40);
  expect(a.size + b.size).toBe(0);
  expect(await connect().keys('reelbot:lock:*')).toEqual([]);
});

it('in-process mutexes alone lose updates across instances (why the Redis lock is needed)', async () => {
  expect(await race([new KeyedMutex(), new KeyedMutex()], 'counter-local', 40)).toBeLessThan(40);
});
