import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, configSecrets, loadConfig } from '../../src/config/config.ts';
import { createEngineFromConfig } from '../../src/engine/create-engine.ts';
import type { Engine } from '../../src/engine/engine.ts';
import type { Actor } from '../../src/engine/engine-api.ts';
import { type Job, TERMINAL_JOB_STATES } from '../../src/engine/job.ts';
import { createLogger } from '../../src/log/logger.ts';
import { jobErrorText } from '../../src/presentation/job-error-text.ts';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { VideoClient } from '../../src/video/video-client.ts';
import { FAST_SIM, FAST_TIMING, RecordingSurface, waitFor } from './app-harness.ts';
import { type LeakyUpstream, startLeakyUpstream } from './leaky-upstream.ts';

/** Every secret carries this marker, so even a partial leak (a prefix, a suffix) is caught. */
const MARK = 'LEAKCHECK';
const SECRETS = {
  VIDEO_API_KEY: `sk-proj-${MARK}1-a9f3c7e1b5d2`,
  DISCORD_TOKEN: `MTIzNDU2Nzg5.${MARK}2.discord-token-x7`,
  SLACK_BOT_TOKEN: `xoxb-1111-${MARK}3-slackbot`,
  SLACK_APP_TOKEN: `xapp-1-${MARK}4-slackapp`,
  SLACK_SIGNING_SECRET: `${MARK}5-signing-secret-0f0f`,
  WEBHOOK_SECRET: `whsec_${MARK}6webhooksecret`,
} as const;
/** Pieces of each secret that must not appear either (key fragments a log might keep). */
const FRAGMENTS = [MARK, ...Object.values(SECRETS).map((s) => s.slice(-8))];

const alice: Actor = { platform: 'cli', userId: 'alice', displayName: 'Alice', isAdmin: false };
const place = { platform: 'cli', workspaceId: 'local', channelId: 'terminal' } as const;

/** Everything that could carry a secret out of an error: message, stack, fields, causes. */
function describeError(err: unknown, depth = 0): string {
  if (!(err instanceof Error) || depth > 5) return String(err);
  const fields = Object.fromEntries(Object.entries(err));
  return [
    err.name,
    err.message,
    err.stack ?? '',
    JSON.stringify(fields),
    describeError(err.cause, depth + 1),
  ].join('\n');
}

describe('secrets never leave the process: logs, errors and chat messages', () => {
  let dir: string;
  let sim: Simulator;
  let leaky: LeakyUpstream;
  let config: Config;
  let engine: Engine;
  const lines: string[] = [];
  const errors: string[] = [];
  const surface = new RecordingSurface();

  const run = async (prompt: string): Promise<Job> => {
    const outcome = await engine.submit({ actor: alice, place, prompt });
    if (!outcome.ok) throw new Error(`refused: ${JSON.stringify(outcome.refusal)}`);
    const id = outcome.value.job.id;
    return waitFor(async () => {
      const job = await engine.getJob(id);
      return job && TERMINAL_JOB_STATES.has(job.state) ? job : undefined;
    }, `job ${prompt} to end`);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reelbot-secrets-'));
    sim = await startSimulator({ apiKey: SECRETS.VIDEO_API_KEY, timing: FAST_SIM });
    leaky = await startLeakyUpstream(sim.origin);
    config = loadConfig({
      ...SECRETS,
      VIDEO_API_BASE_URL: leaky.url,
      VIDEO_API_DIALECT: 'auto',
      STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
      DATA_DIR: join(dir, 'data'),
      METRICS_PORT: '0', // WEBHOOK_SECRET needs it (the ops server receives the webhooks)
      LOG_LEVEL: 'debug',
    });
    const logger = createLogger({ level: 'debug', sink: (line) => lines.push(line) });
    engine = await createEngineFromConfig(config, {
      logger,
      overrides: { timing: { ...FAST_TIMING, unknownSubmitGraceMs: 400 } },
    });
    engine.events.on('problem', (p) => errors.push(describeError(p.error)));
    engine.attachSurface('cli', surface);
    await engine.start();
  });

  afterAll(async () => {
    await engine.stop();
    await leaky.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a create refused with 401 echoing the key fails the job with a plain message', async () => {
    leaky.arm({ method: 'POST', path: /^\/v1\/videos$/, status: 401, times: 5 });
    const job = await run('a lighthouse at dusk');
    expect(job.state).toBe('failed');
    expect(job.error?.userFault).toBe(false);
    expect(leaky.echoed).toBeGreaterThan(0);
    expect(leaky.lastEchoedAuthorization).toBe(`Bearer ${SECRETS.VIDEO_API_KEY}`);
    leaky.disarm();
  });

  it('status checks and the download answering 500 with the key still end in a delivered video', async () => {
    leaky.arm({ method: 'GET', path: /^\/v1\/videos\/[^/]+$/, status: 500, times: 2 });
    leaky.arm({ method: 'GET', path: /\/content$/, status: 500, times: 1 });
    const before = leaky.echoed;
    const job = await run('a red fox in snow');
    expect(job.state).toBe('delivered');
    expect(leaky.echoed).toBeGreaterThan(before);
    leaky.disarm();
  });

  it('a create answered 500 with the key ends without a leak', async () => {
    leaky.arm({ method: 'POST', path: /^\/v1\/videos$/, status: 500, times: 3 });
    const job = await run('a blue heron');
    expect(TERMINAL_JOB_STATES.has(job.state)).toBe(true);
    leaky.disarm();
  });

  it('errors the video client throws for echoing answers carry no secret', async () => {
    const client = new VideoClient({ baseUrl: leaky.url, apiKey: SECRETS.VIDEO_API_KEY, dialect: 'openai' });
    leaky.arm({ method: 'GET', path: /^\/v1\/videos\/video_x$/, status: 401, times: 1 });
    leaky.arm({ method: 'GET', path: /^\/v1\/videos\/video_y$/, status: 500, times: 10 });
    for (const id of ['video_x', 'video_y']) {
      const err = await client.retrieve(id).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, id).toBeInstanceOf(Error);
      errors.push(describeError(err));
    }
  });

  it('no captured log line, error or surface message contains any secret or a fragment of one', () => {
    // The test saw real traffic: the failing job, the delivered one, and their logs.
    expect(lines.length).toBeGreaterThan(10);
    expect(surface.failures.length).toBeGreaterThan(0);
    expect(surface.delivered.length).toBe(1);
    expect(errors.length).toBeGreaterThan(1);
    const outputs = { logs: lines, errors, surface: surface.shown };
    for (const [where, texts] of Object.entries(outputs)) {
      for (const text of texts) {
        for (const f of FRAGMENTS)
          expect(text.includes(f), `${where} contains "${f}": ${text.slice(0, 300)}`).toBe(false);
        expect(text, where).not.toMatch(/Bearer\s+(?!\[redacted\])\S{6,}/);
      }
    }
  });

  it('the config hands every secret to the logger the app creates', () => {
    expect(new Set(configSecrets(config))).toEqual(new Set(Object.values(SECRETS)));
    const written: string[] = [];
    const appLogger = createLogger({ sink: (l) => written.push(l), secrets: configSecrets(config) });
    appLogger.info('config', { ...SECRETS });
    for (const f of FRAGMENTS) expect(written[0]).not.toContain(f);
  });

  it("failure messages shown in chat are the bot's own sentences, not the upstream body", () => {
    for (const failure of surface.failures) {
      const shown = `${jobErrorText('en', failure)} ${JSON.stringify(failure)}`;
      expect(shown).not.toContain('Authorization');
      expect(shown).not.toContain('refused (key');
    }
  });
});
