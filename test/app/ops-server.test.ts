import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, get as httpGet, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBot, startBot } from '../../src/app/run-bot.ts';
import { type Config, loadConfig } from '../../src/config/config.ts';
import type { Actor } from '../../src/engine/engine-api.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { FAST_SIM, FAST_TIMING, RecordingSurface, sample, waitFor } from './app-harness.ts';

const PUBLIC_URL = 'https://reelbot.example/base';
const alice: Actor = { platform: 'cli', userId: 'alice', displayName: 'Alice', isAdmin: false };
const place = { platform: 'cli', workspaceId: 'local', channelId: 'terminal' } as const;

describe('ops server of a running bot (/healthz, /metrics, /files)', () => {
  let dir: string;
  let sim: Simulator;
  let config: Config;
  let bot: RunningBot | undefined;
  let surface: RecordingSurface;

  const boot = async () => {
    bot = await startBot(config, silentLogger, { engineOverrides: { timing: FAST_TIMING } });
    surface = new RecordingSurface(true);
    bot.engine.attachSurface('cli', surface);
    return bot;
  };
  const get = (path: string) => fetch(`${bot?.opsUrl}${path}`);
  /** The shared link points at PUBLIC_URL; the test reaches the same path on the ops server. */
  const local = (link: string) => `${bot?.opsUrl}${link.slice(PUBLIC_URL.length)}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reelbot-ops-'));
    sim = await startSimulator({ timing: FAST_SIM });
    config = loadConfig({
      VIDEO_API_BASE_URL: sim.url,
      VIDEO_API_KEY: sim.options.apiKey,
      STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
      DATA_DIR: join(dir, 'data'),
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      PUBLIC_URL,
      QUOTA_DAILY_VIDEOS: '1',
      LOG_LEVEL: 'silent',
    });
    await boot();
  });

  afterAll(async () => {
    await bot?.stop();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('healthz answers 200 with the store checked once the engine runs', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      engine: 'running',
      store: 'ok',
      simulated: false,
    });
  });

  it('keeps an idle connection open longer than a load balancer keeps one (65 s, not Node’s 5 s)', async () => {
    const agent = new Agent({ keepAlive: true });
    try {
      const res = await new Promise<IncomingMessage>((resolve, reject) =>
        httpGet(`${bot?.opsUrl}/healthz`, { agent }, resolve).on('error', reject),
      );
      res.resume();
      expect(res.headers.connection).toBe('keep-alive');
      expect(res.headers['keep-alive']).toBe('timeout=65');
    } finally {
      agent.destroy();
    }
  });

  it('a delivered job, a quota refusal and upstream calls show up in /metrics', async () => {
    const first = await bot!.engine.submit({ actor: alice, place, prompt: 'a red fox in snow' });
    expect(first.ok).toBe(true);
    const id = first.ok ? first.value.job.id : '';
    await waitFor(async () => (await bot!.engine.getJob(id))?.state === 'delivered', 'delivery');
    const second = await bot!.engine.submit({ actor: alice, place, prompt: 'another fox' });
    expect(second.ok ? 'accepted' : second.refusal.code).toBe('quota_daily_videos');

    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const page = await res.text();
    expect(sample(page, 'reelbot_jobs', { state: 'delivered' })).toBe(1);
    expect(sample(page, 'reelbot_jobs', { state: 'waiting' })).toBe(0);
    expect(sample(page, 'reelbot_queue_depth')).toBe(0);
    expect(sample(page, 'reelbot_jobs_accepted_total', { platform: 'cli' })).toBe(1);
    expect(sample(page, 'reelbot_submit_refusals_total', { code: 'quota_daily_videos' })).toBe(1);
    expect(sample(page, 'reelbot_deliveries_total', { platform: 'cli' })).toBe(1);
    expect(sample(page, 'reelbot_upstream_in_flight')).toBe(0);
    expect(sample(page, 'reelbot_upstream_request_duration_seconds_count', { op: 'create' })).toBe(1);
    expect(sample(page, 'reelbot_upstream_requests_total', { op: 'create', outcome: 'ok' })).toBe(1);
    expect(
      sample(page, 'reelbot_upstream_request_duration_seconds_bucket', { op: 'create', le: '+Inf' }),
    ).toBe(1);
    expect(sample(page, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(page, 'nodejs_eventloop_delay_seconds', { quantile: '0.99' })).toBeGreaterThanOrEqual(0);
    // Every sample line is `name{labels} value`, as Prometheus parses it (blank lines separate families).
    for (const line of page.trim().split('\n')) {
      if (line !== '' && !line.startsWith('#'))
        expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eInfNa]+$/);
    }
  });

  it('a failed upstream call is counted by operation and error class, and the job still finishes', async () => {
    const bob: Actor = { ...alice, userId: 'bob', displayName: 'Bob' };
    sim.faults.inject({ route: 'retrieve', kind: 'status', status: 401 });
    const outcome = await bot!.engine.submit({ actor: bob, place, prompt: 'a blue heron' });
    const id = outcome.ok ? outcome.value.job.id : '';
    await waitFor(async () => (await bot!.engine.getJob(id))?.state === 'delivered', 'delivery');
    const page = await (await get('/metrics')).text();
    const errors = page.split('\n').filter((l) => l.startsWith('reelbot_upstream_errors_total{'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^reelbot_upstream_errors_total\{error="\w+Error",op="retrieve"\} 1$/);
    expect(sample(page, 'reelbot_upstream_requests_total', { op: 'retrieve', outcome: 'error' })).toBe(1);
    expect(sample(page, 'reelbot_jobs', { state: 'delivered' })).toBe(2);
  });

  it('the shared link streams the whole MP4 with length, type and file name', async () => {
    const { link, video } = surface.delivered[0] ?? {};
    expect(link).toMatch(new RegExp(`^${PUBLIC_URL}/files/[A-Za-z0-9_-]{43}/reelbot-video_`));
    const res = await fetch(local(link!));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(Number(res.headers.get('content-length'))).toBe(video!.bytes);
    expect(res.headers.get('content-disposition')).toContain(`filename="${video!.fileName}"`);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(video!.bytes);
    expect(body.subarray(4, 8).toString('latin1')).toBe('ftyp');
    const head = await fetch(local(link!), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(video!.bytes);
  });

  it('unknown tokens, wrong names and traversal attempts get 404 and never a file', async () => {
    const link = surface.delivered[0]?.link ?? '';
    const token = link.split('/').at(-2) ?? '';
    const name = link.split('/').at(-1) ?? '';
    const paths = [
      `/files/${'A'.repeat(43)}/${name}`,
      `/files/${token}/other.mp4`,
      `/files/${token}/..%2F..%2Fstore.sqlite`,
      `/files/${token}/../../store.sqlite`,
      `/files/../../etc/passwd`,
      `/files/%2e%2e/%2e%2e/${name}`,
      `/files/${token}`,
      `/files/${token}/${name}/extra`,
      `/files/${token}/%E0%A4%A`,
      '/',
    ];
    for (const path of paths) {
      const res = await fetch(`${bot!.opsUrl}${path}`);
      expect(res.status, path).toBe(404);
      expect((await res.text()).length, path).toBeLessThan(20);
    }
    const post = await fetch(`${bot!.opsUrl}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('after a restart links still work and job counts come from the store', async () => {
    const link = surface.delivered[0]?.link ?? '';
    await bot!.stop();
    bot = undefined;
    await boot();
    const res = await fetch(local(link));
    expect(res.status).toBe(200);
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(4, 8)
        .toString('latin1'),
    ).toBe('ftyp');
    const page = await (await get('/metrics')).text();
    expect(sample(page, 'reelbot_jobs', { state: 'delivered' })).toBe(2);
    expect(sample(page, 'reelbot_deliveries_total', { platform: 'cli' })).toBeUndefined();
  });

  it('the token file lists each shared video once and only the bot user can read it', () => {
    const file = join(dir, 'data', 'shared-files.json');
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object)).toHaveLength(2);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
