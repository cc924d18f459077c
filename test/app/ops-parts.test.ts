import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkHealth } from '../../src/app/bot-health.ts';
import { BotMetrics } from '../../src/app/bot-metrics.ts';
import { LocalFileShare, SHARE_INDEX_FILE } from '../../src/app/local-file-share.ts';
import { loadConfig } from '../../src/config/config.ts';
import { EngineEvents } from '../../src/engine/engine-events.ts';
import type { Job } from '../../src/engine/job.ts';
import { createLogger } from '../../src/log/logger.ts';
import { sample } from './app-harness.ts';

describe('checkHealth', () => {
  const answering = { get: async () => undefined };

  it('reports ok when the engine runs and the store answers', async () => {
    const r = await checkHealth({ engineState: () => 'running', store: answering, simulated: true });
    expect(r).toMatchObject({ status: 'ok', store: 'ok', engine: 'running', simulated: true });
  });

  it('is unavailable while the engine starts or stops, without touching the store', async () => {
    let reads = 0;
    const store = {
      get: async () => {
        reads += 1;
        return undefined;
      },
    };
    for (const engine of ['starting', 'stopping'] as const) {
      const r = await checkHealth({ engineState: () => engine, store, simulated: false });
      expect(r).toMatchObject({
        status: 'unavailable',
        reason: `the engine is ${engine}`,
        store: 'unchecked',
      });
    }
    expect(reads).toBe(0);
  });

  it('is unavailable with the reason when a store read hangs past the limit', async () => {
    const hanging = { get: () => new Promise<undefined>(() => {}) };
    const r = await checkHealth({
      engineState: () => 'running',
      store: hanging,
      simulated: false,
      storeTimeoutMs: 50,
    });
    expect(r).toMatchObject({ status: 'unavailable', store: 'timeout' });
    expect(r.reason).toContain('within 50 ms');
  });

  it('is unavailable with the store error when a read fails', async () => {
    const broken = {
      get: async () => {
        throw new Error('SQLITE_CANTOPEN: unable to open database file');
      },
    };
    const r = await checkHealth({ engineState: () => 'running', store: broken, simulated: false });
    expect(r).toMatchObject({ status: 'unavailable', store: 'failed' });
    expect(r.reason).toContain('SQLITE_CANTOPEN');
  });
});

describe('LocalFileShare', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'reelbot-share-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('a published file is found by its token and name, and by a new instance after a restart', async () => {
    const dir = tempDir();
    const path = join(dir, 'v.mp4');
    await writeFile(path, Buffer.alloc(1234));
    const share = new LocalFileShare({ publicUrl: 'https://bot.example/', dataDir: dir });
    const link = await share.publish({
      path,
      fileName: 'clip ü.mp4',
      contentType: 'video/mp4',
      expiresAt: Date.now() + 60_000,
    });
    expect(link).toMatch(/^https:\/\/bot\.example\/files\/[A-Za-z0-9_-]{43}\/clip%20%C3%BC\.mp4$/);
    const token = link!.split('/')[4]!;
    expect(await share.lookup(token, 'clip ü.mp4')).toMatchObject({ path, bytes: 1234 });
    expect(await share.lookup(token, 'other.mp4')).toBeUndefined();
    const again = new LocalFileShare({ publicUrl: 'https://bot.example', dataDir: dir });
    expect(await again.lookup(token, 'clip ü.mp4')).toMatchObject({ path, bytes: 1234 });
  });

  it('an expired link or a deleted file is not found, and prune forgets expired tokens', async () => {
    const dir = tempDir();
    let now = 1_000_000;
    const path = join(dir, 'v.mp4');
    await writeFile(path, 'x');
    const share = new LocalFileShare({ publicUrl: 'https://b.example', dataDir: dir, now: () => now });
    const expiring = (await share.publish({
      path,
      fileName: 'a.mp4',
      contentType: 'video/mp4',
      expiresAt: now + 10,
    }))!;
    const gone = (await share.publish({
      path: join(dir, 'missing.mp4'),
      fileName: 'b.mp4',
      contentType: 'video/mp4',
      expiresAt: now + 1e6,
    }))!;
    expect(await share.lookup(gone.split('/')[4]!, 'b.mp4')).toBeUndefined();
    now += 10;
    expect(await share.lookup(expiring.split('/')[4]!, 'a.mp4')).toBeUndefined();
    expect(await share.prune()).toBe(1);
  });

  it('a damaged token file loses old links with a warning but new links work', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, SHARE_INDEX_FILE), '{not json');
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', sink: (l) => lines.push(l) });
    const path = join(dir, 'v.mp4');
    await writeFile(path, 'x');
    const share = new LocalFileShare({ publicUrl: 'https://b.example', dataDir: dir, logger });
    const link = (await share.publish({
      path,
      fileName: 'a.mp4',
      contentType: 'video/mp4',
      expiresAt: Date.now() + 1e6,
    }))!;
    expect(await share.lookup(link.split('/')[4]!, 'a.mp4')).toBeDefined();
    expect(lines.join('\n')).toContain('shared file index unreadable');
  });

  it('tokens that are not the right shape are refused before any lookup', async () => {
    const share = new LocalFileShare({ publicUrl: 'https://b.example', dataDir: tempDir() });
    for (const token of ['', '..', '../../etc', 'a'.repeat(42), `${'a'.repeat(42)}/`]) {
      expect(await share.lookup(token, 'a.mp4')).toBeUndefined();
    }
  });
});

describe('BotMetrics', () => {
  const opened: BotMetrics[] = [];
  const metricsFor = (events: EngineEvents) => {
    const m = new BotMetrics({ maxConcurrency: 2, simulated: true, version: '9.9.9' });
    m.observe({ events, inFlight: 1 });
    opened.push(m);
    return m;
  };
  afterEach(() => {
    for (const m of opened.splice(0)) m.close();
  });

  it('every metric keeps its name and type, with HELP and TYPE lines', async () => {
    const page = await metricsFor(new EngineEvents()).render();
    const types = [...page.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(types).toEqual([
      'reelbot_info gauge',
      'reelbot_jobs gauge',
      'reelbot_queue_depth gauge',
      'reelbot_jobs_accepted_total counter',
      'reelbot_upstream_in_flight gauge',
      'reelbot_api_keys_disabled gauge',
      'reelbot_upstream_max_concurrency gauge',
      'reelbot_upstream_request_duration_seconds histogram',
      'reelbot_upstream_requests_total counter',
      'reelbot_upstream_errors_total counter',
      'reelbot_deliveries_total counter',
      'reelbot_delivery_failures_total counter',
      'reelbot_submit_refusals_total counter',
      'reelbot_engine_problems_total counter',
      'process_start_time_seconds gauge',
      'process_resident_memory_bytes gauge',
      'nodejs_heap_used_bytes gauge',
      'nodejs_eventloop_delay_seconds gauge',
    ]);
    expect(page.match(/^# HELP /gm)).toHaveLength(types.length);
    expect(sample(page, 'reelbot_info', { simulated: 'true', version: '9.9.9' })).toBe(1);
    expect(sample(page, 'reelbot_upstream_in_flight')).toBe(1);
    expect(sample(page, 'reelbot_upstream_max_concurrency')).toBe(2);
  });

  it('upstream calls fill cumulative histogram buckets and label values are escaped', async () => {
    const events = new EngineEvents();
    const m = metricsFor(events);
    for (const ms of [40, 300, 200_000]) events.emit('upstream', { op: 'retrieve', ok: true, ms });
    events.emit('upstream', { op: 'create', ok: false, error: 'UpstreamTimeoutError', ms: 10 });
    events.emit('problem', { what: 'a "quoted"\\ value\nline', error: new Error('x') });
    const page = await m.render();
    const bucket = (le: string) =>
      sample(page, 'reelbot_upstream_request_duration_seconds_bucket', { op: 'retrieve', le });
    expect([bucket('0.05'), bucket('0.25'), bucket('0.5'), bucket('120'), bucket('+Inf')]).toEqual([
      1, 1, 2, 2, 3,
    ]);
    expect(sample(page, 'reelbot_upstream_request_duration_seconds_sum', { op: 'retrieve' })).toBe(200.34);
    expect(sample(page, 'reelbot_upstream_requests_total', { op: 'create', outcome: 'error' })).toBe(1);
    expect(
      sample(page, 'reelbot_upstream_errors_total', { error: 'UpstreamTimeoutError', op: 'create' }),
    ).toBe(1);
    expect(page).toContain('reelbot_engine_problems_total{what="a \\"quoted\\"\\\\ value\\nline"} 1');
  });

  it('two bots in one process keep their own series', async () => {
    const busy = new EngineEvents();
    const first = metricsFor(busy);
    const second = metricsFor(new EngineEvents());
    first.countStoredJobs([{ state: 'delivered' }, { state: 'waiting' }]);
    busy.emit('delivered', { place: { platform: 'cli' } } as Job);
    const [a, b] = await Promise.all([first.render(), second.render()]);
    expect(sample(a, 'reelbot_jobs', { state: 'delivered' })).toBe(1);
    expect(sample(a, 'reelbot_queue_depth')).toBe(1);
    expect(sample(a, 'reelbot_deliveries_total', { platform: 'cli' })).toBe(1);
    expect(sample(b, 'reelbot_jobs', { state: 'delivered' })).toBe(0);
    expect(sample(b, 'reelbot_queue_depth')).toBe(0);
    expect(sample(b, 'reelbot_deliveries_total', { platform: 'cli' })).toBeUndefined();
  });
});

describe('ops configuration', () => {
  it('PUBLIC_URL without METRICS_PORT is refused with how to fix it', () => {
    expect(() => loadConfig({ PUBLIC_URL: 'https://bot.example' })).toThrow(/PUBLIC_URL needs METRICS_PORT/);
  });

  it('the ops server binds 127.0.0.1 unless METRICS_HOST says otherwise', () => {
    expect(loadConfig({ METRICS_PORT: '9464' }).METRICS_HOST).toBe('127.0.0.1');
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }).METRICS_HOST).toBe('0.0.0.0');
  });
});
