import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('gallery configuration', () => {
  it('defaults: off, 7 days, 2048 MB', () => {
    const c = loadConfig({});
    expect(c.GALLERY_SECRET).toBeUndefined();
    expect(c.GALLERY_RETENTION_DAYS).toBe(7);
    expect(c.GALLERY_MAX_MB).toBe(2048);
  });

  it('a secret needs the ops server and enough length, and is never echoed', () => {
    const found = problems({ GALLERY_SECRET: 'short-secret' });
    expect(found.some((p) => p.includes('GALLERY_SECRET needs METRICS_PORT'))).toBe(true);
    expect(found.some((p) => p.includes('at least 16 characters'))).toBe(true);
    expect(found.join('\n')).not.toContain('short-secret');
    expect(problems({ GALLERY_SECRET: 'x'.repeat(32), METRICS_PORT: '0' })).toEqual([]);
  });

  it('a bad retention or cap says what is wrong', () => {
    const found = problems({ GALLERY_RETENTION_DAYS: '-1', GALLERY_MAX_MB: 'lots' });
    expect(found.some((p) => p.startsWith('GALLERY_RETENTION_DAYS'))).toBe(true);
    expect(found.some((p) => p.startsWith('GALLERY_MAX_MB'))).toBe(true);
  });
});
