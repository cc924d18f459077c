/**
 * Upstream webhooks end to end: the simulator POSTs signed `video.completed` events to the bot's
 * ops server (`/webhooks/video`, wired by `startBot` because `WEBHOOK_SECRET` is set), which
 * checks the job at once; scheduled polls relax to a safety net. Compared with the same jobs on a
 * bot without webhooks, in counts of status calls (no timings asserted).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type RunningBot, startBot } from '../../src/app/run-bot.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { Actor } from '../../src/engine/engine-api.ts';
import type { Job } from '../../src/engine/job.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/simulator/simulator.ts';
import { signWebhook } from '../../src/simulator/webhook-sender.ts';
import { FAST_TIMING, RecordingSurface, waitFor } from './app-harness.ts';

const SECRET = `whsec_${Buffer.from('end to end webhook key, 32 bytes').toString('base64')}`;
const alice: Actor = { platform: 'cli', userId: 'alice', displayName: 'Alice', isAdmin: false };
const place = { platform: 'cli', workspaceId: 'local', channelId: 'terminal' } as const;
/** Jobs long enough (~0.8 s for 12 s clips) that following them by polls takes several calls. */
const SIM_TIMING = { queuedMs: 50, msPerVideoSecond: 60, minRunMs: 200, jitter: 0 } as const;

/**
 * The simulator needs the webhook URL before it starts and the bot needs the simulator's URL
 * before it starts: this local relay takes the events first and hands them to the bot once known.
 */
async function startRelay(): Promise<{
  url: string;
  target: { url?: string | undefined };
  answers: number[];
  server: Server;
}> {
  const target: { url?: string | undefined } = {};
  const answers: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (k.startsWith('webhook-') || k === 'content-type') headers[k] = String(v);
      if (!target.url) {
        res.writeHead(503).end();
        return;
      }
      fetch(`${target.url}/webhooks/video`, { method: 'POST', headers, body: Buffer.concat(chunks) })
        .then(async (r) => {
          answers.push(r.status);
          res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text());
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, target, answers, server };
}

interface Run {
  sim: Simulator;
  bot: RunningBot;
  dir: string;
}

const runs: Run[] = [];
const servers: Server[] = [];

async function startRun(o: {
  webhookUrl?: string;
  webhooks: boolean;
  engine?: Parameters<typeof startBot>[2];
}): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'reelbot-webhooks-'));
  const simOptions: SimulatorOptions = { timing: SIM_TIMING, concurrencyPerKey: 10 };
  if (o.webhookUrl) simOptions.webhook = { url: o.webhookUrl, secret: SECRET };
  const sim = await startSimulator(simOptions);
  const config = loadConfig({
    VIDEO_API_BASE_URL: sim.url,
    VIDEO_API_KEY: sim.options.apiKey,
    VIDEO_API_MAX_CONCURRENCY: '10',
    STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
    DATA_DIR: join(dir, 'data'),
    METRICS_PORT: '0',
    ...(o.webhooks ? { WEBHOOK_SECRET: SECRET } : {}),
    LOG_LEVEL: 'silent',
  });
  const bot = await startBot(config, silentLogger, o.engine ?? { engineOverrides: { timing: FAST_TIMING } });
  bot.engine.attachSurface('cli', new RecordingSurface());
  const run = { sim, bot, dir };
  runs.push(run);
  return run;
}

async function stopRuns(): Promise<void> {
  for (const r of runs.splice(0)) {
    await r.bot.stop();
    await r.sim.close();
    rmSync(r.dir, { recursive: true, force: true });
  }
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
}

async function submit(run: Run, prompt: string, seconds = 12): Promise<string> {
  const out = await run.bot.engine.submit({ actor: alice, place, prompt, seconds });
  if (!out.ok) throw new Error(`refused: ${JSON.stringify(out.refusal)}`);
  return out.value.job.id;
}

function jobIn(run: Run, id: string, state: Job['state']): Promise<Job> {
  return waitFor(async () => {
    const j = await run.bot.engine.getJob(id);
    return j?.state === state ? j : undefined;
  }, `job ${id} ${state}`);
}

/** Status calls the bot made for its jobs. */
function retrieves(run: Run, jobs: Job[]): number {
  return jobs.reduce((sum, j) => sum + run.sim.stats.count('retrieve', j.videoId), 0);
}

const prompts = ['a fox in snow', 'a tram at night', 'waves on rocks'];

describe('upstream webhooks end to end', () => {
  afterAll(stopRuns);

  it('with webhooks the same jobs are delivered with fewer status calls than by polling alone', async () => {
    const relay = await startRelay();
    servers.push(relay.server);
    const polling = await startRun({ webhooks: false });
    const hooked = await startRun({ webhookUrl: relay.url, webhooks: true });
    expect(hooked.bot.opsUrl).toBeDefined();
    relay.target.url = hooked.bot.opsUrl;

    const ids = await Promise.all(
      [polling, hooked].map((run) => Promise.all(prompts.map((p) => submit(run, p)))),
    );
    const [polled, viaHooks] = await Promise.all(
      [polling, hooked].map((run, i) => Promise.all(ids[i]!.map((id) => jobIn(run, id, 'delivered')))),
    );
    const byPolling = retrieves(polling, polled!);
    const byHooks = retrieves(hooked, viaHooks!);
    // Each job's completion event was accepted by the bot's ops server.
    await waitFor(() => relay.answers.length >= prompts.length, 'every event answered');
    expect(relay.answers.every((s) => s === 200)).toBe(true);
    expect(byHooks).toBeGreaterThanOrEqual(prompts.length); // the confirming check of each job
    expect(byHooks).toBeLessThan(byPolling);
  });
});

describe('webhook route of a running bot', () => {
  afterEach(stopRuns);

  it('a forged event is refused with 401 and triggers no status check; the genuine one delivers', async () => {
    const far = 3_600_000;
    const run = await startRun({
      webhooks: true,
      engine: {
        engineOverrides: {
          // Scheduled polls out of reach: any status call comes from an event.
          timing: { ...FAST_TIMING, poll: { ...FAST_TIMING.poll, firstMinMs: far, minMs: far, maxMs: far } },
        },
      },
    });
    const [x, y] = await Promise.all([submit(run, 'a forged target', 4), submit(run, 'a genuine one', 4)]);
    const [jobX, jobY] = await Promise.all(
      [x!, y!].map((id) =>
        waitFor(async () => {
          const j = await run.bot.engine.getJob(id);
          return j?.videoId && run.sim.stats.completion(j.videoId) ? j : undefined;
        }, 'the upstream to finish'),
      ),
    );
    const post = (videoId: string, secret: string) => {
      const id = `evt_${videoId}_${secret.length}`;
      const stamp = Math.floor(Date.now() / 1000);
      const body = JSON.stringify({
        id,
        object: 'event',
        type: 'video.completed',
        created_at: stamp,
        data: { id: videoId },
      });
      return fetch(`${run.bot.opsUrl}/webhooks/video`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(stamp),
          'webhook-signature': signWebhook(secret, id, stamp, body),
        },
        body,
      });
    };
    const forged = await post(jobX!.videoId!, `whsec_${Buffer.from('a guessed secret!').toString('base64')}`);
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ error: 'invalid signature' });
    // The genuine event for Y is queued behind anything X's forged event could have started.
    const genuine = await post(jobY!.videoId!, SECRET);
    expect(genuine.status).toBe(200);
    await jobIn(run, y!, 'delivered');
    expect(run.sim.stats.count('retrieve', jobX!.videoId)).toBe(0);
    expect((await run.bot.engine.getJob(x!))?.state).toBe('submitted');
    expect((await post(jobX!.videoId!, SECRET)).status).toBe(200);
    await jobIn(run, x!, 'delivered');
    expect(run.sim.stats.count('retrieve', jobX!.videoId)).toBe(1);
  });

  it('without WEBHOOK_SECRET the route does not exist', async () => {
    const run = await startRun({ webhooks: false });
    const res = await fetch(`${run.bot.opsUrl}/webhooks/video`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(405);
    const get = await fetch(`${run.bot.opsUrl}/webhooks/video`);
    expect(get.status).toBe(404);
  });
});
