import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

describe('loadConfig', () => {
  it('uses the built-in defaults and the simulator when nothing is set', () => {
    const c = loadConfig({});
    expect(c.simulated).toBe(true);
    expect(c.VIDEO_API_DIALECT).toBe('auto');
    expect(c.VIDEO_MODELS).toEqual(['sora-2']);
    expect(c.VIDEO_SIZES).toEqual(['1280x720', '720x1280']);
    expect(c.VIDEO_SECONDS).toEqual([4, 8, 12]);
    expect(c.VIDEO_API_MAX_CONCURRENCY).toBe(2);
    expect(c.STORE_URL).toBe('sqlite://./data/reelbot.sqlite');
    expect(c.SLACK_MAX_UPLOAD_MB).toBe(1024);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reports every problem at once, each naming the variable and the fix', () => {
    let error: unknown;
    try {
      loadConfig({
        VIDEO_API_BASE_URL: 'not a url',
        VIDEO_SIZES: '1280x720,big',
        VIDEO_SECONDS: 'four',
        QUOTA_TIMEZONE: 'Mars/Olympus',
        SLACK_BOT_TOKEN: 'xoxb-123456',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/VIDEO_API_BASE_URL must be a URL/);
    expect(problems).toMatch(/VIDEO_API_KEY is required when VIDEO_API_BASE_URL is set/);
    expect(problems).toMatch(/VIDEO_SIZES each size is WIDTHxHEIGHT/);
    expect(problems).toMatch(/VIDEO_SECONDS each duration is whole seconds/);
    expect(problems).toMatch(/QUOTA_TIMEZONE must be an IANA time zone/);
    expect(problems).toMatch(/SLACK_APP_TOKEN is needed for Socket Mode/);
    expect((error as ConfigError).problems.length).toBe(6);
  });

  it('never echoes a secret value in a problem', () => {
    try {
      loadConfig({ SLACK_BOT_TOKEN: 'xoxp-user-token-secret', SLACK_APP_TOKEN: 'bad-app-token-secret' });
      expect.unreachable('config should have been refused');
    } catch (err) {
      expect(String(err)).not.toContain('xoxp-user-token-secret');
      expect(String(err)).not.toContain('bad-app-token-secret');
      expect(String(err)).toMatch(/SLACK_BOT_TOKEN must be a bot token starting with xoxb-/);
    }
  });

  it('parses a configured upstream with its key', () => {
    const c = loadConfig({ VIDEO_API_BASE_URL: 'https://gw.example/v1', VIDEO_API_KEY: 'sk-abcdef123' });
    expect(c.simulated).toBe(false);
    expect(c.VIDEO_API_BASE_URL).toBe('https://gw.example/v1');
  });
});
