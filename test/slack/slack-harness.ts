/**
 * End-to-end wiring for Slack tests: the fake Slack, the simulator, the real engine (SQLite in a
 * temp dir, built from config like production) and the real Bolt app through `startSlack`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '../../src/config/config.ts';
import { createEngineFromConfig } from '../../src/engine/create-engine.ts';
import type { Engine } from '../../src/engine/engine.ts';
import type { EngineOptions } from '../../src/engine/engine-options.ts';
import type { OnceGuard } from '../../src/engine/once-guard.ts';
import type { FileShare } from '../../src/engine/surface.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { type SlackBot, type SlackStartOptions, startSlack } from '../../src/platforms/slack/start-slack.ts';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/simulator/simulator.ts';
import {
  type FakeMessage,
  type FakeSlack,
  type FakeSlackOptions,
  startFakeSlack,
} from '../fakes/slack/fake-slack.ts';
import { FAST_POLL_TIMING } from '../support/fast-poll-timing.ts';

export const CHANNEL = 'C0VIDEOS';
export const ALICE = 'U0ALICE';
export const BOB = 'U0BOB';
export const ADMIN = 'U0ADMIN';

const TIMING: NonNullable<EngineOptions['timing']> = {
  progressIntervalMs: 20,
  poll: FAST_POLL_TIMING,
  rateLimitBackoffMs: 50,
  deliveryRetryBaseMs: 20,
  deliveryRetryMaxMs: 200,
  surfaceRetryBaseMs: 10,
  surfaceRetryMaxMs: 100,
  fallbackMsPerVideoSecond: 50,
};

export interface SlackHarness {
  fake: FakeSlack;
  sim: Simulator;
  engine: Engine;
  bot: SlackBot;
  config: Config;
  /** Stop the bot and the engine, then start new ones on the same SQLite file. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Extra environment (quota variables, SLACK_RESULT_IN_THREAD, ...). */
  env?: Record<string, string>;
  /** HTTP mode instead of Socket Mode. */
  http?: boolean;
  sim?: SimulatorOptions;
  fake?: FakeSlackOptions;
  slack?: SlackStartOptions;
  /** Publishes files too big for Slack (`DeliveredVideo.share()`). */
  fileShare?: FileShare;
  /** Another instance of the app: on this harness's fake Slack and simulator (its own engine and store). */
  beside?: SlackHarness;
  /** The app's duplicate check (e.g. in Redis, shared by instances). @default in memory */
  once?: OnceGuard;
  /**
   * Configure the simulator as a real upstream (`VIDEO_API_BASE_URL`/`VIDEO_API_KEY`) instead of
   * the built-in one, so the bot treats it as it would a gateway (e.g. remembers its dialect).
   */
  configuredUpstream?: boolean;
}

export async function startSlackHarness(o: HarnessOptions = {}): Promise<SlackHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'reelbot-slack-'));
  const fake = o.beside?.fake ?? (await startFakeSlack(o.fake));
  if (!o.beside) {
    fake.addChannel({ id: CHANNEL, name: 'videos' });
    fake.addUser({ id: ALICE, name: 'alice' });
    fake.addUser({ id: BOB, name: 'bob' });
    fake.addUser({ id: ADMIN, name: 'ada', isAdmin: true });
  }
  const sim =
    o.beside?.sim ??
    (await startSimulator({
      timing: { queuedMs: 20, msPerVideoSecond: 15, minRunMs: 60, jitter: 0 },
      ...o.sim,
    }));
  const config = loadConfig({
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_API_URL: fake.apiUrl,
    ...(o.http
      ? { SLACK_SIGNING_SECRET: fake.signingSecret, SLACK_PORT: '0' }
      : { SLACK_APP_TOKEN: fake.appToken }),
    STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
    DATA_DIR: join(dir, 'data'),
    LOG_LEVEL: 'silent',
    ...(o.configuredUpstream ? { VIDEO_API_BASE_URL: sim.url, VIDEO_API_KEY: sim.options.apiKey } : {}),
    ...o.env,
  });
  const slackOptions: SlackStartOptions = { socketPingTimeoutMs: 1500, httpHost: '127.0.0.1', ...o.slack };

  const boot = async () => {
    const engine = await createEngineFromConfig(config, {
      logger: silentLogger,
      simulatorBaseUrl: sim.url,
      simulatorApiKey: sim.options.apiKey,
      overrides: { timing: TIMING },
      ...(o.fileShare ? { fileShare: o.fileShare } : {}),
    });
    // The surface is attached before the engine resumes jobs, as main.ts must do.
    const bot = await startSlack({
      config,
      engine,
      logger: silentLogger,
      options: slackOptions,
      ...(o.once ? { once: o.once } : {}),
    });
    await engine.start();
    // Several instances: the test puts them behind its "load balancer" (`fake.useHttp([...])`).
    if (bot.mode === 'http' && !o.beside) fake.useHttp(`http://127.0.0.1:${bot.port}/slack/events`);
    return { engine, bot };
  };

  let running = await boot();
  const h: SlackHarness = {
    fake,
    sim,
    config,
    get engine() {
      return running.engine;
    },
    get bot() {
      return running.bot;
    },
    restart: async () => {
      await running.bot.stop();
      await running.engine.stop();
      running = await boot();
    },
    close: async () => {
      await running.bot.stop();
      await running.engine.stop();
      if (!o.beside) {
        await fake.close();
        await sim.close();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** All text a message shows (fallback text and every block's text), for assertions. */
export function shownText(m: FakeMessage | undefined): string {
  if (!m) return '';
  const parts: string[] = [m.text];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.text === 'string') parts.push(o.text);
      for (const [k, x] of Object.entries(o)) if (k !== 'text' || typeof x !== 'string') walk(x);
    }
  };
  walk(m.blocks);
  return parts.join('\n');
}

/** Top-level bot messages in a channel (job messages of new videos). */
export function topLevel(fake: FakeSlack, channel = CHANNEL): FakeMessage[] {
  return fake.messages(channel).filter((m) => m.threadTs === undefined);
}

/** The message that carries an uploaded MP4 in `threadTs`. */
export function fileReplies(fake: FakeSlack, threadTs: string, channel = CHANNEL): FakeMessage[] {
  return fake.messages(channel).filter((m) => m.threadTs === threadTs && m.files.length > 0);
}

/** True when a buffer looks like an MP4 (an `ftyp` box first). */
export function isMp4(data: Buffer | undefined): boolean {
  return data !== undefined && data.length > 12 && data.subarray(4, 8).toString('latin1') === 'ftyp';
}

/** Button action ids on a message. */
export function buttons(m: FakeMessage | undefined): string[] {
  const out: string[] = [];
  for (const b of m?.blocks ?? []) {
    const els = Array.isArray(b.elements) ? (b.elements as Record<string, unknown>[]) : [];
    for (const e of els) if (e.type === 'button') out.push(String(e.action_id));
  }
  return out;
}

/** The `value` of a message's button (Slack buttons carry the ids they act on). */
export function buttonValue(m: FakeMessage | undefined, actionId: string): string {
  for (const b of m?.blocks ?? []) {
    for (const e of (b.elements ?? []) as { action_id?: string; value?: string }[]) {
      if (e.action_id === actionId) return e.value ?? '';
    }
  }
  return '';
}

/** Videos charged today to Slack user `userId` in the fake's workspace. */
export async function videosUsed(h: SlackHarness, userId: string): Promise<number> {
  const actor = { platform: 'slack' as const, userId, displayName: userId, isAdmin: false };
  return (await h.engine.usage(actor, h.fake.teamId)).videos.used;
}

/** Run `/video` and wait for the uploaded result in the job's thread. */
export async function makeVideo(
  h: SlackHarness,
  text: string,
  user = ALICE,
): Promise<{ job: FakeMessage; reply: FakeMessage }> {
  const before = topLevel(h.fake).length;
  await h.fake.slashCommand({ command: '/video', text, user, channel: CHANNEL });
  const job = await h.fake.waitFor(() => topLevel(h.fake)[before], 10_000, 'job message');
  const reply = await h.fake.waitFor(() => fileReplies(h.fake, job.ts)[0], 15_000, 'uploaded video');
  return { job, reply };
}
