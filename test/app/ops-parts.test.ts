import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkHealth } from '../../src/app/bot-health.ts';
import { LocalFileShare, SHARE_INDEX_FILE } from '../../src/app/local-file-share.ts';
import { Registry } from '../../src/app/prometheus-registry.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/log/logger.ts';

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

describe('Prometheus registry', () => {
  it('renders HELP, TYPE, escaped labels and cumulative histogram buckets', () => {
    const r = new Registry();
    r.counter('c_total', 'A counter.').inc({ what: 'a "quoted"\\ value\nline' }, 2);
    const h = r.histogram('h_seconds', 'A histogram.', [0.1, 1]);
    h.observe(0.05);
    h.observe(0.5);
    h.observe(5);
    const page = r.render();
    expect(page).toContain('# HELP c_total A counter.\n# TYPE c_total counter\n');
    expect(page).toContain('c_total{what="a \\"quoted\\"\\\\ value\\nline"} 2');
    expect(page).toContain(
      'h_seconds_bucket{le="0.1"} 1\nh_seconds_bucket{le="1"} 2\nh_seconds_bucket{le="+Inf"} 3',
    );
    expect(page).toContain('h_seconds_sum 5.55\nh_seconds_count 3');
  });

  it('refuses duplicate names, invalid names and decreasing counters', () => {
    const r = new Registry();
    r.gauge('g', 'x');
    expect(() => r.gauge('g', 'x')).toThrow(/twice/);
    expect(() => r.counter('bad-name', 'x')).toThrow(/invalid/);
    expect(() => r.counter('c', 'x').inc({}, -1)).toThrow(/decrease/);
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
