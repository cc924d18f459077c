import { describe, expect, it } from 'vitest';
import { Settings } from '../../src/engine/settings.ts';
import { openStore } from '../../src/engine/store.ts';

describe('Settings cache', () => {
  it('one process: a value read once is kept (nobody else writes the store)', async () => {
    const store = await openStore('memory:');
    const mine = new Settings(store);
    const other = new Settings(store);
    expect(await mine.workspaceCap('discord', 'g1')).toBeUndefined();
    await other.setWorkspaceCap('discord', 'g1', 5);
    expect(await mine.workspaceCap('discord', 'g1')).toBeUndefined();
    expect(await other.workspaceCap('discord', 'g1')).toBe(5);
    await store.close();
  });

  it('a shared store: another instance’s change is read again once the cache time has passed', async () => {
    const store = await openStore('memory:');
    let now = 1_000_000;
    const clock = { now: () => now };
    const a = new Settings(store, { cacheMs: 5000, ...clock });
    const b = new Settings(store, { cacheMs: 5000, ...clock });
    const scope = { kind: 'channel', channelId: 'c1' } as const;
    expect(await b.videoDefaults('slack', 'T1', scope)).toBeUndefined();
    await a.setVideoDefaults('slack', 'T1', scope, { private: true });
    now += 4999;
    expect(await b.videoDefaults('slack', 'T1', scope), 'still within the cache time').toBeUndefined();
    now += 2;
    expect(await b.videoDefaults('slack', 'T1', scope)).toEqual({ private: true });
    await a.setVideoDefaults('slack', 'T1', scope, null);
    expect(
      await a.videoDefaults('slack', 'T1', scope),
      'the writer sees its own change at once',
    ).toBeUndefined();
    now += 5001;
    expect(await b.videoDefaults('slack', 'T1', scope)).toBeUndefined();
    await store.close();
  });
});
