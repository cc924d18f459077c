import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/engine/job.ts';
import { openStore } from '../../src/engine/store.ts';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack.ts';
import { sample, waitFor } from './app-harness.ts';
import { type BotProcess, exitWithin, type LogLine, startBotProcess } from './bot-process.ts';

const CHANNEL = 'C0VIDEOS';
const ALICE = 'U0ALICE';

/**
 * The real `src/main.ts` in a child process against a fake Slack and the simulator: SIGTERM while
 * a job runs upstream must end the process with code 0 within the 10 s limit, leave the job in
 * the store, and the next start must deliver it without submitting it again.
 */
describe('graceful shutdown of the bot process', () => {
  let dir: string;
  let sim: Simulator;
  let fake: FakeSlack;
  let env: Record<string, string>;
  const bots: BotProcess[] = [];

  const start = async () => {
    const bot = startBotProcess(env, dir);
    bots.push(bot);
    const ops = await bot.waitForLog((l) => l.msg === 'ops server listening', 'ops server');
    await bot.waitForLog((l) => l.msg === 'reelbot is running', 'start');
    return { bot, opsUrl: String(ops.url) };
  };
  const metrics = async (opsUrl: string) => (await fetch(`${opsUrl}/metrics`)).text();
  const storedJobs = async () => {
    const store = await openStore(env.STORE_URL ?? '');
    try {
      return (await store.scan<Job>('jobs:')).map(([, job]) => job);
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reelbot-shutdown-'));
    // Slow enough upstream that the job is still running when the bot is stopped (about 6 s).
    sim = await startSimulator({
      timing: { queuedMs: 200, msPerVideoSecond: 1500, minRunMs: 3000, jitter: 0 },
    });
    fake = await startFakeSlack();
    fake.addChannel({ id: CHANNEL, name: 'videos' });
    fake.addUser({ id: ALICE, name: 'alice' });
    env = {
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_APP_TOKEN: fake.appToken,
      SLACK_API_URL: fake.apiUrl,
      VIDEO_API_BASE_URL: sim.url,
      VIDEO_API_KEY: sim.options.apiKey,
      VIDEO_SECONDS: '4',
      STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
      DATA_DIR: join(dir, 'data'),
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
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

  it('SIGTERM mid-job exits 0 within 10 s, keeps the job, and the next start delivers it once', async () => {
    const first = await start();
    await fake.waitForSocket();
    const ack = await fake.slashCommand({
      command: '/video',
      text: 'a lighthouse at dusk',
      user: ALICE,
      channel: CHANNEL,
    });
    expect(ack.ackedInTime).toBe(true);
    await waitFor(
      async () => sample(await metrics(first.opsUrl), 'reelbot_jobs', { state: 'submitted' }) === 1,
      'job submitted upstream',
    );

    first.bot.child.kill('SIGTERM');
    expect(await exitWithin(first.bot, 10_000)).toBe(0);
    expect(first.bot.logs.map((l) => l.msg)).toContain('stopped; unfinished jobs resume on the next start');

    const [kept, ...others] = await storedJobs();
    expect(others).toHaveLength(0);
    expect(kept).toMatchObject({ state: 'submitted', prompt: 'a lighthouse at dusk' });
    expect(kept?.videoId).toMatch(/^video_/);
    expect(sim.jobs()).toHaveLength(1);

    const second = await start();
    await waitFor(
      async () => sample(await metrics(second.opsUrl), 'reelbot_jobs', { state: 'delivered' }) === 1,
      'job delivered after restart',
      30_000,
    );
    const files = [...fake.state.files.values()].filter((f) => f.shares.some((s) => s.channel === CHANNEL));
    expect(files).toHaveLength(1);
    expect(files[0]?.mimetype).toBe('video/mp4');
    expect(sim.jobs()).toHaveLength(1);

    second.bot.child.kill('SIGTERM');
    expect(await exitWithin(second.bot, 10_000)).toBe(0);
    expect((await storedJobs()).map((j) => j.state)).toEqual(['delivered']);
  });

  it('logs are one JSON record per line, by component, and job lines carry the job id', () => {
    const all = bots.flatMap((b) => b.lines);
    expect(all.length).toBeGreaterThan(5);
    for (const line of all) {
      const record = JSON.parse(line) as LogLine;
      expect(record).toMatchObject({
        level: expect.any(String),
        msg: expect.any(String),
        time: expect.any(String),
      });
    }
    const logs = bots.flatMap((b) => b.logs);
    const accepted = logs.find((l) => l.msg === 'job accepted');
    expect(accepted).toMatchObject({ component: 'engine', job: expect.stringMatching(/^job_/) });
    // The job can be followed by its id through every step, across the restart.
    const steps = logs.filter((l) => l.msg === 'job state' && l.job === accepted?.job).map((l) => l.state);
    expect(steps).toEqual(expect.arrayContaining(['submitted', 'completed', 'delivered']));
    expect(logs.some((l) => l.component === 'slack')).toBe(true);
    expect(logs.find((l) => l.msg === 'ops server listening')).toBeDefined();
    for (const line of all) {
      for (const secret of [fake.botToken, fake.appToken, sim.options.apiKey])
        expect(line).not.toContain(secret);
    }
  });
});
