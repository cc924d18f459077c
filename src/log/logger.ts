/**
 * Structured JSON logger with secret redaction.
 *
 * Each logger knows the secrets it must never write (API keys, chat tokens): given at
 * creation (`secrets`, the app passes every secret in its config) or added for one part of the
 * program with {@link Logger.withSecrets} (a video client adds its key). The set belongs to the
 * logger and its children, never to the module: two bots in one process keep their own. Any
 * line that would contain one has it replaced by `[redacted]` before it is written. Errors are
 * logged by name, message and (redacted) stack, never by dumping their objects, so request
 * headers cannot leak.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Values shorter than this are not treated as secrets (too many false hits). */
const MIN_SECRET_LENGTH = 6;

/** The values of `values` worth redacting, without duplicates. */
export function secretSet(values: Iterable<string | undefined>): ReadonlySet<string> {
  const out = new Set<string>();
  for (const v of values) if (v && v.length >= MIN_SECRET_LENGTH) out.add(v);
  return out;
}

/** Replace each of `secrets` (and anything that looks like a bearer header) in `text`. */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const s of secrets) {
    if (s.length >= MIN_SECRET_LENGTH && out.includes(s)) out = out.split(s).join('[redacted]');
  }
  return out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{6,}/gi, '$1[redacted]');
}

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. `{ job: id }`); it redacts the same secrets. */
  child(fields: LogFields): Logger;
  /** A logger that also redacts `values`; this one is unchanged. */
  withSecrets(values: Iterable<string | undefined>): Logger;
}

export type LogSink = (line: string) => void;

function serialiseError(err: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: err.message };
  if ('code' in err && err.code !== undefined) out.code = err.code;
  if ('status' in err && err.status !== undefined) out.status = err.status;
  if (err.stack) out.stack = err.stack.split('\n').slice(0, 6).join('\n');
  if (err.cause instanceof Error) out.cause = serialiseError(err.cause);
  return out;
}

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return serialiseError(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

export interface LoggerOptions {
  /** @default 'info' */
  level?: LogLevel;
  /** Where lines go. @default stderr */
  sink?: LogSink;
  /** Values never written (replaced by `[redacted]`). @default none */
  secrets?: Iterable<string | undefined>;
}

export function createLogger(options: LoggerOptions = {}, base: LogFields = {}): Logger {
  return makeLogger(options, base, secretSet(options.secrets ?? []));
}

function makeLogger(options: LoggerOptions, base: LogFields, secrets: ReadonlySet<string>): Logger {
  const threshold = LEVELS[options.level ?? 'info'];
  const sink: LogSink = options.sink ?? ((line) => process.stderr.write(`${line}\n`));
  const write = (level: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
    if (LEVELS[level] < threshold) return;
    const record = { time: new Date().toISOString(), level, msg, ...base, ...fields };
    let line: string;
    try {
      line = JSON.stringify(record, replacer);
    } catch {
      line = JSON.stringify({ time: record.time, level, msg, note: 'fields not serialisable' });
    }
    sink(redact(line, secrets));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => makeLogger(options, { ...base, ...fields }, secrets),
    withSecrets: (values) => makeLogger(options, base, secretSet([...secrets, ...values])),
  };
}

/** A logger that drops everything (tests that do not inspect logs). */
export const silentLogger: Logger = createLogger({ level: 'silent' });
