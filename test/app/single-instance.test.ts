import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/engine/job.ts';
import { openStore } from '../../src/engine/store.ts';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { makeCliHome } from '../cli/cli-harness.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack.ts';
import { type BotProcess, startBotProcess } from './bot-process.ts';

/**
 * The embedded mode is one process per SQLite store: two bots started at once on the same file
 * cannot both run (the second says why and exits), and the CLI beside a running bot keeps to its own
 * store, so it never resumes or resubmits the bot's chat jobs.
 */
describe('one bot per SQLite store', () => {
  let dir: string;
  let sim: Simulator;
  let fake: FakeSlack;
  let env: Record<string, string>;
  const bots: BotProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reelbot-single-'));
    sim = await startSimulator({ timing: { queuedMs: 20, msPerVideoSecond: 20, minRunMs: 50, jitter: 0 } });
    fake = await startFakeSlack();
    env = {
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_APP_TOKEN: fake.appToken,
      SLACK_API_URL: fake.apiUrl,
      VIDEO_API_BASE_URL: sim.url,
      VIDEO_API_KEY: sim.options.apiKey,
      VIDEO_SECONDS: '4',
      STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'info',
    };
  });

  afterAll(async () => {
    for (const b of bots) b.kill();
    await Promise.all(bots.map((b) => b.exited));
    await fake.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two bots started at once on one file: one runs, the other exits 1 naming the holder and what to do', async () => {
    const a = startBotProcess(env, dir);
    const b = startBotProcess(env, dir);
    bots.push(a, b);
    const outcome = (bot: BotProcess) =>
      Promise.race([
        bot.waitForLog((l) => l.msg === 'reelbot is running', 'start', 30_000).then(() => 'running' as const),
        bot.exited.then(() => 'exited' as const),
      ]);
    const results = await Promise.all([outcome(a), outcome(b)]);
    expect([...results].sort()).toEqual(['exited', 'running']);
    const refused = results[0] === 'exited' ? a : b;
    const runner = refused === a ? b : a;
    expect(await refused.exited).toBe(1);
    const sentence = refused.lines.find((l) => l.startsWith('reelbot cannot start:'));
    expect(sentence).toContain(`pid ${runner.child.pid}`);
    expect(sentence).toContain('One process per SQLite store');
    // The one that runs keeps running.
    expect(runner.child.exitCode).toBeNull();
  });

  it('the CLI beside the running bot makes its video in its own store and leaves the bot store alone', async () => {
    const home = await makeCliHome({
      VIDEO_API_BASE_URL: sim.url,
      VIDEO_API_KEY: sim.options.apiKey,
      VIDEO_SECONDS: '4',
      STORE_URL: env.STORE_URL ?? '',
      DATA_DIR: env.DATA_DIR ?? '',
    });
    try {
      const out = join(home.dir, 'fox.mp4');
      const result = await home.run(['video', 'a red fox in snow', '--out', out]);
      expect(result.stderr).not.toContain('in use by another');
      expect(result.code).toBe(0);
      expect(existsSync(out)).toBe(true);
      const cliStore = await openStore(`sqlite://${join(env.DATA_DIR ?? '', 'cli.sqlite')}`);
      const cliJobs = (await cliStore.scan<Job>('jobs:')).map(([, j]) => j);
      await cliStore.close();
      expect(cliJobs.map((j) => j.prompt)).toEqual(['a red fox in snow']);
      const botStore = await openStore(env.STORE_URL ?? '', { exclusive: false });
      const botJobs = await botStore.scan<Job>('jobs:');
      await botStore.close();
      expect(botJobs).toEqual([]);
    } finally {
      await home.remove();
    }
  });

  it('CLI_STORE_URL naming the bot store is refused before anything runs', async () => {
    const home = await makeCliHome({ CLI_STORE_URL: env.STORE_URL ?? '', STORE_URL: env.STORE_URL ?? '' });
    try {
      const result = await home.run(['video', 'a red fox in snow', '--out', join(home.dir, 'x.mp4')]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('CLI_STORE_URL must differ from STORE_URL');
    } finally {
      await home.remove();
    }
  });
});
