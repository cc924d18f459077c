import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, StoreError, StoreLockedError } from '../../src/engine/store.ts';
import { createLogger } from '../../src/log/logger.ts';

describe('one process per SQLite store', () => {
  let dir: string;
  let file: string;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'reelbot-lock-'));
    file = join(dir, 'store.sqlite');
  });
  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.exitCode === null && c.signalCode === null) {
        c.kill('SIGKILL');
        await once(c, 'exit');
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const holdInChild = async (): Promise<ChildProcess> => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'store-holder.ts')],
      {
        env: { ...process.env, STORE_FILE: file },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    children.push(child);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`holder exited (${code}) before it held the store`)));
    });
    return child;
  };

  it('a second open in the same process is refused until the first closes; then it opens', async () => {
    const first = await openStore(`sqlite://${file}`);
    await first.set('jobs:a', { n: 1 });
    const second = openStore(`sqlite://${file}`);
    await expect(second).rejects.toBeInstanceOf(StoreLockedError);
    await expect(second).rejects.toThrow(`pid ${process.pid}`);
    await first.close();
    const third = await openStore(`sqlite://${file}`);
    expect(await third.get('jobs:a')).toEqual({ n: 1 });
    await third.close();
  });

  it('a store held by another process is refused with a sentence naming it and saying what to do', async () => {
    const holder = await holdInChild();
    const opening = openStore(`sqlite://${file}`);
    await expect(opening).rejects.toBeInstanceOf(StoreError);
    const err = (await opening.catch((e: unknown) => e)) as Error;
    expect(err.message).toContain(`pid ${holder.pid}`);
    expect(err.message).toContain('stop the other process first');
    expect(err.message).toContain('REDIS_URL');
  });

  it('the lock of a killed process is taken over at the next start, with a warning naming it', async () => {
    const holder = await holdInChild();
    const pid = holder.pid;
    holder.kill('SIGKILL');
    await once(holder, 'exit');
    const lines: string[] = [];
    const store = await openStore(`sqlite://${file}`, {
      logger: createLogger({ level: 'warn', sink: (l) => lines.push(l) }),
    });
    await store.set('jobs:b', { ok: true });
    await store.close();
    const warning = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.previousPid === pid);
    expect(warning?.msg).toBe('store lock taken over from a process that did not stop cleanly');
  });

  it('a clean close leaves nothing to take over (no warning at the next open)', async () => {
    const first = await openStore(`sqlite://${file}`);
    await first.close();
    const lines: string[] = [];
    const again = await openStore(`sqlite://${file}`, {
      logger: createLogger({ level: 'warn', sink: (l) => lines.push(l) }),
    });
    await again.close();
    expect(lines).toEqual([]);
  });

  it('exclusive: false reads a store that a running process holds (inspection tools)', async () => {
    const first = await openStore(`sqlite://${file}`);
    await first.set('jobs:c', { n: 3 });
    const reader = await openStore(`sqlite://${file}`, { exclusive: false });
    expect(await reader.get('jobs:c')).toEqual({ n: 3 });
    await reader.close();
    await first.close();
  });
});
