import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HISTORY_CAP,
  type HistoryIndex,
  RedisHistoryIndex,
  StoredHistoryIndex,
} from '../../src/engine/history-index.ts';
import { KeyedMutex } from '../../src/engine/keyed-mutex.ts';
import { openRedis } from '../../src/engine/redis-connection.ts';
import { openStore, type Store } from '../../src/engine/store.ts';
import { startTestRedis, type TestRedis } from '../support/redis-server.ts';

let redis: TestRedis;
let conn: ReturnType<typeof openRedis>;
beforeAll(async () => {
  redis = await startTestRedis();
  conn = openRedis(redis.url);
});
afterAll(async () => {
  conn?.disconnect();
  await redis?.stop();
});

const kinds: Array<[string, (store: Store) => HistoryIndex]> = [
  ['stored arrays (one process)', (store) => new StoredHistoryIndex(store, new KeyedMutex())],
  ['Redis lists (several instances)', (store) => new RedisHistoryIndex(conn, store, `t${Date.now()}:`)],
];

describe.each(kinds)('history index: %s', (_name, make) => {
  it('lists ids newest first in every list given, moves a re-added id to the front, keeps the newest 500', async () => {
    const store = await openStore('memory:');
    const index = make(store);
    await index.add(['place', 'place:u1'], 'j1');
    await index.add(['place', 'place:u2'], 'j2');
    await index.add(['place', 'place:u1'], 'j3');
    expect(await index.ids('place')).toEqual(['j3', 'j2', 'j1']);
    expect(await index.ids('place:u1')).toEqual(['j3', 'j1']);
    await index.add(['place'], 'j1');
    expect(await index.ids('place')).toEqual(['j1', 'j3', 'j2']);
    for (let i = 0; i < HISTORY_CAP + 20; i++) await index.add(['busy'], `b${i}`);
    const busy = await index.ids('busy');
    expect(busy).toHaveLength(HISTORY_CAP);
    expect(busy[0]).toBe(`b${HISTORY_CAP + 19}`);
    expect(busy.at(-1)).toBe('b20');
    expect(await index.ids('nobody')).toEqual([]);
    await store.close();
  });

  it('adds from many callers at once lose nothing', async () => {
    const store = await openStore('memory:');
    const index = make(store);
    await Promise.all(Array.from({ length: 50 }, (_, i) => index.add(['crowd'], `c${i}`)));
    expect((await index.ids('crowd')).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `c${i}`).sort());
    await store.close();
  });
});

it('Redis lists: a list an earlier version kept in the store still shows, after the newer entries', async () => {
  const store = await openStore('memory:');
  await store.set('index:history:slack:T1', ['old2', 'old1']);
  const index = new RedisHistoryIndex(conn, store, `legacy${Date.now()}:`);
  await index.add(['index:history:slack:T1'], 'new1');
  await index.add(['index:history:slack:T1'], 'old1');
  expect(await index.ids('index:history:slack:T1')).toEqual(['old1', 'new1', 'old2']);
  await store.close();
});
