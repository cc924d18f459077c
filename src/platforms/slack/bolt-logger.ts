/**
 * Bolt, its Web API client and its Socket Mode client log through our JSON logger, so their
 * lines get the same secret redaction as ours. Bolt's chatty `info` lines become `debug`.
 */
import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../../log/logger.ts';

function text(parts: unknown[]): string {
  return parts
    .map((p) => (p instanceof Error ? `${p.name}: ${p.message}` : typeof p === 'string' ? p : safeJson(p)))
    .join(' ');
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

export function boltLogger(logger: Logger, level: LogLevel): BoltLogger {
  let current = level;
  let name = 'bolt';
  return {
    debug: (...m: unknown[]) => logger.debug(text(m), { source: name }),
    info: (...m: unknown[]) => logger.debug(text(m), { source: name }),
    warn: (...m: unknown[]) => logger.warn(text(m), { source: name }),
    error: (...m: unknown[]) => logger.error(text(m), { source: name }),
    setLevel: (l: LogLevel) => {
      current = l;
    },
    getLevel: () => current,
    setName: (n: string) => {
      name = n;
    },
  };
}

/** Our level name → Bolt's (Bolt has no `silent`; `error` is its quietest). */
export function boltLevel(level: string): LogLevel {
  switch (level) {
    case 'debug':
      return LogLevel.DEBUG;
    case 'info':
      return LogLevel.INFO;
    case 'warn':
      return LogLevel.WARN;
    default:
      return LogLevel.ERROR;
  }
}
