import { describe, expect, it } from 'vitest';
import { createLogger, redact } from '../../src/log/logger.ts';

function capture(secrets: string[] = []) {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', sink: (l) => lines.push(l), secrets });
  return { logger, lines };
}

describe('logger redaction', () => {
  it("a secret given to one logger is redacted there and not known to another logger's lines", () => {
    const a = capture(['sk-first-bot-key-111']);
    const b = capture(['sk-second-bot-key-222']);
    a.logger.info('call', { note: 'sk-first-bot-key-111 and sk-second-bot-key-222' });
    b.logger.info('call', { note: 'sk-first-bot-key-111 and sk-second-bot-key-222' });
    expect(a.lines[0]).toContain('[redacted] and sk-second-bot-key-222');
    expect(b.lines[0]).toContain('sk-first-bot-key-111 and [redacted]');
  });

  it('children redact the same secrets; withSecrets adds some for the new logger only', () => {
    const { logger, lines } = capture(['xoxb-slack-token-1']);
    logger.child({ component: 'engine' }).warn('xoxb-slack-token-1');
    const client = logger.withSecrets(['sk-client-key-9', undefined, 'short']);
    client.child({ job: 'j1' }).error('failed', { err: new Error('key sk-client-key-9 refused') });
    logger.info('sk-client-key-9');
    client.info('short');
    expect(lines[0]).toContain('"msg":"[redacted]"');
    expect(lines[0]).toContain('"component":"engine"');
    expect(lines[1]).toContain('key [redacted] refused');
    expect(lines[1]).not.toContain('sk-client-key-9');
    expect(lines[2]).toContain('sk-client-key-9');
    // Values under six characters are too common to redact.
    expect(lines[3]).toContain('"msg":"short"');
  });

  it('a bearer header is redacted even when its value was never given', () => {
    expect(redact('Authorization: Bearer sk-unknown-value-42')).toBe('Authorization: Bearer [redacted]');
    expect(redact('token tok-123456 here', ['tok-123456'])).toBe('token [redacted] here');
  });
});
