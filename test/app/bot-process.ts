/**
 * The real bot (`src/main.ts`) in a child process, as production runs it: environment in,
 * JSON log lines out on stderr, signals to stop it. Tests read its ops server from the log.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const TSX_LOADER = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');
const MAIN = join(REPO_ROOT, 'src', 'main.ts');

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export interface BotProcess {
  readonly child: ChildProcess;
  /** Every stderr line, raw. */
  readonly lines: string[];
  /** Lines that parsed as JSON log records. */
  readonly logs: LogLine[];
  /** Resolves with the exit code (or the signal name) once the process ended. */
  readonly exited: Promise<number | string>;
  /** Resolve with the first log record `pred` accepts; reject after `timeoutMs` or if the process ends. */
  waitForLog(pred: (l: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  /** Kill with SIGKILL if still running (cleanup). */
  kill(): void;
}

/** A process's output, split into lines as its chunks arrive; lines that parse as JSON are log records. */
export class LogLines {
  /** Every non-empty line, raw. */
  readonly lines: string[] = [];
  readonly logs: LogLine[] = [];
  readonly #decoder = new StringDecoder('utf8');
  #partial = '';

  take(chunk: Buffer): void {
    const parts = (this.#partial + this.#decoder.write(chunk)).split('\n');
    this.#partial = parts.pop() ?? '';
    for (const line of parts) {
      if (line.trim() === '') continue;
      this.lines.push(line);
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        // Not a log record (e.g. a Node warning); kept in `lines` for the tests that check that.
      }
    }
  }
}

/**
 * Start `src/main.ts` (or `args`, e.g. a compiled `dist/main.js`) with exactly `env` (plus
 * PATH/HOME), in `cwd` (no `.env` there).
 */
export function startBotProcess(env: Record<string, string>, cwd: string, args?: string[]): BotProcess {
  if (!args && !existsSync(TSX_LOADER)) throw new Error(`tsx loader not found at ${TSX_LOADER}`);
  const child = spawn(process.execPath, args ?? ['--import', `file://${TSX_LOADER}`, MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new LogLines();
  const { lines, logs } = output;
  const waiters = new Set<() => void>();
  const take = (chunk: Buffer) => {
    output.take(chunk);
    for (const w of waiters) w();
  };
  child.stderr?.on('data', take);
  child.stdout?.on('data', take);
  const exited = new Promise<number | string>((res) => {
    child.once('exit', (code, signal) => {
      for (const w of waiters) w();
      res(code ?? signal ?? 'unknown');
    });
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
    for (const w of waiters) w();
  });
  return {
    child,
    lines,
    logs,
    exited,
    waitForLog(pred, what, timeoutMs = 20_000) {
      return new Promise((res, rej) => {
        const done = (f: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          f();
        };
        const check = () => {
          const hit = logs.find(pred);
          if (hit) done(() => res(hit));
          else if (ended)
            done(() =>
              rej(new Error(`bot exited before ${what}; last lines:\n${lines.slice(-15).join('\n')}`)),
            );
        };
        const timer = setTimeout(
          () =>
            done(() =>
              rej(
                new Error(
                  `${what} not logged within ${timeoutMs} ms; last lines:\n${lines.slice(-15).join('\n')}`,
                ),
              ),
            ),
          timeoutMs,
        );
        waiters.add(check);
        check();
      });
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Wait for the process to end, at most `timeoutMs`; resolves `'timeout'` if it did not. */
export function exitWithin(bot: BotProcess, timeoutMs: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    bot.exited,
    new Promise<string>((res) => {
      timer = setTimeout(() => res('timeout'), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}
