import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBot, startBot } from '../../src/app/run-bot.ts';
import { loadConfig } from '../../src/config/config.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack.ts';
import { FAST_SIM, FAST_TIMING } from './app-harness.ts';

const CHANNEL = 'C0VIDEOS';
const ALICE = 'U0ALICE';
const PUBLIC_URL = 'https://reelbot.example';

/** The whole bot in-process with Slack (fake) whose upload limit is below the video's size. */
describe('a video too big for the chat platform', () => {
  let dir: string;
  let sim: Simulator;
  let fake: FakeSlack;
  let bot: RunningBot;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reelbot-oversized-'));
    sim = await startSimulator({ timing: FAST_SIM });
    fake = await startFakeSlack();
    fake.addChannel({ id: CHANNEL, name: 'videos' });
    fake.addUser({ id: ALICE, name: 'alice' });
    const config = loadConfig({
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_APP_TOKEN: fake.appToken,
      SLACK_API_URL: fake.apiUrl,
      VIDEO_API_BASE_URL: sim.url,
      VIDEO_API_KEY: sim.options.apiKey,
      STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
      DATA_DIR: join(dir, 'data'),
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      PUBLIC_URL,
      // The simulator's 4 s clip is about 1.6 MB: over a 1 MB Slack limit.
      SLACK_MAX_UPLOAD_MB: '1',
      LOG_LEVEL: 'silent',
    });
    bot = await startBot(config, silentLogger, {
      engineOverrides: { timing: FAST_TIMING },
      slack: { socketPingTimeoutMs: 1500 },
    });
    await fake.waitForSocket();
  });

  afterAll(async () => {
    await bot?.stop();
    await fake?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gets a working download link in the channel instead of an upload', async () => {
    await fake.slashCommand({
      command: '/video',
      text: 'a lighthouse at dusk',
      user: ALICE,
      channel: CHANNEL,
    });
    const linkRe = new RegExp(`${PUBLIC_URL}/files/[A-Za-z0-9_-]{43}/[^\\s|>]+`);
    const note = await fake.waitFor(
      () => fake.messages(CHANNEL).find((m) => linkRe.test(m.text)),
      15_000,
      'a message with a download link',
    );
    expect(fake.callsTo('files.completeUploadExternal')).toHaveLength(0);
    const link = linkRe.exec(note.text)?.[0] ?? '';
    const res = await fetch(`${bot.opsUrl}${link.slice(PUBLIC_URL.length)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBeGreaterThan(1024 * 1024);
    expect(body.length).toBe(Number(res.headers.get('content-length')));
    expect(body.subarray(4, 8).toString('latin1')).toBe('ftyp');
  });
});
